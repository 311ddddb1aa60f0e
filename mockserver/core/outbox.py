"""What a real service would have sent outward (emails, webhooks, commit statuses)."""

from __future__ import annotations

import itertools
import threading
from collections import deque

from .clock import Clocks, iso


class Outbox:
    def __init__(self, clocks: Clocks, size: int = 10_000):
        self._clocks = clocks
        self._items: deque = deque(maxlen=size)
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def record(self, vendor: str, tenant: str, kind: str, payload: dict) -> dict:
        entry = {
            "id": next(self._ids),
            "time": iso(self._clocks.of(tenant).peek()),  # the sender's tenant's time
            "vendor": vendor,
            "tenant": tenant,
            "kind": kind,
            "payload": payload,
        }
        with self._lock:
            self._items.append(entry)
        return entry

    def list(self, vendor: str | None = None, tenant: str | None = None, kind: str | None = None) -> list[dict]:
        with self._lock:
            items = list(self._items)
        return [
            e for e in items
            if (vendor is None or e["vendor"] == vendor)
            and (tenant is None or e["tenant"] == tenant)
            and (kind is None or e["kind"] == kind)
        ]

    def clear(self, vendor: str | None = None, tenant: str | None = None) -> None:
        """Forget what one vendor and/or tenant sent (None: any)."""
        with self._lock:
            keep = [e for e in self._items
                    if not ((vendor is None or e["vendor"] == vendor) and (tenant is None or e["tenant"] == tenant))]
            self._items.clear()
            self._items.extend(keep)

    def sizes(self) -> dict[str, int]:
        """tenant -> messages held."""
        with self._lock:
            items = list(self._items)
        out: dict[str, int] = {}
        for e in items:
            out[e["tenant"]] = out.get(e["tenant"], 0) + 1
        return out
