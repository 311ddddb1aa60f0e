"""Bounds that hold: tenants capped (least recently used evicted with all they hold), the journal by
entries and bytes, the fixtures body, fault rules validated and capped."""

from __future__ import annotations

import copy

import pytest
import requests
from werkzeug.test import Client

from mockserver.core.faults import MAX_DELAY_MS, MAX_RULES_PER_TENANT
from mockserver.settings import Settings
from tests.core.demo_vendor import DEMO, DEMO_FIXTURES
from tests.harness import new_tenant, start_server

AUTH = {"Authorization": "Bearer demo-token"}
CAP = 50


@pytest.fixture
def small():
    """A demo server of its own: 50 tenants, a 1 MB journal, 1 MB bodies."""
    running = start_server(
        Settings(vendor_ports=False, vendors=("demo",), max_upload_mb=1, max_tenants=CAP, journal_mb=1),
        vendors={"demo": DEMO},
        fixtures={"demo": copy.deepcopy(DEMO_FIXTURES)},
    )
    yield running
    running.stop()


def _rss_kib() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def _tenants(server) -> dict:
    return requests.get(f"{server.url}/_mock/tenants", timeout=10).json()


@pytest.mark.slow  # 10,000 requests
def test_ten_thousand_tenants_stay_at_the_cap(small):
    """10,000 distinct tenants, one write each: the store keeps 50 and memory stops growing once the cap
    is reached. Measured by the store's own counts (GET /_mock/tenants and the core's tables) and by the
    RSS of this process (server and client), between tenant 2,000 and 10,000. The requests go through
    the server's WSGI stack in process (werkzeug's test client): 10,000 real connections would leave
    10,000 sockets in TIME_WAIT on a shared machine."""
    client = Client(small.app)
    rss = {}
    for i in range(10_000):
        r = client.post("/demo/items", json={"name": f"n{i}"}, headers={**AUTH, "X-Mock-Tenant": f"flood-{i}"})
        assert r.status_code == 201, r.text
        if i in (1_999, 9_999):
            rss[i] = _rss_kib()
    listed = _tenants(small)
    assert listed["count"] == CAP and listed["max_tenants"] == CAP
    assert listed["evicted"] == 10_000 - CAP
    assert [row["tenant"] for row in listed["tenants"]] == sorted(f"flood-{i}" for i in range(10_000 - CAP, 10_000))
    core = small.core
    assert len(core.store.last_used) == CAP
    assert len(core.store._states) <= CAP and len(core.store._locks) <= CAP
    assert set(core.journal.sizes()) <= set(core.store.last_used)  # the journal holds only kept tenants
    growth = rss[9_999] - rss[1_999]
    print(f"RSS after 2,000 tenants {rss[1_999]} KiB, after 10,000 {rss[9_999]} KiB (+{growth} KiB)")
    assert growth < 16 * 1024, rss  # 8,000 more tenants, none of them kept: no growth with the count


def test_an_evicted_tenant_loses_everything_it_held(small):
    first = new_tenant("evicted")
    mock = f"{small.url}/_mock"
    requests.post(f"{small.url}/demo/items", json={"name": "mine"}, headers={**AUTH, "X-Mock-Tenant": first},
                  timeout=10)
    requests.post(f"{mock}/clock", params={"tenant": first}, json={"set": "2030-01-01T00:00:00Z"}, timeout=10)
    requests.post(f"{mock}/faults", json={"tenant": first, "path": "/nowhere", "status": 500}, timeout=10)
    requests.post(f"{mock}/snapshots", params={"tenant": first}, json={"name": "seeded"}, timeout=10)
    requests.post(f"{small.url}/demo/notify", json={"to": "x@example.com"}, headers={**AUTH, "X-Mock-Tenant": first},
                  timeout=10)
    assert requests.get(f"{mock}/requests", params={"tenant": first}, timeout=10).json()["count"] >= 2
    kept = new_tenant("kept")
    for i in range(CAP):  # CAP newer tenants push the first one out
        requests.get(f"{small.url}/demo/items", headers={**AUTH, "X-Mock-Tenant": f"{kept}-{i}"}, timeout=10)
    names = [row["tenant"] for row in _tenants(small)["tenants"]]
    assert first not in names and len(names) == CAP
    assert requests.get(f"{mock}/requests", params={"tenant": first}, timeout=10).json()["count"] == 0
    assert requests.get(f"{mock}/outbox", params={"tenant": first}, timeout=10).json()["count"] == 0
    assert requests.get(f"{mock}/faults", params={"tenant": first}, timeout=10).json()["faults"] == []
    assert requests.get(f"{mock}/clock", params={"tenant": first}, timeout=10).json()["source"] == "server"
    assert requests.get(f"{mock}/snapshots", params={"tenant": first}, timeout=10).json()["count"] == 0
    # used again, it starts from the fixtures
    again = requests.get(f"{small.url}/demo/items", headers={**AUTH, "X-Mock-Tenant": first}, timeout=10).json()
    assert "mine" not in [item["name"] for item in again["items"]]


