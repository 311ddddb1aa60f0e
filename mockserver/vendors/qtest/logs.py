"""One automation test log submitted on its own (the swagger client's submit_automation_log, qTest 4+):
into a given test run, or (testRunId 0) a new one in the automation suite."""

from __future__ import annotations

import re
from datetime import datetime

from ...core import context
from ...core.negotiation import json_response
from . import errors
from .blueprint import blueprint, dated, options, project, wire
from .model import dates, suites

_SUITE_DATE = re.compile(r"^\d{8}$")


def _suite_name(params: dict) -> str:
    """suitePerDay=true: "Automation yyyy-mm-dd" of suiteDate (yyyymmdd); else the automation suite."""
    if str(params.get("suitePerDay") or "").lower() != "true":
        return suites.DEFAULT_SUITE
    raw = params.get("suiteDate") or ""
    try:
        if not _SUITE_DATE.match(raw):
            raise ValueError(raw)
        day = datetime.strptime(raw, "%Y%m%d")
    except ValueError:
        raise errors.suite_date_missing() from None
    return f"Automation {day:%Y-%m-%d}"


def _new_run(state, project_id: int, log: dict, suite: dict) -> dict:
    """A test run for the log; its test case is the project's one with the same automation_content, if any."""
    case = next((r for r in state.where("test_runs", "project_id", project_id)
                 if r["automation_content"] == log["automation_content"]), None)
    return state.insert("test_runs", {
        "id": None, "project_id": project_id, "test_suite_id": suite["id"],
        "test_case_id": case["test_case_id"] if case else state.next_id("test_cases"),
        "test_case_version_id": case["test_case_version_id"] if case else state.next_id("test_case_versions"),
        "test_case_name": log["name"], "automation_content": log["automation_content"],
    })


@blueprint.post("/api/v3/projects/<int:projectId>/test-runs/<int:testRunId>/auto-test-logs")
def submit_automation_log(projectId, testRunId):
    params, body = wire()
    log = dict(body)
    for name in ("exe_start_date", "exe_end_date"):
        log[name] = dated(name, log[name])
    project(projectId)
    if dates.parse(log["exe_end_date"]) < dates.parse(log["exe_start_date"]):
        raise errors.end_before_start()
    if log["status"].upper() not in {s.upper() for s in options()["automation_statuses"]}:
        raise errors.not_an_automation_status(log["status"])
    state = context.state()
    if testRunId:
        run = state.get("test_runs", testRunId)
        if run is None or run["project_id"] != projectId:
            raise errors.test_run_not_found(testRunId, projectId)
    else:
        suite = suites.find_or_create(state, projectId, _suite_name(params), "root", 0)
        run = _new_run(state, projectId, log, suite)
    stored = state.insert("test_logs", {**log, "id": None, "test_run_id": run["id"], "project_id": projectId})
    return json_response({
        "links": [], "id": stored["id"], "test_run_id": run["id"], "test_case_version_id": run["test_case_version_id"],
        "exe_start_date": log["exe_start_date"], "exe_end_date": log["exe_end_date"], "name": log["name"],
        "automation_content": log["automation_content"], "status": log["status"], "note": log.get("note"),
        "build_number": log.get("build_number"), "build_url": log.get("build_url"),
        "test_step_logs": log.get("test_step_logs") or [], "attachments": log.get("attachments") or [],
    }, 201)
