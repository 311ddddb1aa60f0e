"""Whole responses to reads, kept until the tenant's state changes, and served before Flask runs.

A GET without a body that changed nothing (no state, no outbox), answered 200 and read the clock
only where it said until when its answer holds (context.valid_until) is a pure function of (tenant
state, request, time window). Its bytes are kept with the state object they came from; any request
or control transaction that changes that state, and a reset (another state object), drop them.
While fault rules exist nothing is served from here, so every request meets the rules.

Anything that decides a response from time must read the mock clock (never the wall clock), or
call context.uncacheable().
"""

from __future__ import annotations

import threading

MAX_ENTRIES = 256              # per (tenant, vendor) ...
MAX_BYTES = 4 * 1024 * 1024    # ... and at most this many body bytes: many tenants must not add up to much
MAX_BODY = 256 * 1024          # bigger answers (downloads, huge lists) are rendered each time
MAX_ASKED = 1024               # requests asked once, remembered per (tenant, vendor): kept when asked again
# headers that vary between identical calls of one client and cannot change an answer
VOLATILE = frozenset({"HTTP_USER_AGENT", "HTTP_CONNECTION", "HTTP_ACCEPT_ENCODING", "HTTP_KEEP_ALIVE",
                      "HTTP_X_REQUEST_ID", "HTTP_TRACEPARENT", "HTTP_TRACESTATE", "HTTP_CACHE_CONTROL",
                      "HTTP_PRAGMA", "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE"})


HEADERS = "mockserver.headers"  # (core/front.py's key: the header pairs it picked out of the request)


def request_key(environ) -> tuple:
    picked = environ.get(HEADERS)  # behind the front its header pairs, else the whole environ's
    pairs = picked if picked is not None else environ.items()
    headers = tuple(sorted((k, v) for k, v in pairs if k.startswith("HTTP_") and k not in VOLATILE))
    return (environ.get("wsgi.url_scheme"), environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""), environ.get("CONTENT_TYPE", ""), headers)


class Kept:
    __slots__ = ("status", "headers", "body", "since", "until", "path", "vendor_path")

    def __init__(self, status, headers, body, since, until, path, vendor_path):
        self.status, self.headers, self.body = status, headers, body
        self.since, self.until, self.path, self.vendor_path = since, until, path, vendor_path


class ReadCache:
    def __init__(self):
        # (tenant, vendor) -> (the state the answers came from, request key -> Kept, [their body bytes],
        # the keys asked once of that state)
        self._by_key: dict[tuple[str, str], tuple[object, dict, list]] = {}
        self._lock = threading.Lock()

    def _slot(self, tenant: str, vendor: str, state, create: bool):
        found = self._by_key.get((tenant, vendor))
        if found is not None and found[0] is state:
            return found
        if not create:
            return None
        slot = (state, {}, [0], {})
        with self._lock:
            self._by_key[(tenant, vendor)] = slot
        return slot

    def entries(self, tenant: str, vendor: str, state) -> dict | None:
        """The kept answers of this state (None when there are none)."""
        slot = self._slot(tenant, vendor, state, create=False)
        return slot[1] if slot is not None else None

    def asked_before(self, tenant: str, vendor: str, state, key: tuple) -> bool:
        """Whether `key` was asked of this state before (and note that it is now): an answer is kept from its second
        asking, so a read asked once (a new query, a list paged through once) costs no keeping."""
        asked = self._slot(tenant, vendor, state, create=True)[3]
        if key in asked:
            return True
        if len(asked) >= MAX_ASKED:
            asked.clear()
        asked[key] = None
        return False

    def keep(self, tenant: str, vendor: str, state, key: tuple, kept: Kept) -> None:
        _, entries, held, _ = self._slot(tenant, vendor, state, create=True)
        if len(entries) >= MAX_ENTRIES or held[0] + len(kept.body) > MAX_BYTES:
            entries.clear()
            held[0] = 0
        entries[key] = kept
        held[0] += len(kept.body)

    def changed(self, tenant: str, vendor: str) -> None:
        with self._lock:
            self._by_key.pop((tenant, vendor), None)

    def clear(self) -> None:
        with self._lock:
            self._by_key.clear()
