"""Batch automation result upload, as CI tools use it, and the queue-processing poll."""

from __future__ import annotations

from flask import request

from ...core import context
from ...core.bodies import json_body, load
from ...core.errors import VendorError
from . import dates, options, queue
from .routes import blueprint, ok, project
from .schemas import AutomationRequestBody, QueueOut


def _cycle(state, project_id: int, ref) -> dict | None:
    for cycle in state.table("test_cycles").values():
        if cycle["project_id"] != project_id:
            continue
        if ref == cycle["id"] or (isinstance(ref, str) and ref.strip().upper() in (cycle["pid"].upper(), str(cycle["id"]))):
            return cycle
    return None


def _shown(item: dict, status: int = 200):
    opts = options.current()
    return ok(QueueOut, queue.render(item, context.now(), opts["queue_waiting_seconds"], opts["queue_processing_seconds"]), status)


def _submit(project_id: int, missing_project_status: int):
    project(project_id, status=missing_project_status)
    if request.args.get("type") != "automation":
        raise VendorError(400, "Query parameter 'type' must be 'automation'")
    batch = load(AutomationRequestBody, json_body())
    state = context.state()
    opts = options.current()
    cycle = _cycle(state, project_id, batch["test_cycle"])
    log_ids = [state.next_id("test_logs") for _ in batch["test_logs"]]
    item = state.insert("queue_processing", {
        "id": None,
        "project_id": project_id,
        "submitted_at": dates.stored(context.now()),
        "test_cycle": batch["test_cycle"],
        "test_cycle_id": cycle["id"] if cycle else None,
        "problem": queue.problem_with(batch, cycle, opts["automation_statuses"]),
        "log_ids": log_ids,
        "test_logs": [{**log, "id": log_id} for log, log_id in zip(batch["test_logs"], log_ids)],
    })
    return _shown(item, 201)


@blueprint.post("/api/v3/projects/<int:projectId>/auto-test-logs")
def submit_logs(projectId):
    return _submit(projectId, 404)


@blueprint.post("/api/v3.1/projects/<int:projectId>/test-runs/<int:testRunId>/auto-test-logs")
def submit_logs_v31(projectId, testRunId):
    # the swagger: 400 when the project is invalid, testRunId is not 0 or type is not automation
    if testRunId != 0:
        raise VendorError(400, "testRunId must be 0 for a batch submission")
    return _submit(projectId, 400)


@blueprint.get("/api/v3/projects/queue-processing/<int:id>")
def queue_status(id):
    item = context.state().get("queue_processing", id)
    if item is None:
        raise VendorError(404, f"Queue processing job with id {id} not found")
    return _shown(item)
