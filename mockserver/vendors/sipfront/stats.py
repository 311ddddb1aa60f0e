"""Media metrics: the dimensions and series of a session (/runs/:sid/stats) and, per session, their
min/avg/max over a test's runs (/tests/:tid/stats)."""

from __future__ import annotations

from flask import g

from ...core import context
from . import errors, model
from .blueprint import API, blueprint, reply, session_or_404, sessions_of_test_or_404
from .schemas import AggregateSeriesOut, DimensionOut, SeriesOut


def series_args(measure: str) -> tuple[str | None, str | None]:
    """Check the measure (404 listing the valid ones) and read the optional dir/role narrowing."""
    if measure not in model.MEASURES:
        raise errors.unknown_measure(measure, model.MEASURES)
    # dir and role are enums of the spec: the contract refused any other value before the view
    return g.params.get("dir"), g.params.get("role")


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
    runs = sessions_of_test_or_404(state, tid, now)
    return reply("stats_dimensions", DimensionOut, model.dimensions_of_test(runs, now), many=True)


@blueprint.get(f"{API}/tests/<int:tid>/stats/<measure>")
def test_measure(tid, measure):
    state, now = context.state(), context.now()
    runs = sessions_of_test_or_404(state, tid, now)
    direction, role = series_args(measure)
    return reply("stats", AggregateSeriesOut, model.aggregate(runs, measure, now, direction, role), many=True)
