"""Paging and sorting helpers shared by the vendors' list endpoints."""

from __future__ import annotations

import re
from typing import Any, Iterable
from urllib.parse import urlencode


def page(items: list, offset: int, limit: int | None) -> list:
    """items[offset : offset+limit]; limit None or 0 means everything from offset."""
    offset = max(offset, 0)
    if not limit:
        return items[offset:]
    return items[offset: offset + limit]


def _sort_key(value: Any):
    # None sorts first, numbers before strings, so mixed columns never raise
    if value is None:
        return (0, 0, "")
    if isinstance(value, bool):
        return (1, int(value), "")
    if isinstance(value, (int, float)):
        return (1, value, "")
    return (2, 0, str(value).lower())


def sort_items(items: Iterable[dict], keys: list[tuple[str, bool]], get=None) -> list[dict]:
    """Stable multi-key sort; keys are (field, descending) with the first key most significant."""
    get = get or (lambda item, field: item.get(field))
    out = list(items)
    for field, descending in reversed(keys):
        out.sort(key=lambda item: _sort_key(get(item, field)), reverse=descending)
    return out


# -- query-string parsing for offset/size paging, column sorting and column filters ------------
# Vendors pass a function that turns (parameter, message) into their own 400.

# ASCII digits only: str.isdigit() also accepts "²", which int() refuses
WHOLE_NUMBER = re.compile(r"^-?[0-9]+$")


def int_param(args, name: str, default: int | None, minimum: int = 0, fail=None) -> int | None:
    """A whole-number query parameter (absent -> default); non-numeric or below `minimum` -> fail()."""
    raw = args.get(name)
    if raw is None or raw == "":
        return default
    text = str(raw).strip()
    if not WHOLE_NUMBER.match(text):
        raise _fail(fail, name, f"{name} must be a whole number, got {raw!r}")
    value = int(text)
    if value < minimum:
        raise _fail(fail, name, f"{name} must be at least {minimum}, got {value}")
    return value


def order_param(args, by_name: str, dir_name: str, columns, default: tuple[str, bool], fail=None) -> tuple[str, bool]:
    """(column, descending) from e.g. ?orderby=col&orderdir=asc|desc; unknown column or direction -> fail()."""
    column = args.get(by_name)
    if column in (None, ""):
        column = default[0]
    elif column not in columns:
        raise _fail(fail, by_name, f"{by_name} must be one of {', '.join(columns)}, got {column!r}")
    direction = args.get(dir_name)
    if direction in (None, ""):
        return column, default[1] if column == default[0] else False
    if direction.lower() not in ("asc", "desc"):
        raise _fail(fail, dir_name, f"{dir_name} must be asc or desc, got {direction!r}")
    return column, direction.lower() == "desc"


def filter_pairs(args, name_param: str, value_param: str, columns, fail=None) -> list[tuple[str, str]]:
    """Repeated ?name=col&value=v pairs, matched by position; unequal counts or unknown columns -> fail()."""
    names, values = args.getlist(name_param), args.getlist(value_param)
    if len(names) != len(values):
        raise _fail(fail, name_param if len(names) > len(values) else value_param,
                    f"{name_param} and {value_param} must come in pairs, got {len(names)} and {len(values)}")
    for name in names:
        if name not in columns:
            raise _fail(fail, name_param, f"{name_param} must be one of {', '.join(columns)}, got {name!r}")
    return list(zip(names, values))


def _fail(fail, name: str, message: str) -> Exception:
    if fail is None:
        return ValueError(message)
    return fail(name, message)


def link_envelope(items: list, offset: int, limit: int, url: str, query: dict | None = None,
                  extra: dict | None = None) -> dict:
    """An offset/limit page with absolute `next`/`previous` links (null at the ends).

    `limit` 0 means everything from `offset`; `query` is carried into the links after
    offset and limit; `extra` keys are placed between `total` and `empty`.
    """
    offset = max(offset, 0)
    total = len(items)
    chunk = page(items, offset, limit)
    has_next, has_previous = limit and offset + limit < total, limit and offset > 0
    if query and ("offset" in query or "limit" in query):  # (they take offset's and limit's places)
        def link(at: int) -> str:
            return f"{url}?{urlencode({'offset': at, 'limit': limit, **query})}"
    elif has_next or has_previous:
        after = f"&{urlencode(query)}" if query else ""  # (the same in both links: encoded once)

        def link(at: int) -> str:
            return f"{url}?offset={at}&limit={limit}{after}"  # (whole numbers: as urlencode writes them)

    return {
        "next": link(offset + limit) if has_next else None,
        "previous": link(max(offset - limit, 0)) if has_previous else None,
        "data": chunk,
        "offset": offset,
        "limit": limit,
        "total": total,
        **(extra or {}),
        "empty": not chunk,
    }
