"""Automation hosts: register, update, ping, and the 30-minute online window on the mock clock."""

from __future__ import annotations

import pytest

from .conftest import DOC_GUID, assert_message

NEW_HOST = {
    "host_name": "Build agent 7",
    "ip_address": "10.0.0.7",
    "mac_address": "00:15:5D:4A:4D:77",
    "host_guid": "11111111-2222-3333-4444-555555555555",
}


def register(api, body=None) -> dict:
    r = api.post("/api/v3/automation/host", json=body or NEW_HOST)
    assert r.status_code == 200, r.text
    return r.json()


def test_register_a_new_host(api):
    host = register(api)
    assert host == {**NEW_HOST, "host_server_id": 87, "status": False, "status_expired_time": None}


def test_register_the_docs_sample_returns_host_48(api):
    # the doc's request sample re-registers a known machine: its guid is already host 48
    body = {"host_name": "Host server - 192.168.74.73", "ip_address": " 192.168.74.73",
            "mac_address": "00:15:5D:4A:4D:01", "host_guid": DOC_GUID}
    host = api.post("/api/v3/automation/host", json=body).json()
    assert host["host_server_id"] == 48
    assert {k: host[k] for k in body} == body


def test_re_registering_a_guid_updates_that_host(api, mock_state):
    first = register(api)
    again = register(api, {**NEW_HOST, "host_guid": NEW_HOST["host_guid"].lower(), "host_name": "Renamed"})
    assert again["host_server_id"] == first["host_server_id"]
    assert again["host_name"] == "Renamed"
    assert len(mock_state()["tables"]["hosts"]) == 5


@pytest.mark.parametrize("missing", ["host_name", "ip_address", "mac_address", "host_guid"])
def test_register_requires_all_four_fields(api, missing, mock_state):
    body = {k: v for k, v in NEW_HOST.items() if k != missing}
    r = api.post("/api/v3/automation/host", json=body)
    assert_message(r, 400, missing)
    assert len(mock_state()["tables"]["hosts"]) == 4


@pytest.mark.parametrize("body", [
    {**NEW_HOST, "host_name": 5}, {**NEW_HOST, "host_guid": ""}, {**NEW_HOST, "ip_address": None},
])
def test_register_rejects_wrong_types(api, body):
    assert_message(api.post("/api/v3/automation/host", json=body), 400)


@pytest.mark.parametrize("raw, fragment", [("{", "Malformed JSON"), ("[1]", "JSON object"), ("", "missing")])
def test_register_rejects_bad_json(api, raw, fragment):
    r = api.post("/api/v3/automation/host", data=raw, headers={"Content-Type": "application/json"})
    assert_message(r, 400, fragment)


def test_register_names_every_missing_field(api):
    r = api.post("/api/v3/automation/host", json={"host_name": "x"})
    assert_message(r, 400, "ip_address", "mac_address", "host_guid")


def test_register_refuses_a_form_body_naming_the_media_type(api, mock_state):
    r = api.post("/api/v3/automation/host", files={"host_name": (None, "x")})
    assert_message(r, 400, "multipart/form-data", "application/json")
    assert len(mock_state()["tables"]["hosts"]) == 4


def test_update_a_host(api):
    body = {**NEW_HOST, "host_guid": DOC_GUID, "ip_address": "192.168.74.73"}
    r = api.put("/api/v3/automation/hosts/48", json=body)
    assert r.status_code == 200
    assert r.json() == {**body, "host_server_id": 48, "status": False, "status_expired_time": None}


def test_update_can_change_the_guid_to_a_free_one(api):
    r = api.put("/api/v3/automation/hosts/48", json=NEW_HOST)
    assert r.status_code == 200 and r.json()["host_guid"] == NEW_HOST["host_guid"]


def test_update_to_another_hosts_guid_is_a_conflict(api):
    r = api.put("/api/v3/automation/hosts/83", json={**NEW_HOST, "host_guid": DOC_GUID})
    assert_message(r, 409, DOC_GUID, "48")


def test_update_unknown_host(api):
    assert_message(api.put("/api/v3/automation/hosts/999", json=NEW_HOST), 404, "999")


def test_update_requires_all_fields(api):
    assert_message(api.put("/api/v3/automation/hosts/48", json={"host_name": "x"}), 400, "host_guid")


def test_ping(api, clock):
    clock.set("2015-03-25T03:07:13Z")
    r = api.post("/api/v3/automation/hosts/48/ping", json={"host_guid": DOC_GUID})
    assert r.status_code == 200
    assert r.json() == {"received_time": "2015-03-25T03:07:13+00:00", "pong_message": "true"}


def test_ping_with_the_sdks_ping_time(api):
    r = api.post("/api/v3/automation/hosts/48/ping",
                 json={"host_guid": DOC_GUID, "ping_time": "2015-04-28T17:00:00+0700"})
    assert r.status_code == 200


def test_ping_with_another_hosts_guid(api, mock_state):
    r = api.post("/api/v3/automation/hosts/83/ping", json={"host_guid": DOC_GUID})
    assert_message(r, 400, DOC_GUID, "83")
    assert all(h["last_ping"] is None for h in mock_state()["tables"]["hosts"])


@pytest.mark.parametrize("body", [{}, {"host_guid": 7}])
def test_ping_needs_a_guid(api, body):
    assert_message(api.post("/api/v3/automation/hosts/48/ping", json=body), 400, "host_guid")


def test_ping_unknown_host(api):
    assert_message(api.post("/api/v3/automation/hosts/999/ping", json={"host_guid": DOC_GUID}), 404, "999")


def test_online_for_thirty_minutes_after_a_ping(api, clock, mock_state):
    def shown():
        # re-registering the same guid is how a client reads its host back
        return api.post("/api/v3/automation/host", json={
            "host_name": "Host server - 192.168.74.73", "ip_address": " 192.168.74.73",
            "mac_address": "00:15:5D:4A:4D:01", "host_guid": DOC_GUID}).json()

    clock.set("2026-05-04T08:00:00Z")
    assert shown()["status"] is False
    assert api.post("/api/v3/automation/hosts/48/ping", json={"host_guid": DOC_GUID}).status_code == 200
    expires = 1777883400000  # 2026-05-04T08:30:00Z
    assert shown()["status"] is True and shown()["status_expired_time"] == expires
    clock.advance(30 * 60 - 1)
    assert shown()["status"] is True
    host48 = next(h for h in mock_state()["tables"]["hosts"] if h["host_server_id"] == 48)
    assert host48["status"] is True
    clock.advance(1)
    after = shown()
    assert after["status"] is False and after["status_expired_time"] == expires
    host48 = next(h for h in mock_state()["tables"]["hosts"] if h["host_server_id"] == 48)
    assert host48["status"] is False and host48["last_ping"] == "2026-05-04T08:00:00Z"
    # a new ping brings it back
    api.post("/api/v3/automation/hosts/48/ping", json={"host_guid": DOC_GUID})
    assert shown()["status"] is True


def test_tenants_do_not_share_hosts(api, server):
    from tests.conftest import vendor_client

    register(api)
    other = vendor_client(server, "qtest")
    other.session.headers["Authorization"] = api.session.headers["Authorization"]
    assert other.post("/api/v3/automation/host", json=NEW_HOST).json()["host_server_id"] == 87
    assert api.post("/api/v3/automation/host", json={**NEW_HOST, "host_guid": "x"}).json()["host_server_id"] == 88
