"""A base world's records in less memory, made so while it is built (core/store.py): nothing ever changes a base
world once built (a fork copies what it hands out, core/overlay.py), so what build_state makes may be re-made
smaller.

A record becomes a dict sharing one keys table with the others of its form (CPython's split table, as an
instance's __dict__: 20 fields in ~230 bytes, not ~1,100), and so do the dicts nested in it; a list is trimmed
to its length. Still plain dicts and lists, equal to what they were (the test: a base world dumps as a world
built in full does). A record is re-made when the next but one of its table is inserted (built by then, as vendors
build one record at a time), so the memory it leaves is what the next ones take: re-made afterwards, it would
leave holes the process keeps. Only what nothing else refers to is re-made (a refcount): fixture rows, an object
build_state still holds or two records share stay as they are, so nothing is held twice and no holder of the
old object can tell.
"""

from __future__ import annotations

import sys
import threading
from collections import deque
from contextlib import contextmanager

_CONTAINERS = (dict, list)
_VARIANTS = 8  # forms of keys a kind of dict may take (steps of "action" or of "result") before it is left as is
# inserts of a kind a record waits before it is re-made: build_state may still hold the last one it inserted
# (`project = state.insert(...)`, kept until the next one is made), and a held record is left as it is
_LAG = 2
_WAIT = 64  # one still held after as many more inserts is left as it is (build_state keeps it somewhere)
_local = threading.local()


@contextmanager
def compacting():
    """While building a base world on this thread: its State records its inserts here (State.insert)."""
    shapes = _local.shapes = Shapes()
    try:
        yield shapes
    finally:
        _local.shapes = None


def current() -> "Shapes | None":
    return getattr(_local, "shapes", None)


class Shapes:
    def __init__(self):
        # shape (a table, then field names on the way down) -> {keys: a class whose instances' __dict__ share
        # them}, or None once it took more forms than _VARIANTS (ids as keys)
        self.found: dict = {}
        self.pending: dict = {}  # kind -> keys of its last inserts, each re-made _LAG inserts later
        # one object per equal string a record holds (names and texts a build composes, again for every copy)
        self._strings: dict = {}
        self.strings = self._strings.setdefault

    def inserted(self, kind: str, table: dict, key) -> None:
        waiting = self.pending.get(kind)
        if waiting is None:
            waiting = self.pending[kind] = deque()
        waiting.append(key)
        while len(waiting) > _LAG and (_settle(table, waiting[0], kind, self) or len(waiting) > _WAIT):
            waiting.popleft()

    def finish(self, tables: dict) -> None:
        for kind, waiting in self.pending.items():
            for key in waiting:
                _settle(tables.get(kind), key, kind, self)
        self.pending.clear()
        self._strings.clear()

    def made(self, shape, value: dict):
        keys = tuple(value)
        forms = self.found.get(shape, {})
        if forms is None:
            return None
        made = forms.get(keys)
        if made is None:
            if len(forms) >= _VARIANTS or not all(type(key) is str for key in keys):
                self.found[shape] = None
                return None
            made = forms[keys] = type("Record", (), {})
            self.found[shape] = forms
        return made().__dict__


def _settle(table: dict, key, kind: str, shapes: Shapes) -> bool:
    """Re-make the record of `key`: False when something else still holds it (it waits)."""
    if type(table) is not dict:
        return True
    value = dict.get(table, key)
    if type(value) not in _CONTAINERS:
        return True
    if not _alone(value):
        return False
    table[key] = _compacted(value, kind, shapes)
    return True


def _compacted(value, shape, shapes: Shapes):
    if not value:
        return value
    if type(value) is list:
        for at in range(len(value)):
            item = value[at]
            if type(item) in _CONTAINERS and _alone(item):
                value[at] = _compacted(item, (shape, None), shapes)
        return value[:] if sys.getsizeof(value) > _EMPTY_LIST + len(value) * _POINTER else value  # (exact size)
    strings = shapes.strings
    for key in list(value):
        item = value[key]
        if type(item) is str:
            value[key] = strings(item, item)
        elif type(item) in _CONTAINERS and _alone(item):
            value[key] = _compacted(item, (shape, key), shapes)
    out = shapes.made(shape, value)
    if out is None:
        return value
    for key, item in value.items():
        out[key] = item
    return out


def _alone(value) -> bool:
    """Whether only the container it was read from (and the reader) refers to `value`."""
    return sys.getrefcount(value) <= _ALONE


def _count(value) -> int:
    return sys.getrefcount(value)


def _calibrated() -> int:
    """The refcount `_alone` sees of an object its container alone holds, read as the walkers read it."""
    probe = {0: [0]}
    for key in list(probe):
        value = probe[key]
        return _count(value)


_EMPTY_LIST = sys.getsizeof([])
_POINTER = sys.getsizeof([None]) - _EMPTY_LIST
_ALONE = _calibrated()
