"""The documented 200 requests per minute per IP, off unless switched on, counted on the mock clock.

The window of hits lives outside the tenant state: a request the store rolls back (any 4xx)
still counted against the limit, as on the real service.
"""

from __future__ import annotations

import threading
from collections import deque

WINDOW_SECONDS = 60.0
DOCUMENTED_LIMIT = 200


class Windows:
    def __init__(self):
        self._lock = threading.Lock()
        self._hits: dict[tuple, deque] = {}

    def hit(self, key: tuple, now: float, limit: int) -> float | None:
        """Record a hit; None when allowed, else the seconds until a slot frees."""
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            # hits from the "future" (the clock was set back) and older than a minute no longer count
            kept = [t for t in hits if now - WINDOW_SECONDS < t <= now]
            hits.clear()
            hits.extend(kept)
            if len(hits) >= limit:
                return max(hits[0] + WINDOW_SECONDS - now, 0.001)
            hits.append(now)
            return None



def effective_limit(override, setting) -> int | None:
    """The run-time switch (control API, `override`) wins over the `rate_limit` option; 0/None means off."""
    if override is not None:
        return override or None
    if setting is True:
        return DOCUMENTED_LIMIT
    return int(setting) if isinstance(setting, (int, float)) and not isinstance(setting, bool) and setting > 0 else None
