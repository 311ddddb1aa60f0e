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
        content = json.dumps({"test_cycle": item["test_cycle_id"], "test_logs": item["log_ids"]})
    else:
        content = ""
    return {"id": item["id"], "state": current, "contentType": CONTENT_TYPE, "content": content, "type": TYPE}


def find_cycle(state, project_id: int, ref) -> dict | None:
    """The project's test cycle a batch names: by id, or by its id or PID (CL-1, any case) as a string."""
    for cycle in state.table("test_cycles").values():
        if cycle["project_id"] != project_id:
            continue
        if ref == cycle["id"] or (
                isinstance(ref, str) and ref.strip().upper() in (cycle["pid"].upper(), str(cycle["id"]))):
            return cycle
    return None


def problem_with(batch: dict, cycle: dict | None, statuses: list[str]) -> str | None:
    """Why qTest's background processing would reject a well-formed batch (None when it would not)."""
    if cycle is None:
        return f"Test cycle '{batch['test_cycle']}' does not exist in this project"
    allowed = {s.upper() for s in statuses}
    for index, log in enumerate(batch["test_logs"]):
        if log["status"].upper() not in allowed:
            return f"test_logs[{index}]: status '{log['status']}' is not an automation status of this project"
        if dates.parse(log["exe_end_date"]) < dates.parse(log["exe_start_date"]):
            return f"test_logs[{index}]: exe_end_date is before exe_start_date"
    return None
