"""Mock-only extras under /_mock/hiptest/: switch the rate limit on or off at run time."""

from __future__ import annotations

from flask import Blueprint

from ...core.control import ControlError, current_core, json_object, number, only_keys, tenant_arg
from ...core.negotiation import json_response
from .model import runs
from .model.ratelimit import DOCUMENTED_LIMIT

control_blueprint = Blueprint("hiptest_control", __name__)


def _describe(state, core) -> dict:
    override = state.extra.get("rate_limit")
    setting = core.options["hiptest"].get("rate_limit")
    if setting is True:
        setting = DOCUMENTED_LIMIT
    limit = (override or None) if override is not None else (setting or None)
    return {"limit": limit, "enabled": bool(limit), "window_seconds": 60,
            "source": "control" if override is not None else "settings"}


@control_blueprint.get("/rate_limit")
def get_rate_limit():
    core = current_core()
    tenant = tenant_arg()
    with core.store.lock(tenant, "hiptest"):
        return json_response(_describe(core.store.state(tenant, "hiptest"), core))


@control_blueprint.post("/rate_limit")
def set_rate_limit():
    """{"limit": N} switches it on (N per minute), {"limit": 0} off, {"limit": null} back to the setting."""
    core = current_core()
    tenant = tenant_arg()
    body = json_object()
    only_keys(body, ("limit", "clear"))
    if "limit" not in body:
        raise ControlError(400, 'limit: required: give {"limit": N} (0 turns it off, null restores the setting), '
                                'optionally "clear": true')
    limit = body["limit"]
    if limit is not None:
        number(body, "limit", 0, 1_000_000, integer=True)
    if not isinstance(body.get("clear", False), bool):
        raise ControlError(400, "clear: must be true or false")
    with core.store.transaction(tenant, "hiptest") as state:
        state.extra["rate_limit"] = limit
        described = _describe(state, core)
        if body.get("clear"):
            state.scratch.pop("rate_limit", None)
    return json_response(described)


@control_blueprint.get("/generation")
def get_generation():
    core = current_core()
    tenant = tenant_arg()
    with core.store.lock(tenant, "hiptest"):
        return json_response({"seconds": _generation_seconds(core.store.state(tenant, "hiptest"), core)})


@control_blueprint.post("/generation")
def set_generation():
    """{"seconds": N}: new test runs answer 423 on their tests for N mock-clock seconds."""
    core = current_core()
    tenant = tenant_arg()
    body = json_object()
    only_keys(body, ("seconds",))
    if "seconds" not in body:
        raise ControlError(400, 'seconds: required: give {"seconds": N} (N >= 0; null restores the setting)')
    seconds = body["seconds"]
    if seconds is not None:
        number(body, "seconds", 0, 365 * 86400)
    with core.store.transaction(tenant, "hiptest") as state:
        state.extra["generation_seconds"] = seconds
        return json_response({"seconds": _generation_seconds(state, core)})


def _generation_seconds(state, core) -> float:
    return runs.generation_seconds(state.extra.get("generation_seconds"),
                                   core.options["hiptest"].get("generation_seconds", 0))
