"""Starting runs: one test (POST /tests/run) or a project (POST /projects/run), and the project-run status
URL handed out for polling."""

from __future__ import annotations

from ...core import context
from ...core.negotiation import json_response
from . import errors
from .blueprint import API, blueprint, body_params, project_run_or_404, reply
from .model import new_session, project_row, start_project_run
from .schemas import STEP_KEY, ProjectLaunchOut, ProjectRunOut

# the project-run status path is not public; this one sits beside the documented project routes
PROJECT_RUN_STATUS = f"{API}/projects/runs/<uuid>/status"


def _select(state, kind: str, wanted_id, wanted_name, not_found, not_named) -> dict:
    """By id when given, else the first by name: the API gives id precedence (official Action)."""
    if wanted_id is not None:
        found = state.get(kind, wanted_id)
        if found is None:
            raise not_found(wanted_id)
        return found
    named = state.where(kind, "name", wanted_name)  # the API renames nothing: a stored name is for good
    if not named:
        raise not_named(wanted_name)
    return named[0] if len(named) == 1 else min(named, key=lambda row: row["id"])


def _whole(value) -> int | None:
    """A JSON integer may arrive as 1.0 or as a digit string ("124", as the form sends it); ids are ints
    from here on."""
    return None if value is None else int(value)


def _override_value(value) -> str:
    # parameters are text; a JSON boolean is taken in its JSON spelling, as the Action's string inputs are
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _overrides(test: dict, wanted: dict) -> dict:
    """The step.<step>.<action>.<attr> keys of the body. Keys outside `step.` are ignored (a server picking
    the fields it knows out of a form does so; the docs name no refusal), but a malformed `step.` key is
    an override that could not apply, so it is refused rather than silently dropped."""
    out, steps = {}, None
    for key, value in wanted.items():
        if not key.startswith("step."):
            continue
        match = STEP_KEY.match(key)
        if match is None:
            raise errors.override_malformed(key)
        if steps is None:  # (read from the test's parameters only for a body that overrides any)
            steps = {STEP_KEY.match(name).groups()[:2] for name in test["parameters"]}
        if match.groups()[:2] not in steps:
            raise errors.override_unknown_step(key, test["name"], match.group(1), match.group(2))
        out[key] = _override_value(value)
    return out


@blueprint.post(f"{API}/tests/run")
def run_test():
    state, now = context.state(), context.now()
    wanted = body_params()
    test = _select(state, "tests", _whole(wanted.get("id")), wanted.get("test.name"),
                   errors.test_not_found, errors.test_not_named)
    mode = wanted.get("report.mode", "full")
    run = new_session(state, test, now, _overrides(test, wanted), mode)
    base = context.base_url()
    session = run["session_id"]
    # LaunchOut's fields, in its order, all text: written as its dump would write them (test_launch.py holds
    # the two together)
    data = {
        "session_id": session,
        "status_url": f"{base}{API}/runs/{session}/status",
        "report_url": f"{context.page_base_url()}/report/session/{session}?mode={mode}",
    }
    return json_response({"data": data, "status": 200})


def _test_ids(values) -> list[int]:
    """JSON sends an array of ids (numbers or digit strings) or one comma-separated string; a form one id
    per field or a comma-separated list (the contract admits only digits, commas and blanks there)."""
    out = []
    for value in [values] if isinstance(values, str) else values or ():
        if isinstance(value, str):
            out.extend(int(part) for part in value.replace(" ", "").split(",") if part)
        else:
            out.append(int(value))
    return list(dict.fromkeys(out))


@blueprint.post(f"{API}/projects/run")
def run_project():
    state, now = context.state(), context.now()
    wanted = body_params()
    project = _select(state, "projects", _whole(wanted.get("id")), wanted.get("project.name"),
                      errors.project_not_found, errors.project_not_named)
    own = sorted(t["id"] for t in state.where("tests", "project_id", project["id"]))
    chosen = _test_ids(wanted.get("test_ids")) or own
    strangers = [t for t in chosen if t not in own]
    if strangers:
        raise errors.tests_not_of_project(project["name"], strangers)
    if not chosen:
        raise errors.project_has_no_tests(project["name"])
    mode = wanted.get("report.mode", "full")
    prun = start_project_run(state, project, chosen, now, mode)
    base = context.base_url()
    data = {
        "project_run_id": prun["id"],
        "project_run_uuid": prun["uuid"],
        "status_url": base + PROJECT_RUN_STATUS.replace("<uuid>", prun["uuid"]),
        "report_url": f"{context.page_base_url()}/report/project/{prun['uuid']}?mode={mode}",
    }
    return reply("data", ProjectLaunchOut, data)


@blueprint.get(PROJECT_RUN_STATUS)
def project_run_status(uuid):
    state, now = context.state(), context.now()
    prun = project_run_or_404(state, uuid, now)
    return reply("run", ProjectRunOut, project_row(state, prun, now))
