"""Reading sessions: the runs list, a run's status, a test's or project's last run, and media stats."""

from __future__ import annotations

from flask import g

from ...core import context
from ...core.bodies import schema_of
from ...core.negotiation import json_response
from . import errors, model
from .model import next_change, phase, project_row, run_row, settles_at, visible_runs
from .routes import API, blueprint, reply
from .schemas import AggregateSeriesOut, DimensionOut, ProjectRunOut, RunningOut, RunOut, SeriesOut


def status_body(state, run: dict, now):
    """The poll answer: a running session says only that it runs, a finished one all it knows."""
    if phase(run, now) == "running":
        return reply("run", RunningOut, {"status": "running", "session_status": "running"})
    return reply("run", RunOut, run_row(state, run, now))


def session_or_404(state, key: str, now) -> dict:
    """`:id`/`:sid` as the session UUID the status URLs carry, or the session's numeric id."""
    run = model.find_session(state, key, now)
    if run is None:
        raise errors.run_not_found(key)
    return run


def test_or_404(state, test_id: int) -> dict:
    test = state.get("tests", test_id)
    if test is None:
        raise errors.test_not_found(test_id)
    return test


def _test_runs(state, tid, now) -> list[dict]:
    """The test's sessions that have started, oldest first."""
    test_or_404(state, tid)
    return model.sessions_of_test(state, tid, now)


def series_args(measure: str) -> tuple[str | None, str | None]:
    """Check the measure (404 listing the valid ones) and read the optional dir/role narrowing."""
    if measure not in model.MEASURES:
        raise errors.unknown_measure(measure, model.MEASURES)
    # dir and role are enums of the spec: the contract refused any other value before the view
    return g.params.get("dir"), g.params.get("role")


@blueprint.get(f"{API}/runs")
def list_runs():
    state, now = context.state(), context.now()
    # the page changes only when a session starts or ends: the core may serve it again until then
    context.valid_until(settles_at(state.table("runs").values(), now))
    rows = [run_row(state, run, now) for run in visible_runs(state, now)]
    result = model.query_runs(rows, g.params)
    # the total next to the page lets a client page with start/count to the end
    body = {"runs": schema_of(RunOut, many=True).dump(result["runs"]), "total": result["total"],
            "start": result["start"], "count": result["count"], "status": 200}
    return json_response(body)


@blueprint.get(f"{API}/runs/<id>/status")
def run_status(id):
    state, now = context.state(), context.now()
    run = session_or_404(state, id, now)
    context.valid_until(next_change(run, now))  # clients poll this until the session ends
    return status_body(state, run, now)


@blueprint.get(f"{API}/tests/<int:id>/status/last")
def test_last_status(id):
    state, now = context.state(), context.now()
    runs = _test_runs(state, id, now)
    if not runs:
        raise errors.test_never_ran(id)
    return status_body(state, runs[-1], now)


@blueprint.get(f"{API}/projects/<int:id>/status/last")
def project_last_status(id):
    state, now = context.state(), context.now()
    if state.get("projects", id) is None:
        raise errors.project_not_found(id)
    latest = model.last_project_run(state, id, now)
    if latest is None:
        raise errors.project_never_ran(id)
    return reply("run", ProjectRunOut, project_row(state, latest, now))


@blueprint.get(f"{API}/runs/<sid>/stats")
def run_dimensions(sid):
    state, now = context.state(), context.now()
    run = session_or_404(state, sid, now)
    return reply("stats_dimensions", DimensionOut, model.run_dimensions(run, now), many=True)


@blueprint.get(f"{API}/runs/<sid>/stats/<measure>")
def run_measure(sid, measure):
    state, now = context.state(), context.now()
    run = session_or_404(state, sid, now)
    direction, role = series_args(measure)
    return reply("stats", SeriesOut, model.run_series(run, measure, now, direction, role), many=True)


@blueprint.get(f"{API}/tests/<int:tid>/stats")
def test_dimensions(tid):
    state, now = context.state(), context.now()
    runs = _test_runs(state, tid, now)
    return reply("stats_dimensions", DimensionOut, model.dimensions_of_test(runs, now), many=True)


@blueprint.get(f"{API}/tests/<int:tid>/stats/<measure>")
def test_measure(tid, measure):
    state, now = context.state(), context.now()
    runs = _test_runs(state, tid, now)
    direction, role = series_args(measure)
    return reply("stats", AggregateSeriesOut, model.aggregate(runs, measure, now, direction, role), many=True)
