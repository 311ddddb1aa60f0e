"""Rendered lists of stored records, made again only when a record changed: the first read of a device page after
a change to the world (which drops the kept answers, context.kept_work) renders the same few records as before it,
and its check of them costs a fraction of rendering them again."""

from __future__ import annotations

from operator import is_

import orjson


class Rendered(list):
    """A kept rendering (shared: never changed), which also keeps what `written` made of it once asked."""

    __slots__ = ("_written",)

    def written(self, write):
        """`write(self)`, made on the first call only (it is the same for the same rows)."""
        try:
            return self._written
        except AttributeError:
            self._written = write(self)
            return self._written


class Renderings:
    """`[render(record, context) for record in records]`, kept per (the very records, context) and given
    again while the records' JSON is what it was when rendered.

    The JSON is the check because it reads every nested value and tells true from 1 and 1.0 (equal in Python,
    rendered apart): a record changed in place, or another record in its place, is rendered anew. An entry
    holds its records, so their ids cannot be reused while it is kept. Records with a value orjson cannot
    write, and lists longer than `longest`, are rendered every time. Callers must not change what they are
    given: it is shared. Bounded: at `size` lists it starts afresh, so what it holds does not grow with the store.
    """

    def __init__(self, render, size: int = 32, longest: int = 200):
        self._render, self._size, self._longest = render, size, longest
        self._kept: dict = {}

    def __call__(self, records: list, context) -> list:
        render = self._render
        if len(records) > self._longest:
            return [render(record, context) for record in records]
        try:
            now = orjson.dumps(records)
        except TypeError:  # (orjson.JSONEncodeError is one)
            return [render(record, context) for record in records]
        key = (context, *map(id, records))
        found = self._kept.get(key)
        if found is not None and found[1] == now and all(map(is_, found[0], records)):
            return found[2]
        rendered = Rendered(render(record, context) for record in records)
        if len(self._kept) >= self._size:
            self._kept.clear()
        self._kept[key] = (list(records), now, rendered)
        return rendered
