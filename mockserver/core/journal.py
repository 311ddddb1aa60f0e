"""Bounded request journal, newest last."""

from __future__ import annotations

import fnmatch
import itertools
import threading
from collections import deque


class Journal:
    def __init__(self, size: int = 10_000):
        self._items: deque = deque(maxlen=size)
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def add(self, entry: dict) -> None:
        with self._lock:
            entry["id"] = next(self._ids)
            self._items.append(entry)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def list(self, vendor=None, method=None, path=None, status=None, tenant=None, limit=None) -> list[dict]:
        with self._lock:
            items = list(self._items)
        out = []
        for e in items:
            if vendor and e["vendor"] != vendor:
                continue
            if method and e["method"] != method.upper():
                continue
            if tenant and e["tenant"] != tenant:
                continue
            if status is not None and e["status"] != status:
                continue
            # a glob may be written for the vendor-relative path or for the full path
            if path and not (fnmatch.fnmatchcase(e["path"], path) or fnmatch.fnmatchcase(e["vendor_path"], path)):
                continue
            out.append(e)
        if limit is not None:
            out = out[-limit:] if limit else []
        return out
