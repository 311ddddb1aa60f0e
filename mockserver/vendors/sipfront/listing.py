"""GET /runs query: start/count paging, orderby/orderdir, startdate/enddate and filtername/filterval."""

from __future__ import annotations

import json

from ...core.paging import WHOLE_NUMBER, page, sort_items
from . import errors
from .runs import parse_time

COLUMNS = ("id", "session_id", "tags", "has_passed", "result_description", "test_id", "test_name",
           "project_id", "project_name", "started_at", "stopped_at", "agentpool_name", "is_finished",
           "is_failed", "testcase_name", "session_status")
NUMERIC = {"id", "has_passed", "test_id", "project_id", "is_finished", "is_failed"}
TIMES = {"started_at", "stopped_at"}
DEFAULT_COUNT = 100


MAX_DIGITS = 4000  # below Python's int-parsing limit


def whole_number(text: str) -> int | None:
    """ASCII digits (no "²") short enough for int(); anything else is no whole number."""
    return int(text) if len(text) <= MAX_DIGITS and WHOLE_NUMBER.match(text) else None


def _matches(row: dict, column: str, value) -> bool:
    if column == "tags":
        return value in json.loads(row["tags"])
    if column in TIMES:
        # a prefix picks a day or an hour ("2024-02-09"), the whole value one second
        return row[column] is not None and row[column].startswith(value)
    return row[column] == value


def query(rows: list[dict], params: dict) -> dict:
    """Apply the documented parameters to session rows. The contract already refused values of the wrong
    type or range, unknown columns and directions; what it cannot say (filters come in pairs, a numeric
    column needs a whole number) is a 400 naming the parameter here."""
    start = params.get("start") or 0
    count = params.get("count") or DEFAULT_COUNT
    # without orderby the sessions come in id order, as their table's primary key would give them
    column = params.get("orderby") or "id"
    descending = (params.get("orderdir") or "asc").lower() == "desc"
    startdate, enddate = params.get("startdate"), params.get("enddate")
    names, values = params.get("filtername") or [], params.get("filterval") or []
    if len(names) != len(values):
        raise errors.unpaired_filters(len(names), len(values))
    filters = []
    for name, value in zip(names, values):
        if name in NUMERIC:
            number = whole_number(value.strip())
            if number is None:
                raise errors.filterval_not_whole(name, value, MAX_DIGITS)
            value = number
        filters.append((name, value))

    def epoch(row):
        return parse_time(row["started_at"]).timestamp()

    if startdate is not None:
        rows = [r for r in rows if epoch(r) >= startdate]
    if enddate is not None:
        rows = [r for r in rows if epoch(r) <= enddate]
    for name, value in filters:
        rows = [r for r in rows if _matches(r, name, value)]
    rows = sort_items(rows, [(column, descending), ("id", False)])
    return {"runs": page(rows, start, count), "total": len(rows), "start": start, "count": count}
