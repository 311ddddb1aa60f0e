"""Batch automation result upload, as CI tools use it, and the queue-processing poll."""

from __future__ import annotations

from ...core import context
from ...core.errors import VendorError
from . import dates, options, queue
from .routes import blueprint, ok, project, wire
from .schemas import QueueOut


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


def _dated(where: str, text: str) -> str:
    """A date the contract matched to the pattern, as qTest emits it; 400 when it is no real instant."""
    try:
        return dates.fmt(dates.parse(text))
    except ValueError:  # the pattern passes 2015-13-01 and instants past datetime's range
        raise VendorError(400, f"{where}: '{text}' is not a date in the form yyyy-mm-ddThh:mm:ss+zzzz") from None


def _batch() -> dict:
    """AutomationRequest of openapi/qtest.yaml (the contract checked type=automation and the shape)."""
    batch = dict(wire()[1])
    if batch.get("execution_date") is not None:
        batch["execution_date"] = _dated("execution_date", batch["execution_date"])
    logs = []
    for index, log in enumerate(batch["test_logs"]):
        log = dict(log)
        for name in ("exe_start_date", "exe_end_date"):
            log[name] = _dated(f"test_logs.{index}.{name}", log[name])
        steps = []
        for step_index, step in enumerate(log.get("test_step_logs") or []):
            if step.get("exe_date") is not None:
                step = {**step, "exe_date": _dated(f"test_logs.{index}.test_step_logs.{step_index}.exe_date", step["exe_date"])}
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
