"""Bounded request journal, newest last.

Recording is on every request's path, so an entry keeps cheap references (raw header pairs, the
clock reading, the body prefix) and is turned into JSON only when someone reads the journal.
"""

from __future__ import annotations

import fnmatch
import itertools
import threading
from collections import deque

from .clock import iso


def _header_name(key: str) -> str:
    name = key[5:] if key.startswith("HTTP_") else key
    return "-".join(part.capitalize() for part in name.split("_"))


class Entry:
    __slots__ = ("id", "when", "method", "path", "vendor_path", "query", "headers", "raw", "size", "limit",
                 "vendor", "tenant", "status", "duration_ms", "fault")

    def __init__(self, when, method, path, vendor_path, query, headers, raw, size, limit,
                 vendor, tenant, status, duration_ms, fault):
        self.when, self.method, self.path, self.vendor_path = when, method, path, vendor_path
        self.query, self.headers, self.raw, self.size, self.limit = query, headers, raw, size, limit
        self.vendor, self.tenant, self.status = vendor, tenant, status
        self.duration_ms, self.fault = duration_ms, fault

    def to_json(self) -> dict:
        raw = self.raw
        return {
            "id": self.id,
            "time": iso(self.when),
            "method": self.method,
            "path": self.path,
            "vendor_path": self.vendor_path,
            "query": self.query.decode("latin-1") if isinstance(self.query, bytes) else self.query,
            "headers": {_header_name(k): v for k, v in self.headers},
            "body": raw[:self.limit].decode("utf-8", errors="replace"),
            "body_size": self.size,
            "body_truncated": self.size > self.limit,
            "vendor": self.vendor,
            "tenant": self.tenant,
            "status": self.status,
            "duration_ms": round(self.duration_ms, 3),
            "fault": self.fault,
        }


class Journal:
    def __init__(self, size: int = 10_000):
        self._items: deque = deque(maxlen=size)
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def add(self, entry: Entry) -> None:
        with self._lock:
            entry.id = next(self._ids)
            self._items.append(entry)

    def clear(self, tenant: str | None = None, vendor: str | None = None) -> None:
        """Forget the entries of one tenant and/or vendor (None: any)."""
        with self._lock:
            if tenant is None and vendor is None:
                self._items.clear()
                return
            keep = [e for e in self._items
                    if not ((tenant is None or e.tenant == tenant) and (vendor is None or e.vendor == vendor))]
            self._items.clear()
            self._items.extend(keep)

    def sizes(self) -> dict[str, int]:
        """tenant -> entries held."""
        with self._lock:
            items = list(self._items)
        out: dict[str, int] = {}
        for e in items:
            out[e.tenant] = out.get(e.tenant, 0) + 1
        return out

    def list(self, vendor=None, method=None, path=None, status=None, tenant=None, limit=None) -> list[dict]:
        with self._lock:
            items = list(self._items)
        out = []
        for e in items:
            if vendor and e.vendor != vendor:
                continue
            if method and e.method != method.upper():
                continue
            if tenant and e.tenant != tenant:
                continue
            if status is not None and e.status != status:
                continue
            # a glob may be written for the vendor-relative path or for the full path
            if path and not (fnmatch.fnmatchcase(e.path, path) or fnmatch.fnmatchcase(e.vendor_path, path)):
                continue
            out.append(e)
        if limit is not None:
            out = out[-limit:] if limit else []
        return [e.to_json() for e in out]
