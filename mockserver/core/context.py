"""Request-scoped accessors for vendor handlers: which core, vendor, tenant and state this is."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, g, request

CORE_KEY = "mockserver.core"
VENDOR_KEY = "mockserver.vendor"


def core():
    return current_app.extensions[CORE_KEY]


def vendor():
    return current_app.extensions[VENDOR_KEY]


def settings():
    return core().settings


def tenant() -> str:
    return g.tenant


def state():
    """The current tenant's state of this vendor (the request holds its lock)."""
    return core().store.state(g.tenant, vendor().name)


def now() -> datetime:
    return core().clock.now()


def checked() -> tuple[dict, object]:
    """(parameters, body) as the vendor's contract read them before the view (core/spec_guard.py):
    strings cast to their schema's types, absent optional parameters None."""
    ctx = g._get_current_object()
    return ctx.get("params") or {}, ctx.get("body")


def valid_until(when: datetime | None) -> None:
    """Declare that what this read renders from the clock stays the same until `when` (None: until the
    state changes), so the core may serve it again until then (core/readcache.py).

    Only for views whose output depends on time through thresholds they report here, never for
    views that render `now` itself.
    """
    ctx = g._get_current_object()
    ctx.time_bound = True
    current = ctx.get("valid_until")
    if when is not None and (current is None or when < current):
        ctx.valid_until = when


def permissive() -> bool:
    return core().settings.auth == "permissive"


def vendor_options() -> dict:
    return core().settings.vendor_options.get(vendor().name, {})


def base_url() -> str:
    """The vendor's root as the client reached it: http://host:8080/bitbar or http://host:8084."""
    return request.url_root.rstrip("/")


def record_outbound(kind: str, payload: dict) -> None:
    """Note what the real service would have sent outward (email, webhook, commit status).

    It reaches the outbox when the request succeeds (core/vendor_app.py), never when it is refused.
    """
    g.outbound.append((kind, payload))
