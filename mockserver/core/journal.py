"""Bounded request journal, newest last: each request with its answer, findable by a matcher.

Recording is on every request's path, so an entry keeps cheap references (raw header pairs, the
clock reading, the body prefixes) and is turned into JSON only when someone reads the journal.
Bounds hold per entry (bodies cut at `body_limit`, headers at HEADER_BUDGET bytes) and in total
(at most `size` entries and `max_bytes` bytes, oldest dropped first).
"""

from __future__ import annotations

import fnmatch
import itertools
import threading
import time
from collections import deque

from .clock import iso
from .redact import redact_body, redact_headers, redact_query
from .tenancy import tenant_from

HEADER_BUDGET = 8 * 1024  # bytes of request headers kept per entry (names and values)
ENTRY_OVERHEAD = 512      # what an entry costs besides its headers and bodies, about


def _header_name(key: str) -> str:
    name = key[5:] if key.startswith("HTTP_") else key
    return "-".join(part.capitalize() for part in name.split("_"))


def header_bytes(headers) -> int:
    return sum(len(k) + len(v) for k, v in headers)


def cut_headers(headers: list, budget: int = HEADER_BUDGET) -> list:
    """`headers` within `budget` bytes: values cut where the budget ends (marked), later ones emptied."""
    out, left = [], budget
    for key, value in headers:
        room = max(left - len(key), 0)
        if len(value) > room:
            value = value[:room] + "…[truncated]"
        left -= len(key) + min(len(value), room)
        out.append((key, value))
    return out


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")


class Entry:
    __slots__ = ("id", "when", "method", "path", "vendor_path", "query", "headers", "raw", "size", "limit",
                 "vendor", "tenant", "status", "duration_ms", "fault", "response_headers", "response_body",
                 "response_size", "unmatched", "bytes", "headers_truncated", "connection_fault", "tenant_from")

    def __init__(self, when, method, path, vendor_path, query, headers, raw, size, limit,
                 vendor, tenant, status, duration_ms, fault, response_headers=(), response_body=b"",
                 response_size=0, unmatched=False, connection_fault=None, tenant_from="default"):
        held = header_bytes(headers)
        self.headers_truncated = held > HEADER_BUDGET
        if self.headers_truncated:  # rare: a client sending huge headers must not fill the memory
            headers = cut_headers(headers)
            held = HEADER_BUDGET
        if response_body is not None and len(response_body) > limit:
            response_body = response_body[:limit]  # what the entry keeps alive stays small
        if len(raw) > limit + 1:
            raw = raw[:limit + 1]
        self.when, self.method, self.path, self.vendor_path = when, method, path, vendor_path
        self.query, self.headers, self.raw, self.size, self.limit = query, headers, raw, size, limit
        self.vendor, self.tenant, self.status = vendor, tenant, status
        self.duration_ms, self.fault = duration_ms, fault
        self.response_headers, self.response_body, self.response_size = response_headers, response_body, response_size
        self.unmatched, self.connection_fault, self.tenant_from = unmatched, connection_fault, tenant_from
        self.bytes = (ENTRY_OVERHEAD + held + len(raw) + len(self.path) + len(query)
                      + (len(response_body) if response_body is not None else 0))

    def body_text(self) -> str:
        return _text(self.raw[:self.limit])

    def to_json(self, reveal: bool = False) -> dict:
        query = self.query.decode("latin-1") if isinstance(self.query, bytes) else self.query
        headers = {_header_name(k): v for k, v in self.headers}
        response_headers = dict(self.response_headers.items() if hasattr(self.response_headers, "items")
                                else self.response_headers)
        body = self.body_text()
        answer = None if self.response_body is None else _text(self.response_body)
        if not reveal:
            query, headers, body = redact_query(query), redact_headers(headers), redact_body(body)
            response_headers = redact_headers(response_headers)
            answer = None if answer is None else redact_body(answer)
        return {
            "id": self.id,
            "time": iso(self.when),
            "method": self.method,
            "path": self.path,
            "vendor_path": self.vendor_path,
            "query": query,
            "headers": headers,
            "headers_truncated": self.headers_truncated,
            "body": body,
            "body_size": self.size,
            "body_truncated": self.size > self.limit,
            "vendor": self.vendor,
            "tenant": self.tenant,
            "tenant_from": self.tenant_from,  # what chose the tenant: header, path, credential or default
            "status": self.status,
            "unmatched": self.unmatched,
            "response": {
                "status": self.status,
                "headers": response_headers,
                "body": answer,  # None: streamed (a download), not kept
                "body_size": self.response_size,
                "body_truncated": self.response_size is not None and self.response_size > self.limit,
            },
            "duration_ms": round(self.duration_ms, 3),
            "fault": self.fault,
            "connection_fault": self.connection_fault,  # the rule's `fault` that broke the connection, if one did
        }


