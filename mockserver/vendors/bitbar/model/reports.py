"""Run reports (PDF, CSV, zipped HTML) built from the completed device runs of some runs."""

from __future__ import annotations

from . import artifacts
from . import timeline as runs
from ..files import send
from ..blueprint import given, state


def finished_items(run_list: list[dict]):
    st = state()
    for run in run_list:
        for dr in runs.device_runs_of(st, run["id"]):
            status = runs.view(dr)["status"]
            if status in runs.COMPLETED:
                yield run, dr, st.get("devices", dr["deviceId"]), status


def report_response(run_list, title, stem, failures_only):
    kind = given("type")["type"]
    rows = artifacts.report_rows(list(finished_items(run_list)), failures_only)
    data, mimetype, ext = artifacts.report(kind, title, rows)
    return send(data, f"{stem}.{ext}", mimetype)
