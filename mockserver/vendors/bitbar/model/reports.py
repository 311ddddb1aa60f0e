"""Run reports (PDF, CSV, zipped HTML) built from the completed device runs of some runs."""

from __future__ import annotations

from . import artifacts, timeline


def finished_items(state, run_list: list[dict], at: int):
    """(run, device run, device, status) of every device run of `run_list` completed by `at`."""
    for run in run_list:
        for dr in timeline.device_runs_of(state, run["id"]):
            status = timeline.view(dr, at)["status"]
            if status in timeline.COMPLETED:
                yield run, dr, state.get("devices", dr["deviceId"]), status


def report(state, run_list: list[dict], kind: str, title: str, failures_only: bool, at: int) -> tuple[bytes, str, str]:
    """(bytes, content type, file extension) of the `kind` (PDF, CSV, HTML) report of `run_list` at `at`."""
    rows = artifacts.report_rows(list(finished_items(state, run_list, at)), failures_only)
    return artifacts.report(kind, title, rows)
