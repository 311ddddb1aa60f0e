"""The mock clock: real, frozen, or real shifted by an offset. Every vendor timestamp reads it."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone


def parse_iso(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def iso(value: datetime) -> str:
    return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


_reads = threading.local()


def reads_of_this_thread() -> int:
    """How often this thread has read any mock clock: a view that did depends on time."""
    return getattr(_reads, "count", 0)


class Clock:
    def __init__(self, wall=None):
        self._wall = wall or (lambda: datetime.now(timezone.utc))
        self._lock = threading.Lock()
        self._offset = timedelta(0)
        self._frozen: datetime | None = None

    def now(self) -> datetime:
        _reads.count = getattr(_reads, "count", 0) + 1
        return self.peek()

    def peek(self) -> datetime:
        """Now, without counting as a read (for the core's own bookkeeping)."""
        with self._lock:
            if self._frozen is not None:
                return self._frozen
            return self._wall() + self._offset

    def timestamp(self) -> float:
        return self.now().timestamp()

    @property
    def mode(self) -> str:
        if self._frozen is not None:
            return "frozen"
        return "offset" if self._offset else "real"

    def advance(self, seconds: float) -> None:
        with self._lock:
            if self._frozen is not None:
                self._frozen += timedelta(seconds=seconds)
            else:
                self._offset += timedelta(seconds=seconds)

    def set(self, when: datetime) -> None:
        """Freeze at `when`: setting a time means the test wants it to stay there."""
        with self._lock:
            self._frozen = when
            self._offset = timedelta(0)

    def freeze(self) -> None:
        now = self.now()
        with self._lock:
            self._frozen = now

    def real(self) -> None:
        with self._lock:
            self._frozen = None
            self._offset = timedelta(0)

    def describe(self) -> dict:
        now = self.now()
        return {
            "now": iso(now),
            "epoch": now.timestamp(),
            "mode": self.mode,
            "offset_seconds": self._offset.total_seconds(),
        }
