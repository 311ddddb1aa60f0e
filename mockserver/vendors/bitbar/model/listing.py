"""Bitbar list queries: offset/limit paging, search, `sort=f_a:g_d` and `filter=f_op_v;...`."""

from __future__ import annotations

from ....core.paging import link_envelope, sort_items
from ..errors import (
    filter_lacks_value,
    invalid_filter,
    invalid_sort,
    negative,
    not_a_number,
    unknown_filter_field,
    unknown_filter_operator,
    unknown_sort_field,
)

DEFAULT_LIMIT = 20
TYPE_PREFIXES = {"s", "n", "d", "b", "l"}


def _int_param(values: dict, name: str, default: int) -> int:
    raw = values.get(name)
    if raw in (None, ""):
        return default
    try:
        number = int(raw)
    except (TypeError, ValueError):
        raise not_a_number(name, raw) from None
    if number < 0:
        raise negative(name)
    return number


def parse_sort(text: str, known: set[str]) -> list[tuple[str, bool]]:
    keys = []
    for part in filter(None, text.split(":")):
        field, _, direction = part.rpartition("_")
        if not field or direction not in ("a", "d"):
            raise invalid_sort(part)
        if field not in known:
            raise unknown_sort_field(field)
        keys.append((field, direction == "d"))
    return keys


def _number(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _matches(value, op: str, args: list[str]) -> bool:
    if op == "isnull":
        return value is None
    if op == "isnotnull":
        return value is not None
    text = "" if value is None else str(value).lower()
    wanted = [a.lower() for a in args]
    if isinstance(value, bool):
        text = "true" if value else "false"
    if op == "eq":
        return text == wanted[0]
    if op == "ne":
        return text != wanted[0]
    if op == "like":
        return wanted[0].replace("%", "") in text
    if op == "in":
        return text in wanted
    if op == "notin":
        return text not in wanted
    left, right = _number(value), _number(args[0])
    if left is None or right is None:
        return False
    return {"gt": left > right, "ge": left >= right, "lt": left < right, "le": left <= right,
            "after": left > right, "before": left < right, "on": left == right}[op]


OPERATORS = {"eq", "ne", "like", "in", "notin", "gt", "ge", "lt", "le", "after", "before", "on",
             "isnull", "isnotnull"}


def parse_filter(text: str, known: set[str]) -> list[tuple[str, str, list[str]]]:
    """`field_op_value` (or the older `type_field_op_value` the client sends), joined by `;`."""
    rules = []
    for part in filter(None, text.split(";")):
        pieces = part.split("_")
        if len(pieces) >= 3 and pieces[0] in TYPE_PREFIXES and pieces[1] in known and pieces[0] not in known:
            pieces = pieces[1:]
        if len(pieces) < 2:
            raise invalid_filter(part)
        field, op, value = pieces[0], pieces[1], "_".join(pieces[2:])
        if field not in known:
            raise unknown_filter_field(field)
        if op not in OPERATORS:
            raise unknown_filter_operator(op)
        if op not in ("isnull", "isnotnull") and value == "":
            raise filter_lacks_value(part)
        rules.append((field, op, value.split("|")))
    return rules


def _searchable(item: dict, needle: str) -> bool:
    return any(isinstance(v, str) and needle in v.lower() for v in item.values())


def listed(records: list, dump, known: set[str], values: dict, url: str, every=None) -> dict:
    """The list envelope of `records` as the query `values` ask, linking to `url`; `dump` renders a list of them.

    Filters, search and sort read the rendered fields, so only then is every record rendered (those `every()`
    gives when given: the same records in the same order, read without copying them into a tenant's world);
    a plain page renders just its own records.
    """
    offset = _int_param(values, "offset", 0)
    limit = _int_param(values, "limit", DEFAULT_LIMIT)
    search = str(values.get("search", "") or "")
    sort = str(values.get("sort", "") or "")
    flt = str(values.get("filter", "") or "")
    rules = parse_filter(flt, known)
    keys = parse_sort(sort, known)
    query = {"search": search, "sort": sort}
    if flt:
        query["filter"] = flt
    extra = {"search": search, "sort": sort}
    if not (rules or search or keys):
        envelope = link_envelope(records, offset, limit, url, query, extra=extra)
        envelope["data"] = dump(envelope["data"])
        return envelope
    items = dump(records if every is None else every())
    if rules:
        items = [i for i in items if all(_matches(i.get(f), op, args) for f, op, args in rules)]
    if search:
        items = [i for i in items if _searchable(i, search.lower())]
    items = sort_items(items, keys)
    return link_envelope(items, offset, limit, url, query, extra=extra)
