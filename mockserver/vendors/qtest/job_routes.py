"""Scheduling jobs, handing them to hosts and moving them through the status machine."""

from __future__ import annotations

from flask import request

from ...core import context
from ...core.bodies import json_body, load
from ...core.errors import VendorError
from ...core.negotiation import json_response
from . import dates, jobs, options
from .routes import blueprint, host, ok, project
from .schemas import JobOut, ScheduleBody, StatusBody


@blueprint.get("/api/v3/automation/hosts/<int:host_server_id>/jobs")
def list_jobs(host_server_id):
    host(host_server_id)
    end = jobs.window_bound("end_date", request.args.get("end_date"), required=True)
    start = jobs.window_bound("start_date", request.args.get("start_date"), required=False)
    state = context.state()
    client_id = options.current()["client_id"]
    return ok(JobOut, [jobs.render(state, job, client_id) for job in jobs.due_for_host(state, host_server_id, start, end)])


@blueprint.put("/api/v3/projects/<int:projectId>/automation/jobs/<int:job_id>/status")
def update_job_status(projectId, job_id):
    project(projectId)
    state = context.state()
    job = state.get("jobs", job_id)
    if job is None or job["project_id"] != projectId:
        raise VendorError(404, f"Job with id {job_id} not found")
    body = load(StatusBody, json_body())
    opts = options.current()
    jobs.move(job, body["status"], opts["job_transitions"])
    return ok(JobOut, jobs.render(state, job, opts["client_id"]))


@blueprint.post("/api/v3/automation/jobs/schedule/create")
def create_schedule():
    body = load(ScheduleBody, json_body())
    state = context.state()
    project(body["projectId"])
    agent = state.get("agents", body["agentId"])
    if agent is None:
        raise VendorError(404, f"Automation agent with id {body['agentId']} not found")
    if agent["project_id"] != body["projectId"]:
        raise VendorError(400, f"Automation agent {body['agentId']} does not belong to project {body['projectId']}")
    for run_id in body["testRunIds"]:
        run = state.get("test_runs", run_id)
        if run is None or run["project_id"] != body["projectId"]:
            raise VendorError(404, f"Test run with id {run_id} not found in project {body['projectId']}")
    client_id = body["clientId"] if body["clientId"] is not None else options.current()["client_id"]
    start = body["startDate"] or dates.stored(context.now())
    schedule = state.insert("schedules", {
        "id": None, "name": body["name"], "project_id": body["projectId"], "agent_server_id": agent["agent_server_id"],
        "client_id": client_id, "start_date": start, "test_run_ids": list(body["testRunIds"]),
    })
    state.insert("jobs", {
        "job_id": None, "schedule_id": schedule["id"], "project_id": body["projectId"],
        "agent_server_id": agent["agent_server_id"], "client_id": client_id, "status": "PLANNED",
        "start_date": start, "test_run_ids": list(body["testRunIds"]),
    }, id_field="job_id")
    # the swagger's 201 body is the bare schedule id
    return json_response(schedule["id"], 201)
