"""Paging and sorting helpers shared by the vendors' list endpoints."""

from __future__ import annotations

from typing import Any, Iterable


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
