"""Copy-on-write tables: a tenant's table as its own changes over the base world's table, which every
tenant of a vendor shares and nobody changes.

An `Overlay` is a dict (a TDict) holding the records this tenant read or wrote; any other key falls back
to the base table. A base record is handed out only as a private tracked copy, stored here on first read,
so vendor code may change what it got in place (`record["tags"].append(...)`) and the base never sees it.
Deleted base keys are remembered in `_gone`, keys the base does not hold in `_new` (in insertion order);
both are tracked dicts like the overlay itself, so a failed request's undo log rolls all of it back, and
`len` (base - gone + new) stays O(1) and right after a rollback.

Iteration follows the base's order, then the added keys in insertion order. A base key deleted and
stored again counts as added (it moves to the end, as in a dict).
"""

from __future__ import annotations

import itertools
from collections.abc import ItemsView, KeysView, ValuesView

from .tracked import TDict, TList, _log

_MISSING = object()
_CONTAINERS = (dict, list, TDict, TList)


def private(value):
    """A deep copy of `value` made of tracked containers (scalars shared). No memo: the vendors' base worlds
    hold no object twice, and one the fixtures share (a YAML alias) is copied apart, so a change of one
    record stays in it."""
    kind = type(value)
    if kind is TDict or kind is dict:
        out = TDict()
        dict.update(out, value)
        for key, item in dict.items(value):
            if type(item) in _CONTAINERS:
                dict.__setitem__(out, key, private(item))
        return out
    if kind is TList or kind is list:
        out = TList()
        list.extend(out, value)
        for at, item in enumerate(value):
            if type(item) in _CONTAINERS:
                list.__setitem__(out, at, private(item))
        return out
    return value


class _Values(ValuesView):
    __slots__ = ()

    def __iter__(self):
        table = self._mapping
        return map(table.__getitem__, table)


class _Items(ItemsView):
    __slots__ = ()

    def __iter__(self):
        table = self._mapping
        return zip(table, map(table.__getitem__, table))


class Overlay(TDict):
    __slots__ = ("_base", "_gone", "_new")

    def __init__(self, base: dict):
        dict.__init__(self)
        self._base = base      # the base world's table: read, never changed
        self._gone = TDict()   # base key -> True: deleted here
        self._new = TDict()    # key -> None: added here (not a live base key), in insertion order

    # -- reading ----------------------------------------------------------------------------
    def __missing__(self, key):
        found = self._base.get(key, _MISSING)
        if found is _MISSING or key in self._gone:
            raise KeyError(key)
        # unrecorded: a copy of the base is what a rollback would leave; setdefault, so a read outside the
        # world's lock (a credential check) never replaces a copy a request holds
        return dict.setdefault(self, key, private(found))

    def get(self, key, default=None):
        found = dict.get(self, key, _MISSING)
        if found is not _MISSING:
            return found
        if key in self._base and key not in self._gone:
            return self.__missing__(key)
        return default

    def __contains__(self, key) -> bool:
        return dict.__contains__(self, key) or (key in self._base and key not in self._gone)

    def __len__(self) -> int:
        return len(self._base) - len(self._gone) + len(self._new)

    def __bool__(self) -> bool:
        return len(self) > 0

    def __iter__(self):
        gone = self._gone
        base = itertools.filterfalse(gone.__contains__, self._base) if gone else iter(self._base)
        return itertools.chain(base, self._new)

    def __reversed__(self):
        return reversed(list(self))

    def keys(self):
        return KeysView(self)

    def values(self):
        return _Values(self)

    def items(self):
        return _Items(self)

    def peek(self):
        """(key, record) of every record, the base's own objects where not copied here: for reading a field
        of each (an index) without copying the table. Never change or hand out what this yields."""
        mine = dict.get
        for key in self:
            found = mine(self, key, _MISSING)
            yield key, (self._base[key] if found is _MISSING else found)

    def peek_values(self):
        for _key, record in self.peek():
            yield record

    # -- changing ---------------------------------------------------------------------------
    def __setitem__(self, key, value):
        if not dict.__contains__(self, key) and (key not in self._base or key in self._gone):
            self._new[key] = None
        TDict.__setitem__(self, key, value)

    def setdefault(self, key, default=None):
        if key in self:
            return self[key]
        self[key] = default
        return default

    def __delitem__(self, key):
        if key in self._new:
            del self._new[key]
        elif key in self._base and key not in self._gone:
            self._gone[key] = True
        else:
            raise KeyError(key)
        if dict.__contains__(self, key):
            log = _log()
            if log is not None:
                log.key(self, key)  # by key: the order of what is held here is never shown
            dict.__delitem__(self, key)

    def pop(self, key, *default):
        if key in self:
            found = self[key]
            del self[key]
            return found
        if default:
            return default[0]
        raise KeyError(key)

    def popitem(self):
        for key in reversed(self):
            return key, self.pop(key)
        raise KeyError("popitem(): dictionary is empty")

    def clear(self):
        for key in list(self):
            del self[key]

    # -- as a dict --------------------------------------------------------------------------
    def copy(self) -> dict:
        return dict(self.items())

    def __copy__(self):
        return TDict(self.items())

    def __eq__(self, other):
        return dict(self.items()) == other

    def __ne__(self, other):
        return not self == other

    __hash__ = None

    def __repr__(self) -> str:
        return f"Overlay({dict(self.peek())!r})"

    def __reduce__(self):
        # the base table as an object of its own: a snapshot names it (core/store.py) rather than copying it
        return (_rebuilt, (self._base, dict(dict.items(self)), self._gone, self._new))

    def own_records(self) -> int:
        """How many records this overlay holds of its own (copied, changed or added)."""
        return dict.__len__(self)


def _rebuilt(base: dict, mine: dict, gone: TDict, new: TDict) -> Overlay:
    table = Overlay(base)
    dict.update(table, mine)
    table._gone, table._new = gone, new
    return table
