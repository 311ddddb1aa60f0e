"""Automation hosts: register, update, ping."""

from __future__ import annotations

from ...core import context
from . import errors
from .blueprint import blueprint, host, ok, options, wire
from .model import dates, hosts
from .schemas import HostOut, PongOut

# HostRequest in openapi/qtest.yaml; other keys the Java SDK sends (links, ids) are ignored
HOST_FIELDS = ("host_name", "ip_address", "mac_address", "host_guid")


def _shown(record: dict):
    return ok(HostOut, hosts.render(record, context.now(), options()["online_window_seconds"]))


def _host_body() -> dict:
    body = wire()[1]
    return {name: body[name] for name in HOST_FIELDS}


@blueprint.post("/api/v3/automation/host")
def register_host():
    body = _host_body()
    state = context.state()
    existing = hosts.by_guid(state, body["host_guid"])
    if existing is not None:
        # re-registering a machine (same guid) returns its host, so the doc's sample yields id 48
        existing.update(body)
        return _shown(existing)
    record = state.insert("hosts", {**body, "host_server_id": None, "last_ping": None}, id_field="host_server_id")
    return _shown(record)


@blueprint.put("/api/v3/automation/hosts/<int:host_server_id>")
def update_host(host_server_id):
    record = host(host_server_id)
    body = _host_body()
    other = hosts.by_guid(context.state(), body["host_guid"])
    if other is not None and other["host_server_id"] != host_server_id:
        raise errors.host_guid_taken(body["host_guid"], other["host_server_id"])
    record.update(body)
    return _shown(record)


@blueprint.post("/api/v3/automation/hosts/<int:host_server_id>/ping")
def ping_host(host_server_id):
    record = host(host_server_id)
    guid = wire()[1]["host_guid"]  # the SDK's ping_time is ignored
    if guid.lower() != record["host_guid"].lower():
        raise errors.host_guid_mismatch(guid, host_server_id)
    now = context.now()
    record["last_ping"] = dates.stored(now)
    return ok(PongOut, {"received_time": dates.fmt(now), "pong_message": "true"})
