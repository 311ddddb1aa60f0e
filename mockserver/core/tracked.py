"""Dicts and lists that remember, during a request, what they held before it changed them.

A tenant's state is made of these (State.seal converts it). While an UndoLog is open on a thread,
the first change of a dict key (or of a list, or a deletion from a dict) records the old value;
`rollback` puts every one back, `commit` forgets them. Both cost what the request changed, not what
the store holds, so a refused write in a 100k-record store is as cheap as in an empty one.

New plain dicts and lists a request stored are converted to tracked ones at commit (never during
the request: the handler may still hold and mutate the plain object it inserted).
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

_MISSING = object()
_WHOLE = object()  # an entry holding a full copy of its container
_local = threading.local()


def _log():
    return getattr(_local, "log", None)


class UndoLog:
    def __init__(self):
        self.entries: list = []
        self._seen: set = set()

    # -- recording ------------------------------------------------------------------------
    def key(self, container: dict, key) -> None:
        mark = (id(container), key)
        if mark not in self._seen and (id(container), _WHOLE) not in self._seen:
            self._seen.add(mark)
            self.entries.append((container, key, dict.get(container, key, _MISSING)))

    def whole(self, container) -> None:
        mark = (id(container), _WHOLE)
        if mark not in self._seen:
            self._seen.add(mark)
            copy = dict(container) if isinstance(container, dict) else list(container)
            self.entries.append((container, _WHOLE, copy))

    # -- ending ---------------------------------------------------------------------------
    def rollback(self) -> None:
        for container, key, old in reversed(self.entries):
            if key is _WHOLE:
                if isinstance(container, dict):
                    dict.clear(container)
                    dict.update(container, old)
                else:
                    list.__setitem__(container, slice(None), old)
            elif old is _MISSING:
                dict.pop(container, key, None)
            else:
                dict.__setitem__(container, key, old)
        self.entries.clear()
        self._seen.clear()

    def commit(self) -> None:
        if not self.entries:
            return  # (a read: nothing changed)
        memo: dict = {}
        for container, key, _old in self.entries:
            if key is not _WHOLE:  # (a key of a dict; a list is only ever recorded whole)
                value = dict.get(container, key, _MISSING)
                if type(value) in _PLAIN:
                    dict.__setitem__(container, key, adopt(value, memo))
            elif isinstance(container, dict):
                for k in list(container):
                    value = dict.get(container, k)
                    if type(value) in _PLAIN:
                        dict.__setitem__(container, k, adopt(value, memo))
            else:
                for index, value in enumerate(container):
                    if type(value) in _PLAIN:
                        list.__setitem__(container, index, adopt(value, memo))
        self.entries.clear()
        self._seen.clear()


def begin() -> UndoLog | None:
    """Open a log on this thread; None when one is open already (the outer one records)."""
    if _log() is not None:
        return None
    log = _local.log = UndoLog()
    return log


def end(log: UndoLog | None, keep: bool) -> None:
    if log is None:
        return
    try:
        log.commit() if keep else log.rollback()
    finally:
        _local.log = None


@contextmanager
def paused():
    """Build something new (a tenant's state) without recording it in the open log."""
    log = _log()
    _local.log = None
    try:
        yield
    finally:
        _local.log = log


def adopt(value, memo: dict | None = None):
    """`value` with every plain dict and list in it made tracked (shared objects stay shared)."""
    kind = type(value)
    if kind is not dict and kind is not list:
        return value  # immutable, or tracked already (whatever a tracked container holds is tracked)
    memo = {} if memo is None else memo
    found = memo.get(id(value))
    if found is not None:
        return found
    # copied whole by C (the types' own __init__, which records nothing), then only the containers in it replaced
    if kind is dict:
        out = memo[id(value)] = TDict(value)
        for key, item in value.items():
            if type(item) in _PLAIN:
                dict.__setitem__(out, key, adopt(item, memo))
        return out
    out = memo[id(value)] = TList(value)
    for index, item in enumerate(value):
        if type(item) in _PLAIN:
            list.__setitem__(out, index, adopt(item, memo))
    return out


_PLAIN = (dict, list)


class TDict(dict):
    __slots__ = ()

    def __setitem__(self, key, value):
        log = _log()
        if log is not None:
            log.key(self, key)
        dict.__setitem__(self, key, value)

    def setdefault(self, key, default=None):
        if key not in self:
            self[key] = default
        return dict.__getitem__(self, key)

    def update(self, *args, **kwargs):
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def __ior__(self, other):
        self.update(other)
        return self

    def _whole(self):
        log = _log()
        if log is not None:
            log.whole(self)

    def __delitem__(self, key):
        self._whole()
        dict.__delitem__(self, key)

    def pop(self, key, *default):
        if key in self:
            self._whole()
        return dict.pop(self, key, *default)

    def popitem(self):
        self._whole()
        return dict.popitem(self)

    def clear(self):
        self._whole()
        dict.clear(self)

    def __reduce__(self):
        return (TDict, (dict(self),))

    def __copy__(self):
        return TDict(dict(self))


def _list_change(name):
    original = getattr(list, name)

    def change(self, *args, **kwargs):
        log = _log()
        if log is not None:
            log.whole(self)
        return original(self, *args, **kwargs)

    change.__name__ = name
    return change


class TList(list):
    __slots__ = ()

    def __reduce__(self):
        return (TList, (list(self),))

    def __copy__(self):
        return TList(list(self))


for _name in ("__setitem__", "__delitem__", "__iadd__", "__imul__", "append", "extend", "insert", "pop",
              "remove", "clear", "sort", "reverse"):
    setattr(TList, _name, _list_change(_name))
