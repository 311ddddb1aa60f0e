"""The /_mock control API: health, reset, state, fixtures, journal, faults, clock, outbox, routes."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import requests


def test_health(demo):
    r = demo.mock("GET", "/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["vendors"] == ["demo"] and body["version"]


def test_reset_restores_fixtures_for_one_tenant_only(demo, demo_server):
    demo("DELETE", "/items/7")
    other = demo.tenant + "-x"
    requests.delete(
        f"{demo_server.url}/demo/items/3",
        headers={"Authorization": "Bearer demo-token", "X-Mock-Tenant": other},
        timeout=10,
    )
    r = demo.mock("POST", "/reset", params={"vendor": "demo", "tenant": demo.tenant})
    assert r.status_code == 200
    assert [i["id"] for i in demo("GET", "/items").json()["items"]] == [7, 3]
    state = demo.mock("GET", "/state", params={"vendor": "demo", "tenant": other}).json()
    assert [i["id"] for i in state["state"]["tables"]["items"]] == [7]


def test_state_shows_current_data(demo):
    demo("POST", "/items", json={"name": "new", "size": 4})
    r = demo.mock("GET", "/state", params={"vendor": "demo", "tenant": demo.tenant})
    assert r.status_code == 200
    items = r.json()["state"]["tables"]["items"]
    assert items[-1] == {"id": 8, "name": "new", "size": 4}


def test_state_needs_a_known_vendor(demo):
    assert demo.mock("GET", "/state").status_code == 400
    r = demo.mock("GET", "/state", params={"vendor": "bitbar"})
    assert r.status_code == 404 and "bitbar" in r.json()["error"]


def test_fixtures_replace_for_a_tenant(demo):
    r = demo.mock(
        "POST",
        "/fixtures",
        params={"vendor": "demo", "tenant": demo.tenant},
        data="items:\n  - {id: 40, name: forty}\ntokens: [demo-token]\n",
        headers={"Content-Type": "application/yaml"},
    )
    assert r.status_code == 200, r.text
    assert [i["id"] for i in demo("GET", "/items").json()["items"]] == [40]
    demo("POST", "/items", json={"name": "x"})
    demo.mock("POST", "/reset", params={"vendor": "demo", "tenant": demo.tenant})
    assert [i["id"] for i in demo("GET", "/items").json()["items"]] == [40]


def test_invalid_fixtures_are_rejected_with_key_path_and_old_data_stays(demo):
    r = demo.mock(
        "POST",
        "/fixtures",
        params={"vendor": "demo", "tenant": demo.tenant},
        json={"items": [{"id": 1, "name": "ok"}, {"id": "x"}], "tokens": ["demo-token"]},
    )
    assert r.status_code == 400
    message = r.json()["error"]
    assert "items.1.id: Not a valid integer." in message
    assert "items.1.name: Missing data for required field." in message
    assert [i["id"] for i in demo("GET", "/items").json()["items"]] == [7, 3]


def test_invalid_yaml_fixtures_name_the_line(demo):
    r = demo.mock(
        "POST",
        "/fixtures",
        params={"vendor": "demo"},
        data="items: [\n  - {",
        headers={"Content-Type": "application/yaml"},
    )
    assert r.status_code == 400
    assert "not valid YAML" in r.json()["error"] and "line" in r.json()["error"]


def test_journal_records_and_filters(demo):
    demo.mock("DELETE", "/requests")
    demo("GET", "/items")
    demo("POST", "/items", json={"name": "journaled"})
    demo("GET", "/items/999")
    all_ = demo.mock("GET", "/requests").json()
    assert [(e["method"], e["path"], e["status"]) for e in all_["requests"]] == [
        ("GET", "/demo/items", 200),
        ("POST", "/demo/items", 201),
        ("GET", "/demo/items/999", 404),
    ]
    post = all_["requests"][1]
    assert post["body"] == '{"name": "journaled"}' and post["vendor"] == "demo" and post["tenant"] == demo.tenant
    assert post["headers"]["Content-Type"] == "application/json" and post["duration_ms"] >= 0
    assert [e["status"] for e in demo.mock("GET", "/requests", params={"method": "post"}).json()["requests"]] == [201]
    assert [e["path"] for e in demo.mock("GET", "/requests", params={"path": "/items/*"}).json()["requests"]] == [
        "/demo/items/999"
    ]
    assert [e["path"] for e in demo.mock("GET", "/requests", params={"status": 404}).json()["requests"]] == [
        "/demo/items/999"
    ]
    assert len(demo.mock("GET", "/requests", params={"limit": 2}).json()["requests"]) == 2
    assert demo.mock("GET", "/requests", params={"vendor": "other"}).json()["count"] == 0
    assert demo.mock("GET", "/requests", params={"limit": "x"}).status_code == 400
    assert demo.mock("DELETE", "/requests").status_code == 204
    assert demo.mock("GET", "/requests").json()["count"] == 0


def test_journal_is_bounded_and_truncates_bodies(demo):
    demo.mock("DELETE", "/requests")
    for _ in range(60):  # the demo server keeps 50
        demo("GET", "/items")
    assert demo.mock("GET", "/requests").json()["count"] == 50
    demo("POST", "/items", json={"name": "y" * 5000})
    last = demo.mock("GET", "/requests", params={"limit": 1}).json()["requests"][0]
    assert last["body_truncated"] is True and len(last["body"]) == 4096 and last["body_size"] > 5000


def test_fault_applies_exactly_times_then_stops(demo):
    r = demo.mock(
        "POST", "/faults", json={"vendor": "demo", "method": "GET", "path": "/items", "status": 503, "times": 2}
    )
    assert r.status_code == 201
    rule = r.json()
    assert rule["times"] == 2 and rule["id"] >= 1
    first, second, third = (demo("GET", "/items") for _ in range(3))
    assert (first.status_code, second.status_code, third.status_code) == (503, 503, 200)
    assert first.json() == {"demoError": "Injected fault", "code": 503}  # the vendor's own shape
    assert demo.mock("GET", "/faults").json()["faults"] == []


def test_fault_with_body_headers_and_glob(demo):
    demo.mock(
        "POST",
        "/faults",
        json={"path": "/demo/items/*", "status": 429, "body": {"slow": "down"}, "headers": {"Retry-After": "3"}},
    )
    r = demo("GET", "/items/7")
    assert (r.status_code, r.json(), r.headers["Retry-After"]) == (429, {"slow": "down"}, "3")
    assert demo("GET", "/items").status_code == 200
    assert demo("GET", "/items/3").status_code == 429  # no `times`: until deleted
    rule_id = demo.mock("GET", "/faults").json()["faults"][0]["id"]
    assert demo.mock("DELETE", f"/faults/{rule_id}").status_code == 204
    assert demo("GET", "/items/3").status_code == 200
    assert demo.mock("DELETE", f"/faults/{rule_id}").status_code == 404


def test_fault_delay_only_then_normal_answer(demo):
    demo.mock("POST", "/faults", json={"path": "/items", "delay_ms": 300, "times": 1})
    started = time.monotonic()
    r = demo("GET", "/items")
    waited = time.monotonic() - started
    assert r.status_code == 200
    assert waited >= 0.3  # the delay happened (a lower bound, not a speed assertion)
    assert demo.mock("GET", "/requests", params={"limit": 1}).json()["requests"][0]["duration_ms"] >= 300


def test_fault_rules_are_validated(demo):
    for bad in ({"path": "/x"}, {"status": 99}, {"status": 500, "times": 0}, {"status": 500, "vendor": "nope"}):
        r = demo.mock("POST", "/faults", json=bad)
        assert r.status_code == 400, bad
        assert r.json()["error"]
    assert demo.mock("POST", "/faults", data="not json").status_code == 400


def test_clock_advance_set_and_real(demo):
    before = datetime.fromisoformat(demo("GET", "/now").json()["now"].replace("Z", "+00:00"))
    r = demo.mock("POST", "/clock", json={"advance_seconds": 3600})
    assert r.status_code == 200 and r.json()["mode"] == "offset"
    after = datetime.fromisoformat(demo("GET", "/now").json()["now"].replace("Z", "+00:00"))
    assert timedelta(minutes=59) < after - before < timedelta(minutes=61)
    r = demo.mock("POST", "/clock", json={"set": "2030-01-02T03:04:05Z"})
    assert r.json()["now"] == "2030-01-02T03:04:05Z" and r.json()["mode"] == "frozen"
    assert demo("GET", "/now").json()["now"] == "2030-01-02T03:04:05Z"
    demo.mock("POST", "/clock", json={"advance_seconds": 10})
    assert demo.mock("GET", "/clock").json()["now"] == "2030-01-02T03:04:15Z"
    assert demo.mock("POST", "/clock", json={"mode": "real"}).json()["mode"] == "real"
    assert abs(demo.mock("GET", "/clock").json()["epoch"] - time.time()) < 60


def test_clock_rejects_bad_input(demo):
    for bad in ({}, {"advance_seconds": "ten"}, {"set": "yesterday"}, {"mode": "fast"}, {"tick": 1}):
        r = demo.mock("POST", "/clock", json=bad)
        assert r.status_code == 400, bad


def test_outbox_records_and_clears(demo):
    demo.mock("DELETE", "/outbox")
    r = demo("POST", "/notify", json={"to": "dev@example.com"})
    assert r.status_code == 202
    box = demo.mock("GET", "/outbox", params={"vendor": "demo"}).json()
    assert box["count"] == 1
    entry = box["outbox"][0]
    assert (entry["vendor"], entry["tenant"], entry["kind"], entry["payload"]) == (
        "demo",
        demo.tenant,
        "email",
        {"to": "dev@example.com"},
    )
    assert demo.mock("DELETE", "/outbox").status_code == 204
    assert demo.mock("GET", "/outbox").json()["count"] == 0


def test_a_refused_request_sends_nothing(demo):
    demo.mock("DELETE", "/outbox")
    r = demo("POST", "/notify", json={"to": "dev@example.com", "refuse": True})
    assert r.status_code == 409
    assert demo.mock("GET", "/outbox", params={"vendor": "demo"}).json()["count"] == 0
    assert demo("POST", "/notify", json={"to": "dev@example.com"}).status_code == 202
    assert demo.mock("GET", "/outbox", params={"vendor": "demo"}).json()["count"] == 1


def test_routes_listed_as_in_docs(demo):
    rows = demo.mock("GET", "/routes", params={"vendor": "demo"}).json()["routes"]
    assert {"vendor": "demo", "method": "GET", "path": "/items/{itemId}"} in rows
    assert {"vendor": "demo", "method": "DELETE", "path": "/items/{itemId}"} in rows
    assert not any(r["method"] in ("HEAD", "OPTIONS") for r in rows)


def test_base_url_is_the_vendor_root(demo, demo_server):
    assert demo("GET", "/now").json()["base"] == f"{demo_server.url}/demo"
