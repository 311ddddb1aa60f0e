"""Sipfront v2: the Vendor this package plugs into the core (routes, schemas, auth, error shape)."""

from __future__ import annotations

import re

from flask import current_app, request

from ...core.context import CORE_KEY
from ...core.negotiation import json_response
from ...core.state import State
from ...core.vendor import Vendor
from . import errors
from .control import control_blueprint
from .generate import generate
from .model import complete_fixture_run, parse_time, phase, project_phase, start_project_run, stop_project_run
from .routes import blueprint
from .schemas import FixtureSchema

# what the doc's "standard HTTP response codes" carry when the server has nothing more specific to say
_DESCRIPTIONS = {
    404: "The requested URL was not found on the server",
    405: "The method is not allowed for the requested URL",
    413: "The request body exceeds the upload size limit",
    500: "An unexpected error occurred",
}
# the fields that pick what a launch runs; a body naming none of them misses "test.name or id"
_SELECTORS = {"id", "test.name", "test", "project.name", "project"}
# the nested JSON objects that stand for dotted keys: a problem inside one is named by its dotted path
_DOTTED = {"test", "project", "report", "step"}
_UNEXPECTED = re.compile(r"\('([^']*)'.*(?:was|were) unexpected\)")
_REQUIRED = re.compile(r"'([^']*)' is a required property$")


def _parameter(problem) -> str | None:
    """The request field a contract problem is about, spelled as Sipfront's form field (`parameter`)."""
    if problem.location != "body":
        return problem.name
    if problem.name is None:
        unexpected = _UNEXPECTED.search(problem.message)
        return unexpected.group(1) if unexpected else None
    if problem.name in _DOTTED:
        missing = _REQUIRED.search(problem.message)
        if missing and problem.path == problem.name:  # {"test": {}} misses test.name
            return f"{problem.path}.{missing.group(1)}"
        if problem.path.startswith(problem.name + "."):
            return problem.path
    return problem.name


def _headline(problem) -> str:
    """The `error` of a body problem that names no field: what is wrong with the body as a whole."""
    if problem.message.startswith("media type"):
        return "Unsupported body type"
    if problem.message.startswith("Malformed JSON body"):
        return "Malformed JSON body"
    if problem.message.startswith("Missing required request body"):
        return "Request body is missing"
    return "Invalid request body"


class SipfrontVendor(Vendor):
    name = "sipfront"
    spec_guard = True
    title = "Sipfront v2"
    blueprint = blueprint
    fixture_schema = FixtureSchema
    control_blueprint = control_blueprint

    def build_state(self, fixtures: dict) -> State:
        state = State(self.name)
        state.extra["credentials"] = fixtures.get("credentials", [])
        for kind in ("projects", "tests", "appimages"):
            for row in fixtures.get(kind, []):
                state.insert(kind, row)
        for run in fixtures.get("runs", []):
            state.insert("runs", complete_fixture_run(state, {**run, "project_run_id": run.get("project_run_id")}))
        for prun in fixtures.get("project_runs", []):
            project = state.get("projects", prun["project_id"])
            made = start_project_run(state, project, prun["test_ids"], parse_time(prun["created_at"]),
                                     prun["report_mode"], run_id=prun["id"], run_uuid=prun["uuid"])
            if prun.get("stopped_at"):
                stop_project_run(state, made, parse_time(prun["stopped_at"]))
        return state

    def dump_state(self, state: State) -> dict:
        """The stored records plus where each run stands on the mock clock (stored runs only know their start)."""
        data = state.to_json()
        now = current_app.extensions[CORE_KEY].clock.now()
        data["phases"] = {
            "runs": {run["session_id"]: phase(run, now) for run in state.table("runs").values()},
            "project_runs": {prun["uuid"]: project_phase(state, prun, now)
                             for prun in state.table("project_runs").values()},
        }
        return data

    def contract_error(self, problem):
        """A request the spec forbids, as the handlers word their own 400s: "Invalid parameter '<name>'"
        with the form field (or query parameter) in `parameter` and what is wrong with it in `description`."""
        parameter = _parameter(problem)
        if problem.location == "body" and not problem.path and parameter in _SELECTORS \
                and problem.message.endswith("is a required property"):
            what = "test" if request.path.endswith("/tests/run") else "project"
            return errors.selector_missing(what)
        if parameter is None:
            return errors.invalid_body(_headline(problem), str(problem))
        if problem.location != "body":
            detail = f"{parameter}: {problem.message}"
        elif parameter in problem.message:
            detail = problem.message
        else:  # {"test": {}}: the nested object stands for test.name, which it lacks
            detail = f"{parameter!r} is a required property"
        return errors.invalid_parameter(parameter, detail)

    def error_response(self, status, message, extra):
        body = {
            "error": message,
            "description": extra.get("description") or _DESCRIPTIONS.get(status, message),
            "status": status,
        }
        for key in ("parameter", "valid_measures"):
            if key in extra:
                body[key] = extra[key]
        return json_response(body, status)

    def generate_fixtures(self, fake, scale, progress):
        return generate(fake, scale, progress)


VENDOR = SipfrontVendor()
