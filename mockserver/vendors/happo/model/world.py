"""One request's view of a tenant's Happo world: state, mock time, the URL root and the outbox.

The blueprint builds it from the request context; the control API from the core, so the
same state transitions serve both.
"""

from __future__ import annotations

from datetime import datetime
from typing import Callable

from ....core.clock import iso
from ....core.state import State


class World:
    """`now` is a datetime, or a function giving one that is called on first use: a view that never looks
    at the time must not count as having read the clock (the core's read cache serves such GETs again
    until the state changes)."""

    def __init__(self, state: State, now: datetime | Callable[[], datetime], base: str,
                 record: Callable[[str, dict], dict], permissive: bool = False, pages: str | None = None):
        self.state = state
        self._now = now
        self.base = base
        self.pages = pages or base  # the root of pages a browser opens: it carries the tenant (core/tenancy.py)
        self.record = record
        self.permissive = permissive

    @property
    def now(self) -> datetime:
        if callable(self._now):
            self._now = self._now()  # one instant for the whole request
        return self._now

    @property
    def stamp(self) -> str:
        return iso(self.now)

    def absolute(self, url: str) -> str:
        """Fixture and mock-made image URLs are kept relative so they follow the host the client used."""
        return self.base + url if url.startswith("/") else url
