"""Renderings of stored records, made again only when the record changed: a list page renders the same few
records on every request (the device list), and a new query parameter keeps the read cache from answering it."""

from __future__ import annotations

import orjson


class Renderings:
    """`render(record, context)` of a record, kept per (record object, context) and given again while the
    record's JSON is what it was when rendered.

    The JSON is the check because it reads every nested value and tells true from 1 and 1.0 (equal in Python,
    rendered apart): a record changed in place, or another record at the same key, is rendered anew. An entry
    holds its record, so the record's id cannot be reused while it is kept. A record with a value orjson
    cannot write is rendered every time. Callers must not change a rendering: it is shared. Bounded: at
    `size` entries it starts afresh, so what it holds does not grow with the store.
    """

    def __init__(self, render, size: int = 4096):
        self._render = render
        self._size = size
        self._kept: dict = {}

    def __call__(self, record: dict, context):
        try:
            now = orjson.dumps(record)
        except TypeError:  # (orjson.JSONEncodeError is one)
            return self._render(record, context)
        key = (id(record), context)
        found = self._kept.get(key)
        if found is not None and found[0] is record and found[1] == now:
            return found[2]
        rendered = self._render(record, context)
        if len(self._kept) >= self._size:
            self._kept.clear()
        self._kept[key] = (record, now, rendered)
        return rendered
