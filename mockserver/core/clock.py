"""The mock clocks: real, frozen, or real shifted by an offset. Every vendor timestamp reads its tenant's.

There is one server clock, and a tenant gets a clock of its own the first time a control call sets
its time (`POST /_mock/clock?tenant=T`); until then, and again after a reset, it follows the server's.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone


def parse_iso(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def iso(value: datetime | float) -> str:
    if not isinstance(value, datetime):
        value = datetime.fromtimestamp(value, timezone.utc)  # (a Clock.stamp)
    return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


_reads = threading.local()


def reads_of_this_thread() -> int:
    """How often this thread has read any mock clock: a view that did depends on time."""
    return getattr(_reads, "count", 0)


class Clock:
    def __init__(self, wall=None):
        self._wall = wall or (lambda: datetime.now(timezone.utc))
        self._custom = wall is not None  # (a test's wall clock: stamp reads it rather than time.time)
        self._lock = threading.Lock()
        self._offset = timedelta(0)
        self._offset_s = 0.0
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

    def stamp(self) -> float:
        """Now as seconds since the epoch, without counting as a read: what the journal notes per request
        (a float costs less than a datetime to make, and is turned into one only when the journal is read)."""
        frozen = self._frozen
        if frozen is not None or self._custom:
            return self.peek().timestamp()
        return time.time() + self._offset_s

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
                self._offset_s = self._offset.total_seconds()

    def set(self, when: datetime) -> None:
        """Freeze at `when`: setting a time means the test wants it to stay there."""
        with self._lock:
            self._frozen = when
            self._offset, self._offset_s = timedelta(0), 0.0

    def freeze(self) -> None:
        now = self.now()
        with self._lock:
            self._frozen = now

    def real(self) -> None:
        with self._lock:
            self._frozen = None
            self._offset, self._offset_s = timedelta(0), 0.0

    def copy(self) -> "Clock":
        other = Clock(self._wall)
        other._custom = self._custom
        with self._lock:
            other._offset, other._offset_s, other._frozen = self._offset, self._offset_s, self._frozen
        return other

    def describe(self) -> dict:
        now = self.peek()
        return {
            "now": iso(now),
            "epoch": now.timestamp(),
            "mode": self.mode,
            "offset_seconds": self._offset.total_seconds(),
        }


class Clocks:
    """The server clock plus the tenants' own ones."""

    def __init__(self, wall=None):
        self.server = Clock(wall)
        self._own: dict[str, Clock] = {}
        self._lock = threading.Lock()

    def of(self, tenant: str | None) -> Clock:
        """The clock `tenant` reads (its own, or the server's); None: the server's."""
        if tenant is None:
            return self.server
        return self._own.get(tenant) or self.server

    def own(self, tenant: str) -> Clock:
        """`tenant`'s own clock, made from where the server clock stands when it has none yet."""
        found = self._own.get(tenant)
        if found is None:
            with self._lock:
                found = self._own.get(tenant)
                if found is None:
                    found = self._own[tenant] = self.server.copy()
        return found

    def has_own(self, tenant: str) -> bool:
        return tenant in self._own

    def tenants(self) -> list[str]:
        return list(self._own)

    def reset(self, tenant: str | None = None) -> None:
        """A tenant back to following the server clock; None: every clock back to real time."""
        with self._lock:
            if tenant is None:
                self._own.clear()
                self.server.real()
            else:
                self._own.pop(tenant, None)

    def describe(self, tenant: str | None) -> dict:
        clock = self.of(tenant)
        out = clock.describe()
        out["tenant"] = tenant
        out["source"] = "server" if clock is self.server else "tenant"
        return out
