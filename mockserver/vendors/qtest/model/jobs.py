"""Scheduled jobs: the status machine (a documented assumption), the retrieval window, rendering."""

from __future__ import annotations

from datetime import datetime

from . import dates

JOB_STATUSES = ("PLANNED", "NOT_RUN", "CANCELLED", "RUNNING", "COMPLETED", "FAILED")
RETRIEVABLE = ("PLANNED", "NOT_RUN")


def canonical_status(text: str) -> str:
    """The SDK's enum name for a status the contract let through; the doc's prose spells "NOT RUN"."""
    return text.replace(" ", "_")


def may_move(current: str, target: str, transitions: dict) -> bool:
    """Whether a job in `current` may be set to `target`: staying put always may (a no-op)."""
    return target == current or target in transitions.get(current, [])


def materials(state, job: dict) -> list[dict]:
    out = []
    for run_id in job.get("test_run_ids", []):
        run = state.get("test_runs", run_id)
        if run is not None:
            out.append({
                "test_run_id": run["id"],
                "test_case_id": run["test_case_id"],
                "test_case_name": run["test_case_name"],
                "test_case_version_id": run["test_case_version_id"],
                "automation_content": run["automation_content"],
            })
    return out


def render(state, job: dict, default_client_id: int) -> dict:
    agent = state.get("agents", job["agent_server_id"]) or {}
    return {
        "client_id": job.get("client_id") if job.get("client_id") is not None else default_client_id,
        "project_id": job["project_id"],
        "job_id": job["job_id"],
        "host_server_id": agent.get("host_id"),
        "status": job["status"],
        "agent_server_id": job["agent_server_id"],
        "agent_id": int(agent["agent_client_id"]) if agent.get("agent_client_id") else None,
        "schedule_id": job["schedule_id"],
        "automation_materials": materials(state, job),
        "start_date": dates.fmt(dates.parse(job["start_date"])),
    }


def due_for_host(state, host_id: int, start: datetime | None, end: datetime) -> list[dict]:
    """Jobs the host may take: retrievable status, its own active agents, scheduled in [start, end)."""
    picked = []
    # by index (an agent's host and a job's agent are set once): O(the host's jobs), not O(all jobs)
    mine = [job for agent in state.where("agents", "host_id", host_id) if agent["active"]
            for job in state.where("jobs", "agent_server_id", agent["agent_server_id"])]
    for job in mine:
        if job["status"] not in RETRIEVABLE:
            continue
        when = dates.parse(job["start_date"])
        if when >= end or (start is not None and when < start):
            continue
        picked.append(job)
    picked.sort(key=lambda j: (dates.parse(j["start_date"]), j["job_id"]))
    return picked
