"""One request's view of a tenant's Happo world: state, mock time, the URL root and the outbox.

Handlers build it from the request context; the control API builds it from the core, so the
same state transitions serve both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from ...core.clock import iso
from ...core.state import State


@dataclass
class World:
    state: State
    now: datetime
    base: str
    record: Callable[[str, dict], dict]
    permissive: bool = False

    @property
    def stamp(self) -> str:
        return iso(self.now)

    def absolute(self, url: str) -> str:
        """Fixture and mock-made image URLs are kept relative so they follow the host the client used."""
        return self.base + url if url.startswith("/") else url


def from_request() -> World:
    from ...core import context

    return World(context.state(), context.now(), context.base_url(), context.record_outbound, context.permissive())
