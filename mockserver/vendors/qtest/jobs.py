"""Scheduling jobs, handing them to hosts and moving them through the status machine."""

from __future__ import annotations

from datetime import datetime

from ...core import context
from ...core.negotiation import json_response
from . import errors
from .blueprint import blueprint, dated, host, ok, options, project, wire
from .model import dates, jobs
from .schemas import JobOut


def _window_bound(name: str, raw: str | None) -> datetime | None:
    """A bound the contract has matched to the date pattern (None or empty: no bound) as a UTC instant."""
    if not raw:
        return None
    try:
        return dates.parse(raw)
    except ValueError:  # the pattern passes 2015-13-01 and instants past datetime's range
        raise errors.bad_date_parameter(name, raw) from None


@blueprint.get("/api/v3/automation/hosts/<int:host_server_id>/jobs")
def list_jobs(host_server_id):
    params = wire()[0]
    host(host_server_id)
    end = _window_bound("end_date", params["end_date"])
    start = _window_bound("start_date", params["start_date"])
    state = context.state()
    client_id = options()["client_id"]
    due = jobs.due_for_host(state, host_server_id, start, end)
    return ok(JobOut, [jobs.render(state, job, client_id) for job in due])


@blueprint.put("/api/v3/projects/<int:projectId>/automation/jobs/<int:job_id>/status")
def update_job_status(projectId, job_id):
    status = wire()[1]["status"]
    project(projectId)
    state = context.state()
    job = state.get("jobs", job_id)
    if job is None or job["project_id"] != projectId:
        raise errors.job_not_found(job_id)
    opts = options()
    target = jobs.canonical_status(status)
    if target not in jobs.JOB_STATUSES:
        raise errors.invalid_job_status(status)
    if not jobs.may_move(job["status"], target, opts["job_transitions"]):
        raise errors.job_status_change_refused(job["status"], target)
    if target != job["status"]:
        job["status"] = target
    return ok(JobOut, jobs.render(state, job, opts["client_id"]))


@blueprint.post("/api/v3/automation/jobs/schedule/create")
def create_schedule():
    body = wire()[1]
    # ScheduleRequest of openapi/qtest.yaml; JSON integers may arrive as 148.0, which Jackson takes too
    project_id, agent_id = int(body["projectId"]), int(body["agentId"])
    run_ids = [int(run_id) for run_id in body.get("testRunIds") or ()]
    # when the job is due: the client's date (the contract matched its pattern) or now
    text = body.get("startDate")
    start = dates.stored(context.now()) if text is None else dated("startDate", text)
    state = context.state()
    project(project_id)
    agent = state.get("agents", agent_id)
    if agent is None:
        raise errors.agent_not_found(agent_id)
    if agent["project_id"] != project_id:
        raise errors.agent_not_in_project(agent_id, project_id)
    for run_id in run_ids:
        run = state.get("test_runs", run_id)
        if run is None or run["project_id"] != project_id:
            raise errors.test_run_not_found(run_id, project_id)
    client_id = int(body["clientId"]) if body.get("clientId") is not None else options()["client_id"]
    schedule = state.insert("schedules", {
        "id": None, "name": body.get("name"), "project_id": project_id, "agent_server_id": agent["agent_server_id"],
        "client_id": client_id, "start_date": start, "test_run_ids": run_ids,
    })
    state.insert("jobs", {
        "job_id": None, "schedule_id": schedule["id"], "project_id": project_id,
        "agent_server_id": agent["agent_server_id"], "client_id": client_id, "status": "PLANNED",
        "start_date": start, "test_run_ids": run_ids,
    }, id_field="job_id")
    # the swagger's 201 body is the bare schedule id
    return json_response(schedule["id"], 201)
