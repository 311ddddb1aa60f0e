"""Batch result uploads: IN_WAITING -> IN_PROCESSING -> SUCCESS | FAILED, computed from mock time."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from . import dates

CONTENT_TYPE = "application/json"
TYPE = "AUTOMATION_TEST_LOG"


def state_at(item: dict, now: datetime, waiting: int, processing: int) -> str:
    submitted = dates.parse(item["submitted_at"])
    if now < submitted + timedelta(seconds=waiting):
        return "IN_WAITING"
    if now < submitted + timedelta(seconds=waiting + processing):
        return "IN_PROCESSING"
    return "FAILED" if item["problem"] else "SUCCESS"


def render(item: dict, now: datetime, waiting: int, processing: int) -> dict:
    current = state_at(item, now, waiting, processing)
    if current == "FAILED":
        content = json.dumps({"message": item["problem"]})
    elif current == "SUCCESS":
        content = json.dumps(_done(item))
    else:
        content = ""
    return {"id": item["id"], "state": current, "contentType": CONTENT_TYPE, "content": content, "type": TYPE}


def _done(item: dict) -> dict:
    if item.get("test_suite_id") is None:
        return {"test_cycle": item["test_cycle_id"], "test_logs": item["log_ids"]}
    # the suite's id, name and log count are what the Jenkins plugin reads from a finished submission
    return {"test_suite": item["test_suite_id"], "test_logs": item["log_ids"], "testSuiteId": item["test_suite_id"],
            "testSuiteName": item["test_suite_name"], "totalTestLogs": len(item["log_ids"])}


def find_cycle(state, project_id: int, ref) -> dict | None:
    """The project's test cycle a batch names: by id, or by its id or PID (CL-1, any case) as a string."""
    for cycle in state.where("test_cycles", "project_id", project_id):
        if ref == cycle["id"] or (
                isinstance(ref, str) and ref.strip().upper() in (cycle["pid"].upper(), str(cycle["id"]))):
            return cycle
    return None


def problem_with(logs: list[dict], missing: str | None, statuses: list[str]) -> str | None:
    """Why qTest's background processing would reject a well-formed batch (None when it would not):
    `missing` names a container the batch points at that the project lacks."""
    if missing is not None:
        return missing
    allowed = {s.upper() for s in statuses}
    for index, log in enumerate(logs):
        if log["status"].upper() not in allowed:
            return f"test_logs[{index}]: status '{log['status']}' is not an automation status of this project"
        if dates.parse(log["exe_end_date"]) < dates.parse(log["exe_start_date"]):
            return f"test_logs[{index}]: exe_end_date is before exe_start_date"
    return None
