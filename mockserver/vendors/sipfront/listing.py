"""GET /runs query: start/count paging, orderby/orderdir, startdate/enddate and filtername/filterval."""

from __future__ import annotations

import json

from ...core.errors import VendorError
from ...core.paging import WHOLE_NUMBER, filter_pairs, int_param, order_param, page, sort_items
from .runs import parse_time

COLUMNS = ("id", "session_id", "tags", "has_passed", "result_description", "test_id", "test_name",
           "project_id", "project_name", "started_at", "stopped_at", "agentpool_name", "is_finished",
           "is_failed", "testcase_name", "session_status")
NUMERIC = {"id", "has_passed", "test_id", "project_id", "is_finished", "is_failed"}
TIMES = {"started_at", "stopped_at"}
DEFAULT_COUNT = 100


def bad_parameter(name: str, message: str) -> VendorError:
    return VendorError(400, f"Invalid parameter '{name}'", description=message, parameter=name)


def _matches(row: dict, column: str, value: str) -> bool:
    if column == "tags":
        return value in json.loads(row["tags"])
    if column in NUMERIC:
        return row[column] == int(value)
    if column in TIMES:
        # a prefix picks a day or an hour ("2024-02-09"), the whole value one second
        return row[column] is not None and row[column].startswith(value)
    return row[column] == value


def query(rows: list[dict], args) -> dict:
    """Apply the documented parameters to session rows; bad values are a 400 naming the parameter."""
    start = int_param(args, "start", 0, 0, bad_parameter)
    count = int_param(args, "count", DEFAULT_COUNT, 1, bad_parameter)
    # without orderby the sessions come in id order, as their table's primary key would give them
    column, descending = order_param(args, "orderby", "orderdir", COLUMNS, ("id", False), bad_parameter)
    startdate = int_param(args, "startdate", None, 0, bad_parameter)
    enddate = int_param(args, "enddate", None, 0, bad_parameter)
    filters = filter_pairs(args, "filtername", "filterval", COLUMNS, bad_parameter)
    for name, value in filters:
        if name in NUMERIC and not WHOLE_NUMBER.match(value.strip()):
            raise bad_parameter("filterval", f"filterval for {name} must be a whole number, got {value!r}")

    def epoch(row):
        return parse_time(row["started_at"]).timestamp()

    if startdate is not None:
        rows = [r for r in rows if epoch(r) >= startdate]
    if enddate is not None:
        rows = [r for r in rows if epoch(r) <= enddate]
    for name, value in filters:
        rows = [r for r in rows if _matches(r, name, value.strip() if name in NUMERIC else value)]
    rows = sort_items(rows, [(column, descending), ("id", False)])
    return {"runs": page(rows, start, count), "total": len(rows), "start": start, "count": count}
