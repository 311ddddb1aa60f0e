"""Reading sessions: the runs list, a run's status, and a test's or project's last run."""

from __future__ import annotations

from ...core import context
from ...core.negotiation import encoded, json_response
from . import errors, model
from .blueprint import API, blueprint, reply, session_or_404, sessions_of_test_or_404
from .schemas import ProjectRunOut, RunningOut, RunOut


def status_body(state, run: dict, now):
    """The poll answer: a running session says only that it runs, a finished one all it knows."""
    if model.phase(run, now) == "running":
        return reply("run", RunningOut, {"status": "running", "session_status": "running"})
    return reply("run", RunOut, model.run_row(state, run, now))


@blueprint.get(f"{API}/runs")
def list_runs():
    state, now = context.state(), context.now()
    moment, settles = model.phase_moment(state, now)
    # the page changes only when a session starts or ends: the core may serve it again until then
    context.valid_until(settles)
    params = context.checked()[0]
    # the page is kept against the world for these parameters (a client's new query parameter keeps the read cache
    # out, not this), and against the clock as far as it says where the sessions stand
    # (the contract gives every parameter, in its order; typed, as 1 == 1.0 == True would let one stand for another)
    key = ("runs", moment, *map(_typed, params.values()))
    return json_response(context.kept_work(key, lambda: _runs_page(state, now, params)))


def _typed(value):
    return tuple((type(item), item) for item in value) if type(value) is list else (type(value), value)


def _runs_page(state, now, params: dict):
    """The list's answer as its JSON text (what context.kept_work keeps, its bytes counted)."""
    result = model.query_runs(state, now, params)
    # run_row writes RunOut's shape itself (tests/vendors/sipfront/test_model.py holds them together): a dump
    # would copy every row as it is. The total next to the page lets a client page with start/count to the end
    # (rows as their JSON text unless the answer is the json module's: orjson writes no integer beyond 64 bits)
    as_text = max(result["start"], result["count"]) < 1 << 63
    body = {"runs": model.run_rows(state, result["runs"], now, as_text), "total": result["total"],
            "start": result["start"], "count": result["count"], "status": 200}
    return encoded(body)


@blueprint.get(f"{API}/runs/<id>/status")
def run_status(id):
    state, now = context.state(), context.now()
    run = session_or_404(state, id, now)
    context.valid_until(model.next_change(run, now))  # clients poll this until the session ends
    return status_body(state, run, now)


@blueprint.get(f"{API}/tests/<int:id>/status/last")
def test_last_status(id):
    state, now = context.state(), context.now()
    runs = sessions_of_test_or_404(state, id, now)
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
    return reply("run", ProjectRunOut, model.project_row(state, latest, now))