def test_the_least_recently_used_goes_not_the_oldest(small):
    base = new_tenant("lru")
    names = [f"{base}-{i}" for i in range(CAP)]
    for name in names:
        requests.get(f"{small.url}/demo/items", headers={**AUTH, "X-Mock-Tenant": name}, timeout=10)
    requests.get(f"{small.url}/demo/items", headers={**AUTH, "X-Mock-Tenant": names[0]}, timeout=10)  # used again
    requests.get(f"{small.url}/demo/items", headers={**AUTH, "X-Mock-Tenant": f"{base}-new"}, timeout=10)
    listed = {row["tenant"] for row in _tenants(small)["tenants"]}
    assert names[0] in listed and names[1] not in listed and f"{base}-new" in listed


def test_journal_is_bounded_by_bytes_with_headers_and_bodies_cut(small):
    tenant = new_tenant("journal")
    s = requests.Session()
    big = "h" * 40_000
    for _ in range(200):  # each request sends 40 KB of headers and 20 KB of body
        s.post(f"{small.url}/demo/items", json={"name": "b" * 20_000},
               headers={**AUTH, "X-Mock-Tenant": tenant, "X-Big": big}, timeout=10)
    journal = _tenants(small)["journal"]
    assert journal["bytes"] <= journal["max_bytes"] == 1024 * 1024
    listed = requests.get(f"{small.url}/_mock/requests", params={"tenant": tenant}, timeout=10).json()
    assert 50 < listed["count"] < 200  # the oldest went when the bytes ran out, not the count
    entry = listed["requests"][-1]
    assert entry["headers_truncated"] is True and len(entry["headers"]["X-Big"]) < 8 * 1024 + 20
    assert entry["body_truncated"] is True and len(entry["body"]) == 4096 and entry["body_size"] > 20_000


def test_fixtures_body_is_capped_in_the_control_api_shape(small):
    r = requests.post(f"{small.url}/_mock/fixtures", params={"vendor": "demo"}, data=b"items: []\n" + b"#" * (2 << 20),
                      headers={"Content-Type": "application/yaml"}, timeout=30)
    assert r.status_code == 413 and r.json()["error"].startswith("body too large: at most 1 MB")


def test_fault_rules_that_would_break_the_server_are_refused(demo):
    for body, key in (
        ({"status": 500, "headers": {"X-A": "one\r\nSet-Cookie: x=1"}}, "headers"),
        ({"status": 500, "headers": {"X-A": "nul\x00"}}, "headers"),
        ({"status": 500, "headers": {"Bad Name": "v"}}, "headers"),
        ({"status": 500, "headers": {"X-A:": "v"}}, "headers"),
        ({"status": 500, "headers": {"X-A": "ü€"}}, "headers"),
        ({"status": 500, "headers": {f"X-{i}": "v" for i in range(51)}}, "headers"),
        ({"status": 100}, "status"), ({"status": 199}, "status"), ({"status": 600}, "status"),
        ({"delay_ms": MAX_DELAY_MS + 1}, "delay_ms"),
    ):
        r = demo.mock("POST", "/faults", json={"tenant": demo.tenant, **body})
        assert r.status_code == 400 and r.json()["error"].startswith(f"{key}"), (body, r.text)
    assert demo.mock("GET", "/faults", params={"tenant": demo.tenant}).json()["faults"] == []
    ok = demo.mock("POST", "/faults", json={"tenant": demo.tenant, "status": 503, "headers": {"Retry-After": "1"}})
    assert ok.status_code == 201
    assert demo("GET", "/items").headers["Retry-After"] == "1"


def test_fault_rules_are_capped_in_number(demo):
    for i in range(MAX_RULES_PER_TENANT):
        r = demo.mock("POST", "/faults", json={"tenant": demo.tenant, "path": f"/nowhere/{i}", "status": 500})
        assert r.status_code == 201
    over = demo.mock("POST", "/faults", json={"tenant": demo.tenant, "path": "/one-more", "status": 500})
    assert over.status_code == 409 and str(MAX_RULES_PER_TENANT) in over.json()["error"]
    demo.mock("DELETE", "/faults", params={"tenant": demo.tenant})
    assert demo.mock("POST", "/faults", json={"tenant": demo.tenant, "status": 500, "path": "/x"}).status_code == 201
