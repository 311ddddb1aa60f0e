"""Sipfront v2: the Vendor this package plugs into the core (routes, schemas, auth, error shape)."""

from __future__ import annotations

from flask import request

from ...core import context
from ...core.negotiation import json_response
from ...core.state import State
from ...core.vendor import Vendor
from . import appimages, endpoints, launches, projects, reports, runs, stats, tests  # noqa: F401 (add their routes)
from .auth import DEMO_HEADERS, require_api_key, tenant_credential
from .blueprint import API, blueprint
from .control import control_blueprint
from .errors import DESCRIPTIONS, refused_by_contract
from .model import (
    complete_fixture_run,
    parse_time,
    phase,
    project_phase,
    start_project_run,
    stop_project_run,
)
from .schemas import FixtureSchema


class SipfrontVendor(Vendor):
    name = "sipfront"
    # where its state keeps credentials ("***" in /_mock/state): API credentials' secrets (public_key names them)
    secret_keys = frozenset(("secret",))
    title = "Sipfront v2"
    port_offset = 5
    blueprint = blueprint
    fixture_schema = FixtureSchema
    control_blueprint = control_blueprint
    demo_headers = DEMO_HEADERS
    probe = API  # the endpoint index
    # a key's tenant: the first key pair has it as public key (and keeps the fixtures' secret)
    credential_field = ("credentials", "public_key")
    tenant_credential = staticmethod(tenant_credential)

    def authenticate(self) -> None:
        require_api_key()

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
        now = context.now()
        data["phases"] = {
            "runs": {run["session_id"]: phase(run, now) for run in state.peek_values("runs")},
            "project_runs": {prun["uuid"]: project_phase(state, prun, now)
                             for prun in state.peek_values("project_runs")},
        }
        return data

    def contract_error(self, problem):
        return refused_by_contract(problem, "test" if request.path.endswith("/tests/run") else "project")

    def error_response(self, status, message, extra):
        body = {
            "error": message,
            "description": extra.get("description") or DESCRIPTIONS.get(status, message),
            "status": status,
        }
        for key in ("parameter", "valid_measures"):
            if key in extra:
                body[key] = extra[key]
        return json_response(body, status)



VENDOR = SipfrontVendor()
