"""Batch automation result upload, as CI tools use it, and the queue-processing poll."""

from __future__ import annotations

from ...core import context
from . import errors
from .blueprint import blueprint, dated, ok, options, project, wire
from .model import dates, queue
from .schemas import QueueOut


def _shown(item: dict, status: int = 200):
    opts = options()
    shown = queue.render(item, context.now(), opts["queue_waiting_seconds"], opts["queue_processing_seconds"])
    return ok(QueueOut, shown, status)


def _batch() -> dict:
    """AutomationRequest of openapi/qtest.yaml (the contract checked type=automation and the shape)."""
    batch = dict(wire()[1])
    if batch.get("execution_date") is not None:
        batch["execution_date"] = dated("execution_date", batch["execution_date"])
    logs = []
    for index, log in enumerate(batch["test_logs"]):
        log = dict(log)
        for name in ("exe_start_date", "exe_end_date"):
            log[name] = dated(f"test_logs.{index}.{name}", log[name])
        steps = []
        for step_index, step in enumerate(log.get("test_step_logs") or []):
            if step.get("exe_date") is not None:
                where = f"test_logs.{index}.test_step_logs.{step_index}.exe_date"
                step = {**step, "exe_date": dated(where, step["exe_date"])}
            steps.append(step)
        if "test_step_logs" in log:
            log["test_step_logs"] = steps
        logs.append(log)
    batch["test_logs"] = logs
    return batch


def _submit(project_id: int, missing_project_status: int):
    batch = _batch()
    project(project_id, status=missing_project_status)
    state = context.state()
    opts = options()
    cycle = queue.find_cycle(state, project_id, batch["test_cycle"])
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
        raise errors.batch_run_not_zero()
    return _submit(projectId, 400)


@blueprint.get("/api/v3/projects/queue-processing/<int:id>")
def queue_status(id):
    item = context.state().get("queue_processing", id)
    if item is None:
        raise errors.queue_item_not_found(id)
    return _shown(item)
