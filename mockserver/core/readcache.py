"""Rendered reads kept until the next write: a GET whose view neither read the clock nor queued
anything outward is a pure function of (tenant state, request), so its bytes can be served again
until that tenant's state changes. A view that read the clock is kept only when it declared until
when its answer holds (context.valid_until), and only while the mock clock is inside that window.

The cache belongs to one state object of one (tenant, vendor): a successful write, a control
transaction, a reset or a rollback (which puts back another state object) all drop it.
"""

from __future__ import annotations

import threading

from flask import g, make_response, request
from werkzeug.wrappers import Response

from .clock import reads_of_this_thread

MAX_ENTRIES = 512         # per (tenant, vendor)
MAX_BODY = 256 * 1024     # bigger answers (downloads, huge lists) are rendered each time
# headers that vary between identical calls of one client and cannot change what a view renders
VOLATILE = frozenset({"HTTP_USER_AGENT", "HTTP_CONNECTION", "HTTP_ACCEPT_ENCODING", "HTTP_KEEP_ALIVE",
                      "HTTP_X_REQUEST_ID", "HTTP_TRACEPARENT", "HTTP_TRACESTATE", "HTTP_CACHE_CONTROL",
                      "HTTP_PRAGMA", "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE"})


class ReadCache:
    def __init__(self):
        self._by_key: dict[tuple[str, str], tuple[object, dict]] = {}
        self._lock = threading.Lock()

    def entries(self, tenant: str, vendor: str, state) -> dict:
        found = self._by_key.get((tenant, vendor))
        if found is not None and found[0] is state:
            return found[1]
        entries: dict = {}
        with self._lock:
            self._by_key[(tenant, vendor)] = (state, entries)
        return entries

    def changed(self, tenant: str, vendor: str) -> None:
        with self._lock:
            self._by_key.pop((tenant, vendor), None)

    def clear(self) -> None:
        with self._lock:
            self._by_key.clear()


def _key(req) -> tuple:
    environ = req.environ
    headers = tuple(sorted((k, v) for k, v in environ.items() if k.startswith("HTTP_") and k not in VOLATILE))
    return req.url_rule.rule, req.path, environ.get("QUERY_STRING", ""), headers


def cached_reads(view, cache: ReadCache, store, clock, vendor_name: str):
    """Wrap a view so that a repeated clock-free (or time-bounded) GET is answered from the cache."""

    def serve(*args, **kwargs):
        req = request._get_current_object()
        if req.method != "GET":
            return view(*args, **kwargs)
        ctx = g._get_current_object()
        entries = cache.entries(ctx.tenant, vendor_name, store.state(ctx.tenant, vendor_name))
        key = _key(req)
        hit = entries.get(key)
        if hit is not None:
            status, headers, body, since, until = hit
            if since is None or since <= clock.peek() and (until is None or clock.peek() < until):
                return Response(body, status=status, headers=headers)
        clock_reads, queued, rendered_at = reads_of_this_thread(), len(ctx.outbound), clock.peek()
        ctx.time_bound = False
        ctx.valid_until = None
        response = make_response(view(*args, **kwargs))
        timeless = reads_of_this_thread() == clock_reads
        if (response.status_code == 200 and not response.direct_passthrough and not response.is_streamed
                and (timeless or ctx.time_bound) and len(ctx.outbound) == queued):
            body = response.get_data()
            if len(body) <= MAX_BODY:
                if len(entries) >= MAX_ENTRIES:
                    entries.clear()
                since, until = (None, None) if timeless else (rendered_at, ctx.valid_until)
                entries[key] = (response.status_code, list(response.headers.items()), body, since, until)
        return response

    serve.__name__ = getattr(view, "__name__", "view")
    serve.__wrapped__ = view
    return serve
