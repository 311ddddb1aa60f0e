"""Automation hosts: online while the last ping is younger than the window, on the mock clock."""

from __future__ import annotations

from datetime import datetime, timedelta

from . import dates


def expiry(host: dict, window_seconds: int) -> datetime | None:
    if not host.get("last_ping"):
        return None
    return dates.parse(host["last_ping"]) + timedelta(seconds=window_seconds)


def render(host: dict, now: datetime, window_seconds: int) -> dict:
    until = expiry(host, window_seconds)
    return {
        "host_server_id": host["host_server_id"],
        "host_name": host["host_name"],
        "ip_address": host["ip_address"],
        "mac_address": host["mac_address"],
        "host_guid": host["host_guid"],
        "status": until is not None and now < until,
        "status_expired_time": dates.epoch_ms(until) if until is not None else None,
    }


def by_guid(state, guid: str) -> dict | None:
    """The first host (in table order) of that guid in any case: every host is read, none copied (no index: a
    host's guid changes with an update, and the match ignores case)."""
    guid = guid.lower()
    hosts = state.table("hosts")
    key = next((key for key, host in state.peek("hosts") if host["host_guid"].lower() == guid), None)
    return None if key is None else hosts[key]