def record_broken(core, vendor: str, environ, path: str, vendor_path: str, started: float, tenant: str, rule: dict,
                  raw: bytes) -> None:
    """The journal entry of a request a connection fault answered: no status, the fault named. (Not in the
    access log, whose line has a status.)"""
    headers = [(k, v) for k, v in environ.items() if k.startswith("HTTP_") or k in ("CONTENT_TYPE", "CONTENT_LENGTH")]
    entry = Entry(core.clocks.of(tenant).stamp(), environ["REQUEST_METHOD"], path, vendor_path,
                  environ.get("QUERY_STRING", ""), headers, raw, len(raw), core.settings.journal_body_chars, vendor,
                  tenant, None, (time.perf_counter() - started) * 1000.0, rule["id"], response_body=None,
                  response_size=None, connection_fault=rule["fault"], tenant_from=tenant_from(environ))
    core.journal.add(entry)


class Matcher:
    """Which entries a question is about; every criterion given must hold (None: any)."""

    __slots__ = ("vendor", "method", "path", "status", "tenant", "unmatched", "body_contains")

    def __init__(self, vendor=None, method=None, path=None, status=None, tenant=None, unmatched=None,
                 body_contains=None):
        self.vendor, self.method, self.path, self.status = vendor, method.upper() if method else None, path, status
        self.tenant, self.unmatched, self.body_contains = tenant, unmatched, body_contains

    def __call__(self, e: Entry) -> bool:
        if self.vendor and e.vendor != self.vendor:
            return False
        if self.method and e.method != self.method:
            return False
        if self.tenant and e.tenant != self.tenant:
            return False
        if self.status is not None and e.status != self.status:
            return False
        if self.unmatched is not None and e.unmatched != self.unmatched:
            return False
        # a glob may be written for the vendor-relative path or for the full path
        path = self.path
        if path and not (fnmatch.fnmatchcase(e.path, path) or fnmatch.fnmatchcase(e.vendor_path, path)):
            return False
        if self.body_contains is not None and self.body_contains not in e.body_text():
            return False  # (within the journaled, possibly truncated, body)
        return True


class Journal:
    def __init__(self, size: int = 10_000, max_bytes: int = 64 * 1024 * 1024):
        self.size, self.max_bytes = size, max_bytes
        self._items: deque = deque()
        self._bytes = 0
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def add(self, entry: Entry) -> None:
        with self._lock:
            entry.id = next(self._ids)
            if not self.size:
                return
            items = self._items
            items.append(entry)
            self._bytes += entry.bytes
            while len(items) > self.size or (self._bytes > self.max_bytes and len(items) > 1):
                self._bytes -= items.popleft().bytes

    @property
    def bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._items)

    def clear(self, tenant: str | None = None, vendor: str | None = None) -> None:
        """Forget the entries of one tenant and/or vendor (None: any)."""
        with self._lock:
            if tenant is None and vendor is None:
                self._items.clear()
                self._bytes = 0
                return
            keep = [e for e in self._items
                    if not ((tenant is None or e.tenant == tenant) and (vendor is None or e.vendor == vendor))]
            self._items.clear()
            self._items.extend(keep)
            self._bytes = sum(e.bytes for e in keep)

    def sizes(self) -> dict[str, int]:
        """tenant -> entries held."""
        with self._lock:
            items = list(self._items)
        out: dict[str, int] = {}
        for e in items:
            out[e.tenant] = out.get(e.tenant, 0) + 1
        return out

    def find(self, matcher: Matcher, limit: int | None = None) -> list[Entry]:
        with self._lock:
            items = list(self._items)
        out = [e for e in items if matcher(e)]
        if limit is not None:
            out = out[-limit:] if limit else []
        return out

    def count(self, matcher: Matcher) -> int:
        with self._lock:
            items = list(self._items)
        return sum(1 for e in items if matcher(e))

    def list(self, vendor=None, method=None, path=None, status=None, tenant=None, limit=None, unmatched=None,
             body_contains=None, reveal: bool = False) -> list[dict]:
        matcher = Matcher(vendor, method, path, status, tenant, unmatched, body_contains)
        return [e.to_json(reveal) for e in self.find(matcher, limit)]
