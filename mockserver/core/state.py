"""One tenant's world of one vendor: tables of records by id, id sequences, free-form extras.

States are plain data (dicts, lists, scalars): once sealed they are made of core/tracked.py's
dicts and lists, which is how a failed request is rolled back; keep sets, objects with their own
mutable state, locks and open files out of them.
"""

from __future__ import annotations

import hashlib
from typing import Any

from .tracked import TDict, adopt


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

    # -- tables ---------------------------------------------------------------------------
    def table(self, kind: str) -> dict:
        return self.tables.setdefault(kind, {})

    def get(self, kind: str, key) -> dict | None:
        return self.tables.get(kind, {}).get(key)

    def insert(self, kind: str, record: dict, id_field: str = "id") -> dict:
        """Store `record`, giving it the next id of `kind` when it has none."""
        if record.get(id_field) is None:
            record[id_field] = self.next_id(kind)
        self.table(kind)[record[id_field]] = record
        return record

    def delete(self, kind: str, key) -> dict | None:
        return self.tables.get(kind, {}).pop(key, None)

    # -- ids ------------------------------------------------------------------------------
    def seal(self) -> "State":
        """Start every integer sequence after the largest id the fixtures hold; make it all tracked."""
        for kind, rows in self.tables.items():
            ints = [k for k in rows if isinstance(k, int) and not isinstance(k, bool)]
            if ints:
                self._seq[kind] = max(self._seq.get(kind, 0), max(ints))
        memo: dict = {}
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
