"""Batch automation result upload, as CI tools use it (the swagger client, the Jenkins plugin), and the
queue-processing poll."""

from __future__ import annotations

from ...core import context
from . import errors
from .blueprint import blueprint, dated, ok, options, project, wire
from .model import dates, queue, suites
from .schemas import QueueOut


def _shown(item: dict, status: int = 200):
    opts = options()
    shown = queue.render(item, context.now(), opts["queue_waiting_seconds"], opts["queue_processing_seconds"])
    return ok(QueueOut, shown, status)


def _logs(raw: list[dict], key: str) -> list[dict]:
    """The batch's test logs (AutomationTestLog of openapi/qtest.yaml) with their dates as qTest emits them."""
    logs = []
    for index, log in enumerate(raw):
        log = dict(log)
        for name in ("exe_start_date", "exe_end_date"):
            log[name] = dated(f"{key}.{index}.{name}", log[name])
        steps = []
        for step_index, step in enumerate(log.get("test_step_logs") or []):
            if step.get("exe_date") is not None:
                where = f"{key}.{index}.test_step_logs.{step_index}.exe_date"
                step = {**step, "exe_date": dated(where, step["exe_date"])}
            steps.append(step)
        if "test_step_logs" in log:
            log["test_step_logs"] = steps
        logs.append(log)
    return logs


def _batch(key: str = "test_logs") -> dict:
    """AutomationRequest of openapi/qtest.yaml (the contract checked `type` and the shape)."""
    batch = dict(wire()[1])
    if batch.get("execution_date") is not None:
        batch["execution_date"] = dated("execution_date", batch["execution_date"])
    batch[key] = _logs(batch[key], key)
    return batch


def _target(state, project_id: int, batch: dict) -> dict:
    """Where the batch lands: its test suite, else its test cycle, else the project's automation suite."""
    if batch.get("test_suite") is not None:
        suite = suites.find_suite(state, project_id, batch["test_suite"])
        if suite is None:
            return {"missing": f"Test suite '{batch['test_suite']}' does not exist in this project"}
        return {"test_suite_id": suite["id"], "test_suite_name": suite["name"]}
    if batch.get("test_cycle") is not None:
        cycle = queue.find_cycle(state, project_id, batch["test_cycle"])
        if cycle is None:
            return {"missing": f"Test cycle '{batch['test_cycle']}' does not exist in this project"}
        return {"test_cycle_id": cycle["id"]}
    suite = suites.find_or_create(state, project_id, suites.DEFAULT_SUITE, "root", 0)
    return {"test_suite_id": suite["id"], "test_suite_name": suite["name"]}


def _queue(project_id: int, logs: list[dict], batch: dict, target: dict):
    state = context.state()
    log_ids = [state.next_id("test_logs") for _ in logs]
    item = state.insert("queue_processing", {
        "id": None,
        "project_id": project_id,
        "submitted_at": dates.stored(context.now()),
        "test_cycle": batch.get("test_cycle"),
        "test_cycle_id": target.get("test_cycle_id"),
        "test_suite_id": target.get("test_suite_id"),
        "test_suite_name": target.get("test_suite_name"),
        # the mock keeps no module tree: the parent module is recorded as given
        "parent_module": batch.get("parent_module"),
        "problem": queue.problem_with(logs, target.get("missing"), options()["automation_statuses"]),
        "log_ids": log_ids,
        "test_logs": [{**log, "id": log_id} for log, log_id in zip(logs, log_ids)],
    })
    return _shown(item, 201)


def _submit(project_id: int, missing_project_status: int):
    batch = _batch()
    project(project_id, status=missing_project_status)
    return _queue(project_id, batch["test_logs"], batch, _target(context.state(), project_id, batch))


@blueprint.post("/api/v3/projects/<int:projectId>/auto-test-logs")
def submit_logs(projectId):
    return _submit(projectId, 404)


@blueprint.post("/api/v3.1/projects/<int:projectId>/test-runs/<int:testRunId>/auto-test-logs")
def submit_logs_v31(projectId, testRunId):
    # the swagger: 400 when the project is invalid, testRunId is not 0 or type is not automation
    # (or jenkins, which the qTest Jenkins plugin sends)
    if testRunId != 0:
        raise errors.batch_run_not_zero()
    return _submit(projectId, 400)


@blueprint.post("/api/v3/projects/<int:projectId>/test-runs/<int:testRunId>/auto-test-logs/ci/<int:ciId>")
def submit_ci_logs(projectId, testRunId, ciId):
    """The Jenkins plugin's upload into the place its saved CI setting names."""
    if testRunId != 0:
        raise errors.batch_run_not_zero()
    batch = _batch("testResults")
    project(projectId)
    state = context.state()
    setting = state.get("ci_settings", ciId)
    if setting is None or setting["project_id"] != projectId:
        raise errors.ci_setting_not_found(ciId)
    suite = suites.ci_target(state, setting)
    target = ({"missing": f"The release or test suite of CI setting {ciId} does not exist in this project"}
              if suite is None else {"test_suite_id": suite["id"], "test_suite_name": suite["name"]})
    return _queue(projectId, batch["testResults"], batch, target)


@blueprint.get("/api/v3/projects/queue-processing/<int:id>")
def queue_status(id):
    item = context.state().get("queue_processing", id)
    if item is None:
        raise errors.queue_item_not_found(id)
    return _shown(item)
