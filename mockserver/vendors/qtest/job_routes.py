"""Scheduling jobs, handing them to hosts and moving them through the status machine."""

from __future__ import annotations

from ...core import context
from ...core.errors import VendorError
from ...core.negotiation import json_response
from . import dates, jobs, options
from .routes import blueprint, host, ok, project, wire
from .schemas import JobOut


@blueprint.get("/api/v3/automation/hosts/<int:host_server_id>/jobs")
def list_jobs(host_server_id):
    params = wire()[0]
    host(host_server_id)
    end = jobs.window_bound("end_date", params["end_date"])
    start = jobs.window_bound("start_date", params["start_date"])
    state = context.state()
    client_id = options.current()["client_id"]
    return ok(JobOut, [jobs.render(state, job, client_id) for job in jobs.due_for_host(state, host_server_id, start, end)])


@blueprint.put("/api/v3/projects/<int:projectId>/automation/jobs/<int:job_id>/status")
def update_job_status(projectId, job_id):
    status = wire()[1]["status"]
    project(projectId)
    state = context.state()
    job = state.get("jobs", job_id)
    if job is None or job["project_id"] != projectId:
        raise VendorError(404, f"Job with id {job_id} not found")
    opts = options.current()
    jobs.move(job, status, opts["job_transitions"])
    return ok(JobOut, jobs.render(state, job, opts["client_id"]))


def _start_date(text: str | None) -> str:
    """When the job is due: the client's date (the contract matched its pattern) or now."""
    if text is None:
        return dates.stored(context.now())
    try:
        return dates.fmt(dates.parse(text))
    except ValueError:  # the pattern passes 2015-13-01 and instants past datetime's range
        raise VendorError(400, f"startDate: '{text}' is not a date in the form yyyy-mm-ddThh:mm:ss+zzzz") from None


@blueprint.post("/api/v3/automation/jobs/schedule/create")
def create_schedule():
    body = wire()[1]
    # ScheduleRequest of openapi/qtest.yaml; JSON integers may arrive as 148.0, which Jackson takes too
    project_id, agent_id = int(body["projectId"]), int(body["agentId"])
    run_ids = [int(run_id) for run_id in body["testRunIds"]]
    start = _start_date(body.get("startDate"))
    state = context.state()
    project(project_id)
    agent = state.get("agents", agent_id)
    if agent is None:
        raise VendorError(404, f"Automation agent with id {agent_id} not found")
    if agent["project_id"] != project_id:
        raise VendorError(400, f"Automation agent {agent_id} does not belong to project {project_id}")
    for run_id in run_ids:
        run = state.get("test_runs", run_id)
        if run is None or run["project_id"] != project_id:
            raise VendorError(404, f"Test run with id {run_id} not found in project {project_id}")
    client_id = int(body["clientId"]) if body.get("clientId") is not None else options.current()["client_id"]
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
