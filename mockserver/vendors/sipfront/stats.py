"""Media metrics of a session: one time series per measure, direction and role, drawn from a seeded
generator so the same session always shows the same numbers, healthy for a passed run and degraded
for a failed one."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from .runs import ends_at, format_time, parse_time, phase

# rtp_byte_per_sec and rtp_jitter are the doc's and come first, so its example is the list's head;
# the packet-loss and MOS names are our best guess
MEASURES = ("rtp_byte_per_sec", "rtp_jitter", "rtp_packet_loss", "mos")
DIRS = ("in", "out")
ROLES = ("callee", "caller")
SAMPLE_SECONDS = 5

# (healthy low, healthy high, degraded low, degraded high)
_RANGES = {
    "mos": (4.1, 4.45, 1.3, 2.6),
    "rtp_byte_per_sec": (7800.0, 8200.0, 900.0, 4200.0),
    "rtp_jitter": (0.4, 4.0, 28.0, 95.0),
    "rtp_packet_loss": (0.0, 0.4, 6.0, 22.0),
}


def dimensions(measures=MEASURES) -> list[dict]:
    """Callee dimensions before caller ones, measure by measure, in before out: the doc example's order."""
    return [{"dir": d, "role": r, "stats_measure": m} for r in ROLES for m in measures for d in DIRS]


def _timeline(run: dict, now: datetime) -> list[datetime]:
    """Sample instants recorded so far: the whole call once it ended, up to now while it runs."""
    start = parse_time(run["started_at"])
    last = min(now, ends_at(run))
    out, at = [], start
    while at <= last:
        out.append(at)
        at += timedelta(seconds=SAMPLE_SECONDS)
    return out


def series(run: dict, measure: str, direction: str, role: str, now: datetime) -> list[dict]:
    degraded = run["outcome"] == "failed"
    low, high, bad_low, bad_high = _RANGES[measure]
    rng = random.Random(f"{run['session_id']}/{measure}/{direction}/{role}")
    times = _timeline(run, now)
    full_length = len(_timeline(run, ends_at(run)))
    points = []
    for i, at in enumerate(times):
        # a failing call degrades from its middle on, so the curve shows when it went wrong
        broken = degraded and i * 2 >= full_length
        lo, hi = (bad_low, bad_high) if broken else (low, high)
        points.append({"ts": format_time(at), "value": round(rng.uniform(lo, hi), 3)})
    return points


def _selected(measure: str, direction, role) -> list[dict]:
    return [dim for dim in dimensions((measure,)) if direction in (None, dim["dir"]) and role in (None, dim["role"])]


def run_series(run: dict, measure: str, now: datetime, direction=None, role=None) -> list[dict]:
    return [{**dim, "data": series(run, measure, dim["dir"], dim["role"], now)}
            for dim in _selected(measure, direction, role)]


def run_dimensions(run: dict, now: datetime) -> list[dict]:
    return dimensions() if _timeline(run, now) else []


def aggregate(runs: list[dict], measure: str, now: datetime, direction=None, role=None) -> list[dict]:
    """Per dimension, one min/avg/max row per session of the test that has recorded data."""
    out = []
    for dim in _selected(measure, direction, role):
        rows = []
        for run in runs:
            values = [p["value"] for p in series(run, measure, dim["dir"], dim["role"], now)]
            if not values:
                continue
            rows.append({
                "session_id": run["session_id"],
                "started_at": run["started_at"],
                "has_passed": int(phase(run, now) == "passed"),
                "samples": len(values),
                "min": min(values),
                "avg": round(sum(values) / len(values), 3),
                "max": max(values),
            })
        out.append({**dim, "data": rows})
    return out
