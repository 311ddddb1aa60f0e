"""MockControl: a small typed client for the /_mock control API, usable from any script or test.

Standard library only (urllib), so `pip install mockserver` needs nothing more to drive a running server:

    from mockserver.client import MockControl

    mock = MockControl("http://127.0.0.1:8080", tenant="ci-42")
    requests.get(mock.base_url("bitbar") + "/api/v2/me", headers=mock.headers)
    mock.fault(vendor="bitbar", path="/api/v2/me", status=503, times=1)
    assert mock.count(method="GET", vendor="bitbar") == 1
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import quote, urlencode

TENANT_HEADER = "X-Mock-Tenant"


class MockControlError(Exception):
    """A control call the server refused: `status` is the HTTP status, `message` the API's `error` text."""

    def __init__(self, status: int, message: str, method: str = "", url: str = ""):
        super().__init__(f"{method} {url}: {status} {message}".strip())
        self.status = status
        self.message = message
        self.method = method
        self.url = url


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class MockControl:
    """The control API of the server at `base_url` (its main port, e.g. ``http://127.0.0.1:8080``).

    With `tenant`, every call is about that tenant only (``?tenant=``) and `headers` carries the tenant
    header for the vendor requests a test sends; without it, calls are about every tenant (reset,
    journal, outbox, faults) and the server clock. `token` is the server's ``--control-token``.
    """

    def __init__(self, base_url: str, tenant: str | None = None, token: str | None = None, timeout: float = 10.0):
        self.url = base_url.rstrip("/")
        self.tenant = tenant
        self.token = token
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"MockControl({self.url!r}, tenant={self.tenant!r})"

    def for_tenant(self, tenant: str | None) -> MockControl:
        """The same server and token, scoped to another tenant (None: every tenant)."""
        return MockControl(self.url, tenant=tenant, token=self.token, timeout=self.timeout)

    # -- what a test sends to the vendors -------------------------------------------------------
    @property
    def headers(self) -> dict[str, str]:
        """The tenant header to send with vendor requests (empty without a tenant: tenant ``default``)."""
        return {TENANT_HEADER: self.tenant} if self.tenant else {}

    def base_url(self, vendor: str) -> str:
        """The vendor's prefixed base URL on the main port (``http://host:port/<vendor>``)."""
        return f"{self.url}/{vendor}"

    # -- the control API ------------------------------------------------------------------------
    def health(self) -> dict:
        """``GET /_mock/health``: ``{"status": "ok", "vendors": [...], "version": ..., "replica": ...}``."""
        return self._call("GET", "/health", scoped=False)

    def reset(self, vendor: str | None = None, keep: str | list[str] | tuple[str, ...] | None = None) -> dict:
        """``POST /_mock/reset``: data, clock, faults, journal and outbox back to the start (of one vendor
        with `vendor`); `keep` names what stays (``data``, ``clock``, ``faults``, ``journal``, ``outbox``)."""
        if keep is not None and not isinstance(keep, str):
            keep = ",".join(keep)
        return self._call("POST", "/reset", query={"vendor": vendor, "keep": keep})

    def clock(self) -> dict:
        """``GET /_mock/clock``: the tenant's (or the server's) mock clock as the API describes it."""
        return self._call("GET", "/clock")

    def advance_clock(self, seconds: float) -> dict:
        """Move the clock `seconds` forward (negative: back); the tenant gets a clock of its own."""
        return self._call("POST", "/clock", body={"advance_seconds": seconds})

    def freeze(self, at: str | None = None) -> dict:
        """Stop the clock now, or at `at` (ISO 8601, e.g. ``2030-01-01T00:00:00Z``)."""
        return self._call("POST", "/clock", body={"set": at} if at is not None else {"mode": "frozen"})

    def unfreeze(self) -> dict:
        """Let the clock run in real time again (from where it stands)."""
        return self._call("POST", "/clock", body={"mode": "real"})

    def fault(self, **rule: Any) -> dict:
        """``POST /_mock/faults``: add a rule (``vendor``, ``method``, ``path`` glob, ``status``, ``body``,
        ``headers``, ``delay_ms``, ``times``); returns the rule as stored, with its ``id``."""
        return self._call("POST", "/faults", body=rule)

    def faults(self) -> list[dict]:
        """The fault rules in force (of the tenant, or all)."""
        return self._call("GET", "/faults")["faults"]

    def delete_fault(self, rule_id: int) -> None:
        """Remove one fault rule by its ``id``."""
        self._call("DELETE", f"/faults/{int(rule_id)}")

    def clear_faults(self, vendor: str | None = None) -> None:
        """Remove every fault rule (of the tenant; of one vendor with `vendor`)."""
        self._call("DELETE", "/faults", query={"vendor": vendor})

    def requests(self, **filters: Any) -> list[dict]:
        """``GET /_mock/requests``: journaled requests, newest last, each with its ``response``. Filters:
        ``vendor``, ``method``, ``path`` (glob), ``status``, ``unmatched``, ``body_contains``, ``limit``."""
        return self._call("GET", "/requests", query=filters)["requests"]

    def clear_requests(self, vendor: str | None = None) -> None:
        """Empty the journal (of the tenant; of one vendor with `vendor`)."""
        self._call("DELETE", "/requests", query={"vendor": vendor})

    def count(self, **matcher: Any) -> int:
        """``POST /_mock/requests/count``: how many journaled requests match every one of ``method``,
        ``path`` (glob), ``vendor``, ``status``, ``unmatched``, ``body_contains``."""
        return self._call("POST", "/requests/count", body=matcher)["count"]

    def outbox(self, **filters: Any) -> list[dict]:
        """``GET /_mock/outbox``: what the real service would have sent (emails, webhooks, statuses).
        Filters: ``vendor``, ``kind``."""
        return self._call("GET", "/outbox", query=filters)["outbox"]

    def clear_outbox(self, vendor: str | None = None) -> None:
        """Empty the outbox (of the tenant; of one vendor with `vendor`)."""
        self._call("DELETE", "/outbox", query={"vendor": vendor})

    def snapshot(self, name: str, vendor: str | None = None) -> dict:
        """Keep a named copy of the tenant's data (every vendor's, or `vendor`'s); it outlives resets."""
        return self._call("POST", "/snapshots", query={"vendor": vendor}, body={"name": name})

    def restore(self, name: str, vendor: str | None = None) -> dict:
        """Put the tenant's data back as snapshot `name` holds it (as often as asked)."""
        return self._call("POST", f"/snapshots/{quote(name, safe='')}/restore", query={"vendor": vendor})

    def state(self, vendor: str, reveal: bool = False) -> dict:
        """The vendor's whole current state for the tenant (credentials redacted unless `reveal`,
        which needs the control token)."""
        return self._call("GET", "/state", query={"vendor": vendor, "reveal": reveal or None})["state"]

    def load_fixtures(self, vendor: str, data: dict) -> dict:
        """Replace the vendor's data (of the tenant) with `data`, a fixtures document."""
        return self._call("POST", "/fixtures", query={"vendor": vendor}, body=data)

    def tenants(self) -> list[dict]:
        """Every tenant the server knows, with its sizes, clock and last use."""
        return self._call("GET", "/tenants", scoped=False)["tenants"]

    # -- transport ------------------------------------------------------------------------------
    def _call(self, method: str, path: str, query: dict | None = None, body: dict | None = None,
              scoped: bool = True) -> Any:
        params = {k: _query_value(v) for k, v in (query or {}).items() if v is not None}
        if scoped and self.tenant:
            params.setdefault("tenant", self.tenant)
        url = f"{self.url}/_mock{path}" + (f"?{urlencode(params)}" if params else "")
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        req = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as err:
            raw = err.read()
            try:
                message = json.loads(raw)["error"]
            except (ValueError, KeyError, TypeError):
                message = raw.decode("utf-8", "replace")[:500] or err.reason
            raise MockControlError(err.code, message, method, url) from None
        return json.loads(raw) if raw.strip() else None
