"""One tenant's world of one vendor: tables of records by id, id sequences, free-form extras.

States are plain data (dicts, lists, scalars): once sealed they are made of core/tracked.py's
dicts and lists, which is how a failed request is rolled back; keep sets, objects with their own
mutable state, locks and open files out of them.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Sequence
from typing import Any

from .tracked import TDict, adopt

_VERSIONS = itertools.count(1)  # never reused: a cached index can only match the table content it was built from


def adopt_all(mapping: dict, memo: dict) -> TDict:
    out = TDict()
    for key, value in mapping.items():
        dict.__setitem__(out, key, adopt(value, memo))
    return out


class State:
    def __init__(self, vendor: str):
        self.vendor = vendor
        self.tables: dict[str, dict[Any, dict]] = TDict()
        self.extra: dict[str, Any] = TDict()
        self._seq: dict[str, int] = TDict()
        # what a vendor keeps per world beside its data (a rate limiter's hit windows): never rolled
        # back with a failed request, never dumped nor snapshotted, gone with the world at a reset
        self.scratch: dict[str, Any] = {}
        # kind -> version, bumped by insert/delete; tracked, so a rolled-back request restores it
        self._versions: dict[str, int] = {}
        self._indexes: dict[str, dict[str, tuple[int, dict]]] = {}  # kind -> field -> (version, value -> records)
        self._orders: dict[str, tuple[int, list]] = {}  # kind -> (version, its keys in ascending order)

    def __getstate__(self):
        # snapshots and new tenants rebuild indexes and orders on use
        return {**self.__dict__, "_indexes": {}, "_orders": {}}

    # -- tables ---------------------------------------------------------------------------
    def table(self, kind: str) -> dict:
        return self.tables.setdefault(kind, {})

    def get(self, kind: str, key) -> dict | None:
        return self.tables.get(kind, {}).get(key)

    def insert(self, kind: str, record: dict, id_field: str = "id") -> dict:
        """Store `record`, giving it the next id of `kind` when it has none."""
        if record.get(id_field) is None:
            record[id_field] = self.next_id(kind)
        key = record[id_field]
        table = self.table(kind)
        replaced = key in table
        table[key] = record
        self._changed(kind, None if replaced else (key, record))
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
        version = self._versions.get(kind, 0)
        found = self._indexes.get(kind, {}).get(field)
        table = self.tables.get(kind, {})
        if found is None or found[0] != version:
            groups: dict = {}
            for key, record in table.items():
                groups.setdefault(record.get(field), []).append(key)
            found = self._indexes.setdefault(kind, {})[field] = (version, groups)
        # by key, not by object: a commit replaces a stored plain dict by its tracked copy (core/tracked.py)
        return [record for record in map(table.get, found[1].get(value, ())) if record is not None]

    def version(self, kind: str) -> int:
        """Changes with every insert (a replacing one too) and delete of `kind`, and back with a rollback:
        a cache of what a table holds is good while this is what it was built at."""
        return self._versions.get(kind, 0)

    def ordered(self, kind: str) -> "Rows":
        """The records of `kind` in ascending key order (integer keys), as a sequence that fetches only what
        is read of it: a page of a big table costs O(page) once the order is known. The order is kept by
        insert (a new largest key is appended) and rebuilt on use after any other insert or delete."""
        version = self._versions.get(kind, 0)
        table = self.tables.get(kind, {})
        found = self._orders.get(kind)
        if found is None or found[0] != version:
            found = self._orders[kind] = (version, sorted(table))
        return Rows(table, found[1])

    def _changed(self, kind: str, added: tuple | None = None, removed: tuple | None = None) -> None:
        """A new version of `kind`; its current indexes follow an added or removed (key, record),
        any other change leaves them to be rebuilt on use."""
        old = self._versions.get(kind, 0)
        new = self._versions[kind] = next(_VERSIONS)
        order = self._orders.get(kind)
        if order is not None and order[0] == old and added is not None and (not order[1] or added[0] > order[1][-1]):
            order[1].append(added[0])
            self._orders[kind] = (new, order[1])
        for field, (version, groups) in (self._indexes.get(kind) or {}).items():
            if version != old or (added is None and removed is None):
                continue
            key, record = added or removed
            value = record.get(field)
            keys = groups.setdefault(value, [])
            if added is not None:
                keys.append(key)
            elif key in keys:
                keys.remove(key)
            self._indexes[kind][field] = (new, groups)

    # -- ids ------------------------------------------------------------------------------
    def seal(self) -> "State":
        """Start every integer sequence after the largest id the fixtures hold; make it all tracked."""
        for kind, rows in self.tables.items():
            ints = [k for k in rows if isinstance(k, int) and not isinstance(k, bool)]
            if ints:
                self._seq[kind] = max(self._seq.get(kind, 0), max(ints))
        memo: dict = {}
        self._indexes, self._orders = {}, {}  # built from the tables adopt_all replaces
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
            "tables": {kind: list(rows.values()) for kind, rows in self.tables.items()},
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
