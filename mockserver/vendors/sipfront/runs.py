"""Test sessions and project runs over mock time: where a run is is computed on read from its start
time, its duration and the clock, so advancing the clock is all it takes to finish a run."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from .schemas import TIME_FORMAT


@lru_cache(maxsize=65536)
def parse_time(text: str | None) -> datetime | None:
    # every read of a run parses its stored times: each distinct string is parsed once
    if text is None:
        return None
    return datetime.strptime(text, TIME_FORMAT).replace(tzinfo=timezone.utc)


def format_time(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(timezone.utc).strftime(TIME_FORMAT)


def session_uuid(state) -> str:
    return str(uuid.UUID(hex=state.next_token("session", 32), version=4))


# -- one test session ------------------------------------------------------------------------

def started(run: dict, now: datetime) -> bool:
    return parse_time(run["started_at"]) <= now


def ends_at(run: dict) -> datetime:
    return parse_time(run["started_at"]) + timedelta(seconds=run["duration_seconds"])


def phase(run: dict, now: datetime) -> str:
    """pending (queued behind other tests of a project run), running, passed or failed."""
    if not started(run, now):
        return "pending"
    if now < ends_at(run):
        return "running"
    return run["outcome"]


def next_change(run: dict, now: datetime) -> datetime | None:
    """When what `started` and `phase` say of `run` next changes: its start, its end, or never."""
    start = parse_time(run["started_at"])
    if now < start:
        return start
    end = ends_at(run)
    return end if now < end else None


def settles_at(runs, now: datetime) -> datetime | None:
    """The first moment any of `runs` changes phase (None: none of them will)."""
    return min(filter(None, (next_change(run, now) for run in runs)), default=None)


def visible_runs(state, now: datetime) -> list[dict]:
    return [run for run in state.table("runs").values() if started(run, now)]


def find_session(state, session_id: str, now: datetime) -> dict | None:
    for run in state.table("runs").values():
        if run["session_id"] == session_id and started(run, now):
            return run
    return None


def run_row(state, run: dict, now: datetime) -> dict:
    """The full session row; a running session has no outcome, no stop time and no verdict yet."""
    test = state.get("tests", run["test_id"])
    project = state.get("projects", test["project_id"])
    where = phase(run, now)
    finished = where in ("passed", "failed")
    return {
        "agentpool_name": run["agentpool_name"],
        "has_passed": int(where == "passed"),
        "id": run["id"],
        "is_failed": int(where == "failed"),
        "is_finished": int(finished),
        "project_id": project["id"],
        "project_name": project["name"],
        "result_description": run["result_description"] if where == "failed" else "",
        "session_id": run["session_id"],
        "session_status": where,
        "started_at": run["started_at"],
        "status": where,
        "stopped_at": format_time(ends_at(run)) if finished else None,
        "tags": json.dumps(run["tags"]),
        "test_id": test["id"],
        "test_name": test["name"],
        "testcase_name": test["testcase_name"],
    }


def new_session(state, test: dict, start: datetime, overrides: dict, report_mode: str,
                project_run_id: int | None = None) -> dict:
    """A session of `test` starting at `start`, ending as the test's fixture says it ends."""
    parameters = dict(test["parameters"])
    parameters.update({key: str(value) for key, value in overrides.items()})
    return state.insert("runs", {
        "id": state.next_id("runs"),
        "session_id": session_uuid(state),
        "test_id": test["id"],
        "started_at": format_time(start),
        "duration_seconds": test["duration_seconds"],
        "outcome": test["outcome"],
        "result_description": test["result_description"],
        "tags": list(test["tags"]),
        "agentpool_name": test["agentpool_name"],
        "report_mode": report_mode,
        "parameters": parameters,
        "project_run_id": project_run_id,
    })


def complete_fixture_run(state, run: dict) -> dict:
    """Fill what a fixture run may leave out from its test."""
    test = state.get("tests", run["test_id"])
    if run.get("tags") is None:
        run["tags"] = list(test["tags"])
    if run.get("agentpool_name") is None:
        run["agentpool_name"] = test["agentpool_name"]
    if run.get("parameters") is None:
        run["parameters"] = dict(test["parameters"])
    if run["outcome"] == "passed":
        run["result_description"] = ""
    return run


# -- project runs ----------------------------------------------------------------------------

def start_project_run(state, project: dict, test_ids: list[int], created: datetime, report_mode: str,
                      run_id: int | None = None, run_uuid: str | None = None) -> dict:
    """A project run starts its tests one after another, each when the one before it has ended."""
    prun = state.insert("project_runs", {
        "id": run_id if run_id is not None else state.next_id("project_runs"),
        "uuid": run_uuid or session_uuid(state),
        "project_id": project["id"],
        "test_ids": list(test_ids),
        "created_at": format_time(created),
        "report_mode": report_mode,
        "stopped_at": None,
    })
    start = created
    for test_id in test_ids:
        test = state.get("tests", test_id)
        new_session(state, test, start, {}, report_mode, project_run_id=prun["id"])
        start += timedelta(seconds=test["duration_seconds"])
    return prun


def stop_project_run(state, prun: dict, when: datetime) -> None:
    """As a user pressing stop: queued tests never start, the one under way ends failed at `when`."""
    prun["stopped_at"] = format_time(when)
    for run in list(sessions_of(state, prun)):
        if not started(run, when):
            state.delete("runs", run["id"])
        elif when < ends_at(run):
            run["duration_seconds"] = max(1, int((when - parse_time(run["started_at"])).total_seconds()))
            run["outcome"] = "failed"
            run["result_description"] = "Test run stopped by user"


def sessions_of(state, prun: dict) -> list[dict]:
    return [run for run in state.table("runs").values() if run.get("project_run_id") == prun["id"]]


def project_phase(state, prun: dict, now: datetime) -> str:
    stopped = parse_time(prun.get("stopped_at"))
    if stopped is not None and stopped <= now:
        return "stopped"
    phases = [phase(run, now) for run in sessions_of(state, prun)]
    if any(p in ("pending", "running") for p in phases):
        return "running"
    return "failed" if "failed" in phases else "passed"


def project_row(state, prun: dict, now: datetime) -> dict:
    sessions = sessions_of(state, prun)
    where = project_phase(state, prun, now)
    if where == "stopped":
        stopped_at = prun["stopped_at"]
    elif where == "running":
        stopped_at = None
    else:
        stopped_at = format_time(max(ends_at(run) for run in sessions))
    project = state.get("projects", prun["project_id"])
    return {
        "id": prun["id"],
        "uuid": prun["uuid"],
        "run_status": where,
        "project_id": project["id"],
        "project_name": project["name"],
        "total_tests": len(prun["test_ids"]),
        "tests_started": sum(1 for run in sessions if started(run, now)),
        "created_at": prun["created_at"],
        "stopped_at": stopped_at,
        "report_mode": prun["report_mode"],
    }


def find_project_run(state, run_uuid: str, now: datetime) -> dict | None:
    for prun in state.table("project_runs").values():
        if prun["uuid"] == run_uuid and parse_time(prun["created_at"]) <= now:
            return prun
    return None
