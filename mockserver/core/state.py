"""One tenant's world of one vendor: tables of records by id, id sequences, free-form extras.

States are plain data (dicts, lists, scalars): once sealed they are made of core/tracked.py's
dicts and lists, which is how a failed request is rolled back; keep sets, objects with their own
mutable state, locks and open files out of them.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
from collections.abc import Sequence
from typing import Any

from . import compact
from .overlay import Overlay, private
from .tracked import TDict, adopt

_VERSIONS = itertools.count(1)  # never reused: a cached index can only match the table content it was built from


def adopt_all(mapping: dict, memo: dict) -> TDict:
    out = TDict()
    for key, value in mapping.items():
        dict.__setitem__(out, key, adopt(value, memo))
    return out


class State:
    _compacting = None  # while a base world is built: what re-makes its records smaller (core/compact.py)

    def __init__(self, vendor: str):
        self.vendor = vendor
        shapes = compact.current()
        if shapes is not None:
            self._compacting = shapes
        self.tables: dict[str, dict[Any, dict]] = TDict()
        self.extra: dict[str, Any] = TDict()
        self._seq: dict[str, int] = TDict()
        # what a vendor keeps per world beside its data (a rate limiter's hit windows): never rolled
        # back with a failed request, never dumped nor snapshotted, gone with the world at a reset
        self.scratch: dict[str, Any] = {}
        # kind -> version, bumped by insert/delete; tracked, so a rolled-back request restores it
        self._versions: dict[str, int] = {}
        # kind -> field -> (version, value -> keys, whether those are a fork's additions to the base's index,
        # the fork's (added, deleted) counts it was built at or None); a fork whose table is as the base's has none
        self._indexes: dict[str, dict[str, tuple]] = {}
        self._orders: dict[str, tuple] = {}  # kind -> (version, its keys in ascending order, a fork's counts)
        self._base: State | None = None  # the world this one is a fork of (fork)
        # how many requests and control transactions have changed this world so far (edited): unlike the table
        # versions it sees a record changed in place, so work kept against it (context.kept_work) is safe
        self.edits = 0

    def __getstate__(self):
        # snapshots and new tenants rebuild indexes and orders on use; scratch is never snapshotted
        return {**self.__dict__, "_indexes": {}, "_orders": {}, "scratch": {}}

    def __setstate__(self, data):
        self.__dict__.update({"_base": None, "edits": 0, **data})

    def fork(self) -> "State":
        """A new world starting as this one, which it reads and never changes (core/overlay.py): tables are
        overlays over this one's, extras and sequences (small) are copied. This world must be sealed and
        must never change again; its indexes and orders serve every fork whose table is still as it was."""
        out = State.__new__(State)
        out.vendor = self.vendor
        out.tables = TDict()
        dict.update(out.tables, {kind: Overlay(rows) for kind, rows in self.tables.items()})
        out.extra = private(self.extra)
        out._seq = TDict(self._seq)
        out._versions = TDict(self._versions)
        out.scratch, out._indexes, out._orders = {}, {}, {}
        out._base = self
        out.edits = 0
        return out

    def edited(self) -> None:
        """A request or control transaction that changed this world has ended (core/vendor_app.py, core/store.py)."""
        self.edits += 1

    def own_records(self) -> int:
        """Records this world holds of its own: all of them, or for a fork what its overlays hold."""
        if self._base is None:
            return sum(len(rows) for rows in self.tables.values())
        return sum(rows.own_records() if type(rows) is Overlay else len(rows) for rows in self.tables.values())

    # -- tables ---------------------------------------------------------------------------
    def table(self, kind: str) -> dict:
        return self.tables.setdefault(kind, {})

    def get(self, kind: str, key) -> dict | None:
        return self.tables.get(kind, {}).get(key)

    def peek(self, kind: str):
        """(key, record) of every record of `kind`, none copied into a fork's world (core/overlay.py): for reading
        only (a count, a match, a listing's JSON); look a record up by its key (`table(kind)[key]`) to hand it
        out or change it, and never keep one past the request."""
        table = self.tables.get(kind, {})
        return table.peek() if type(table) is Overlay else table.items()

    def peek_values(self, kind: str):
        """The records of `kind` as `peek` reads them."""
        table = self.tables.get(kind, {})
        return table.peek_values() if type(table) is Overlay else table.values()

    def insert(self, kind: str, record: dict, id_field: str = "id") -> dict:
        """Store `record`, giving it the next id of `kind` when it has none."""
        if record.get(id_field) is None:
            record[id_field] = self.next_id(kind)
        key = record[id_field]
        table = self.table(kind)
        replaced = key in table
        table[key] = record
        self._changed(kind, None if replaced else (key, record))
        if self._compacting is not None:
            self._compacting.inserted(kind, table, key)
        return record

    def delete(self, kind: str, key) -> dict | None:
        gone = self.tables.get(kind, {}).pop(key, None)
        if gone is not None:
            self._changed(kind, None, (key, gone))
        return gone

    def where(self, kind: str, field: str, value) -> list[dict]:
        """The records of `kind` whose `field` is `value`, in table order.

        Backed by an index (value -> table keys) built on first use and kept up by insert and delete, so a
        lookup per record (a run's environments, a scenario's datasets) costs O(answer), not O(table).
        Index only fields a record never changes once stored (the parent it belongs to).
        """
        table = self.tables.get(kind, {})
        keys = self._where_keys(kind, field, value, table)
        if type(table) is Overlay:
            try:  # (a fork's keys are all there: fetched by dict's own lookup, the copies made by __missing__)
                return list(map(table.__getitem__, keys))
            except KeyError:
                pass
        # by key, not by object: a commit replaces a stored plain dict by its tracked copy (core/tracked.py)
        return [record for record in map(table.get, keys) if record is not None]

    def _where_keys(self, kind: str, field: str, value, table) -> list:
        version = self._versions.get(kind, 0)
        mark = self._as_base(kind, table, version)
        if mark is True:
            return self._base._where_keys(kind, field, value, table._base)
        found = self._indexes.get(kind, {}).get(field)
        if found is None or found[0] != version or found[3] != mark:
            groups = None if mark is None else self._delta(field, table)
            delta = groups is not None
            if not delta:  # (a fork's read without copying its records)
                groups = {}
                for key, record in (table.items() if mark is None else table.peek()):
                    groups.setdefault(record.get(field), []).append(key)
            found = (version, groups, delta, mark)
            self._indexes.setdefault(kind, {})[field] = found
        if not found[2]:
            return found[1].get(value, ())
        # a fork's delta: the base's keys of `value` but those deleted here, then those added here
        keys = self._base._where_keys(kind, field, value, table._base)
        if table._gone:
            keys = list(itertools.filterfalse(table._gone.__contains__, keys))
        mine = found[1].get(value)
        return [*keys, *mine] if mine else keys

    def _as_base(self, kind: str, table, version: int):
        """For a fork's table over the base's: True while it is the base's (its indexes and order serve),
        else what tells its own delta index apart (added and deleted counts); None for any other table."""
        base = self._base
        if base is None or type(table) is not Overlay or table._base is not base.tables.get(kind):
            return None
        new, gone = len(table._new), len(table._gone)
        if version == base._versions.get(kind, 0) and not new and not gone:
            return True
        return (new, gone)

    @staticmethod
    def _delta(field: str, table: Overlay) -> dict | None:
        """A fork's index of `field` as what it added to the base's (value -> keys), O(what the fork holds);
        None when a base record here has another value than in the base (replaced: never for a field that
        suits an index), for which a whole index in table order is built."""
        groups: dict = {}
        base, new = table._base, table._new
        for key, record in dict.items(table):
            if key not in new and record.get(field) != base[key].get(field):
                return None
        for key in new:
            groups.setdefault(dict.__getitem__(table, key).get(field), []).append(key)
        return groups

    def version(self, kind: str) -> int:
        """Changes with every insert (a replacing one too) and delete of `kind`, and back with a rollback:
        a cache of what a table holds is good while this is what it was built at."""
        return self._versions.get(kind, 0)

    def ordered(self, kind: str) -> "Rows":
        """The records of `kind` in ascending key order (integer keys), as a sequence that fetches only what
        is read of it: a page of a big table costs O(page) once the order is known. The order is kept by
        insert (a new largest key is appended) and rebuilt on use after any other insert or delete."""
        table = self.tables.get(kind, {})
        return Rows(table, self._order_keys(kind, table))

    def _order_keys(self, kind: str, table):
        version = self._versions.get(kind, 0)
        mark = self._as_base(kind, table, version)
        if mark is True:
            return self._base._order_keys(kind, table._base)
        found = self._orders.get(kind)
        if found is None or found[0] != version or found[2] != mark:
            keys = None if mark is None else Spliced.of(self._base._order_keys(kind, table._base), table)
            found = self._orders[kind] = (version, sorted(table) if keys is None else keys, mark)
        return found[1]

    def _changed(self, kind: str, added: tuple | None = None, removed: tuple | None = None) -> None:
        """A new version of `kind`; its current indexes follow an added or removed (key, record),
        any other change leaves them to be rebuilt on use."""
        old = self._versions.get(kind, 0)
        new = self._versions[kind] = next(_VERSIONS)
        table = self.tables.get(kind)
        mark = (len(table._new), len(table._gone)) if type(table) is Overlay else None
        order = self._orders.get(kind)
        if order is not None and order[0] == old and added is not None and (not order[1] or added[0] > order[1][-1]):
            order[1].append(added[0])
            self._orders[kind] = (new, order[1], order[2] and mark)
        for field, (version, groups, delta, was) in (self._indexes.get(kind) or {}).items():
            if version != old or (added is None and removed is None):
                continue
            key, record = added or removed
            value = record.get(field)
            keys = groups.setdefault(value, [])
            if added is not None:
                keys.append(key)
            elif key in keys:
                keys.remove(key)
            self._indexes[kind][field] = (new, groups, delta, was and mark)

    # -- ids ------------------------------------------------------------------------------
    def seal(self, tracked: bool = True) -> "State":
        """Start every integer sequence after the largest id the fixtures hold; make it all tracked (not
        for a base world, which nothing changes: a fork copies what it hands out, core/overlay.py)."""
        for kind, rows in self.tables.items():
            ints = [k for k in rows if isinstance(k, int) and not isinstance(k, bool)]
            if ints:
                self._seq[kind] = max(self._seq.get(kind, 0), max(ints))
        self._indexes, self._orders = {}, {}  # (built from the tables adopt_all replaces; a fork's first use builds)
        if not tracked:
            return self
        memo: dict = {}
        self._versions = adopt_all(self._versions, memo)
        self.tables = adopt_all(self.tables, memo)
        self.extra = adopt_all(self.extra, memo)
        self._seq = adopt_all(self._seq, memo)
        return self

    def next_id(self, kind: str) -> int:
        if kind not in self._seq:
            ints = [k for k in self.tables.get(kind, {}) if isinstance(k, int) and not isinstance(k, bool)]
            self._seq[kind] = max(ints, default=0)
        self._seq[kind] += 1
        return self._seq[kind]

    def next_token(self, kind: str, length: int = 32) -> str:
        """A deterministic hex string id (for vendors whose ids are strings)."""
        n = self.next_id(f"token:{kind}")
        digest = hashlib.sha256(f"{self.vendor}:{kind}:{n}".encode()).hexdigest()
        while len(digest) < length:
            digest += hashlib.sha256(digest.encode()).hexdigest()
        return digest[:length]

    # -- export ---------------------------------------------------------------------------
    def to_json(self) -> dict:
        return {
            # a fork's records read, not copied (the base's own objects: never change what this returns), so a
            # dump leaves the fork as small as it was
            "tables": {kind: list(rows.peek_values() if type(rows) is Overlay else rows.values())
                       for kind, rows in self.tables.items()},
            "extra": self.extra,
            "sequences": {k: v for k, v in self._seq.items()},
        }


class Rows(Sequence):
    """Records of a table by a list of their keys, fetched only when read (a slice fetches just its own).

    It keeps the length it was made with: keys the state appends later are not seen by its holder."""

    __slots__ = ("_table", "_keys", "_n")

    def __init__(self, table: dict, keys: list):
        self._table, self._keys, self._n = table, keys, len(keys)

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, at):
        if isinstance(at, slice):
            return [self._table[self._keys[i]] for i in range(self._n)[at]]
        return self._table[self._keys[range(self._n)[at]]]

    def __iter__(self):
        return map(self._table.__getitem__, itertools.islice(self._keys, self._n))


class Spliced(Sequence):
    """A fork's table keys in ascending order without copying the base's: the base's sorted keys but those
    deleted here, then the keys added here (all larger than the base's). `append` takes a new largest key."""

    __slots__ = ("_base", "_shift", "_added")

    def __init__(self, base: list, skip: list, added: list):
        # skip: the sorted positions in `base` of deleted keys; the i-th kept key is at i + (how many of
        # skip[j] - j are <= i), a bisection
        self._base, self._shift, self._added = base, [at - n for n, at in enumerate(skip)], added

    @classmethod
    def of(cls, base: list, table: Overlay) -> "Spliced | None":
        added = sorted(table._new)  # (a base key deleted and added again is in both: never larger)
        if added and base and not added[0] > base[-1]:
            return None
        return cls(base, sorted(bisect.bisect_left(base, key) for key in table._gone), added)

    def __len__(self) -> int:
        return len(self._base) - len(self._shift) + len(self._added)

    def __getitem__(self, at):
        if isinstance(at, slice):
            return [self[i] for i in range(len(self))[at]]
        at = range(len(self))[at]
        kept = len(self._base) - len(self._shift)
        if at >= kept:
            return self._added[at - kept]
        return self._base[at + bisect.bisect_right(self._shift, at)]

    def __iter__(self):
        return itertools.chain(map(self.__getitem__, range(len(self._base) - len(self._shift))), self._added)

    def append(self, key) -> None:
        self._added.append(key)
