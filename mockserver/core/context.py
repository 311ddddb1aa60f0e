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
