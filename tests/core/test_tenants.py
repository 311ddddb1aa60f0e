"""A tenant is a world: clock, faults, journal, outbox, links and resets of one tenant leave the others alone."""

from __future__ import annotations

import threading
import time

import requests

from tests.core.conftest import Demo
from tests.harness import new_tenant


def two(demo, demo_server):
    return demo, Demo(demo_server, new_tenant("demo-b"))


def names(client):
    return [i["name"] for i in client("GET", "/items").json()["items"]]


# -- clock ------------------------------------------------------------------------------------------
def test_each_tenant_reads_its_own_clock(demo, demo_server):
    a, b = two(demo, demo_server)
    for client, when in ((a, "2030-01-01T00:00:00Z"), (b, "2040-06-01T12:00:00Z")):
        assert client.mock("POST", "/clock", params={"tenant": client.tenant}, json={"set": when}).status_code == 200
    a.mock("POST", "/clock", params={"tenant": a.tenant}, json={"advance_seconds": 600})
    assert a("GET", "/now").json()["now"] == "2030-01-01T00:10:00Z"
    assert b("GET", "/now").json()["now"] == "2040-06-01T12:00:00Z"
    described = a.mock("GET", "/clock", params={"tenant": a.tenant}).json()
    assert (described["now"], described["mode"], described["source"], described["tenant"]) == (
        "2030-01-01T00:10:00Z", "frozen", "tenant", a.tenant)
    # the server clock (no tenant) moves every tenant without a clock of its own, and no other
    c = Demo(demo_server, new_tenant("demo-c"))
    a.mock("POST", "/clock", json={"set": "2050-01-01T00:00:00Z"})
    assert c("GET", "/now").json()["now"] == "2050-01-01T00:00:00Z"
    assert c.mock("GET", "/clock", params={"tenant": c.tenant}).json()["source"] == "server"
    assert a("GET", "/now").json()["now"] == "2030-01-01T00:10:00Z"
    # a tenant's reset gives its clock back to the server's
    a.mock("POST", "/reset", params={"tenant": a.tenant})
    assert a("GET", "/now").json()["now"] == "2050-01-01T00:00:00Z"
    assert b("GET", "/now").json()["now"] == "2040-06-01T12:00:00Z"


def test_a_time_window_of_a_kept_read_follows_its_tenants_clock(demo, demo_server):
    from tests.core.test_readcache import calls

    a, b = two(demo, demo_server)
    for client in (a, b):
        client.mock("POST", "/clock", params={"tenant": client.tenant}, json={"set": "2030-01-01T00:00:00Z"})
        assert client("PUT", "/deadline", json={"at": "2030-01-01T00:01:00Z"}).status_code == 204
        assert client("GET", "/countdown").json() == {"phase": "before"}
    b.mock("POST", "/clock", params={"tenant": b.tenant}, json={"advance_seconds": 120})
    assert a("GET", "/countdown").json() == {"phase": "before"}  # b's clock moved, not a's
    assert b("GET", "/countdown").json() == {"phase": "after"}
    ran = calls(a, "countdown")
    a.mock("POST", "/clock", params={"tenant": a.tenant}, json={"advance_seconds": 60})
    assert a("GET", "/countdown").json() == {"phase": "after"}
    assert calls(a, "countdown") == ran + 1


# -- faults -----------------------------------------------------------------------------------------
def test_a_fault_answers_only_its_tenants_requests(demo, demo_server):
    a, b = two(demo, demo_server)
    r = a.mock("POST", "/faults", json={"tenant": a.tenant, "path": "/items", "status": 503})
    assert r.status_code == 201 and r.json()["tenant"] == a.tenant
    by_query = a.mock("POST", "/faults", params={"tenant": b.tenant}, json={"path": "/items/7", "status": 418})
    assert by_query.status_code == 201 and by_query.json()["tenant"] == b.tenant
    assert (a("GET", "/items").status_code, b("GET", "/items").status_code) == (503, 200)
    assert (a("GET", "/items/7").status_code, b("GET", "/items/7").status_code) == (200, 418)
    assert [f["tenant"] for f in a.mock("GET", "/faults", params={"tenant": a.tenant}).json()["faults"]] == [a.tenant]
    # clearing one tenant's rules leaves the other's
    assert a.mock("DELETE", "/faults", params={"tenant": a.tenant}).status_code == 204
    assert (a("GET", "/items").status_code, b("GET", "/items/7").status_code) == (200, 418)
    # a rule id of another tenant is not found under this one
    assert a.mock("DELETE", f"/faults/{by_query.json()['id']}", params={"tenant": a.tenant}).status_code == 404
    # "*" (or no tenant) is every tenant's
    a.mock("POST", "/faults", json={"tenant": "*", "path": "/items", "status": 502, "times": 2})
    assert (a("GET", "/items").status_code, b("GET", "/items").status_code) == (502, 502)


def test_a_fault_for_one_tenant_leaves_the_others_kept_reads_served(demo, demo_server):
    from tests.core.test_readcache import calls

    a, b = two(demo, demo_server)
    b("GET", "/items")
    b("GET", "/items")  # (kept from its second asking)
    ran = calls(b, "items")
    a.mock("POST", "/faults", json={"tenant": a.tenant, "path": "/items", "status": 503})
    assert a("GET", "/items").status_code == 503
    assert b("GET", "/items").status_code == 200
    assert calls(b, "items") == ran


def test_a_fault_rule_names_the_tenant_of_its_query_and_body_alike(demo):
    r = demo.mock("POST", "/faults", params={"tenant": demo.tenant}, json={"tenant": "someone-else", "status": 500})
    assert r.status_code == 400 and "tenant" in r.json()["error"]
    assert demo.mock("POST", "/faults", json={"tenant": "bad tenant!", "status": 500}).status_code == 400


# -- journal and outbox -----------------------------------------------------------------------------
def test_journal_is_filtered_and_cleared_per_tenant(demo, demo_server):
    a, b = two(demo, demo_server)
    a("GET", "/items")
    b("GET", "/items")
    b("GET", "/items/3")
    assert a.mock("GET", "/requests", params={"tenant": a.tenant}).json()["count"] == 1
    assert a.mock("DELETE", "/requests", params={"tenant": b.tenant}).status_code == 204
    assert a.mock("GET", "/requests", params={"tenant": b.tenant}).json()["count"] == 0
    assert [e["path"] for e in a.mock("GET", "/requests", params={"tenant": a.tenant}).json()["requests"]] == [
        "/demo/items"]


def test_outbox_is_listed_and_cleared_per_tenant(demo, demo_server):
    a, b = two(demo, demo_server)
    assert a("POST", "/notify", json={"to": "a@example.com"}).status_code == 202
    assert b("POST", "/notify", json={"to": "b@example.com"}).status_code == 202
    assert a.mock("DELETE", "/outbox", params={"tenant": a.tenant}).status_code == 204
    assert a.mock("GET", "/outbox", params={"tenant": a.tenant}).json()["count"] == 0
    theirs = a.mock("GET", "/outbox", params={"tenant": b.tenant}).json()["outbox"]
    assert [e["payload"]["to"] for e in theirs] == ["b@example.com"]


def test_outbox_times_are_the_senders_tenant_time(demo):
    demo.mock("POST", "/clock", params={"tenant": demo.tenant}, json={"set": "2031-02-03T04:05:06Z"})
    demo("POST", "/notify", json={"to": "a@example.com"})
    entry = demo.mock("GET", "/outbox", params={"tenant": demo.tenant}).json()["outbox"][0]
    assert entry["time"] == "2031-02-03T04:05:06Z"


# -- the list of tenants ----------------------------------------------------------------------------
def test_tenants_are_listed_with_sizes_and_last_use(demo, demo_server):
    a, b = two(demo, demo_server)
    a("POST", "/items", json={"name": "one more"})
    a("POST", "/notify", json={"to": "x@example.com"})
    b.mock("POST", "/clock", params={"tenant": b.tenant}, json={"advance_seconds": 5})
    before = time.time()
    b("GET", "/items")
    rows = {row["tenant"]: row for row in a.mock("GET", "/tenants").json()["tenants"]}
    mine, theirs = rows[a.tenant], rows[b.tenant]
    assert mine["records"] == {"demo": 3} and mine["outbox_entries"] == 1 and mine["journal_entries"] == 2
    assert theirs["records"] == {"demo": 2} and theirs["clock"] == "tenant" and mine["clock"] == "server"
    from mockserver.core.clock import parse_iso

    assert parse_iso(theirs["last_used"]).timestamp() >= before - 1
    a.mock("POST", "/reset", params={"tenant": a.tenant})
    assert a.tenant not in {row["tenant"] for row in a.mock("GET", "/tenants").json()["tenants"]}


# -- links and the tenant in the path ---------------------------------------------------------------
def test_a_browser_without_the_header_reaches_a_tenant_through_its_path(demo, demo_server):
    demo("POST", "/items", json={"name": "only mine"})
    url = f"{demo_server.url}/demo/_tenant/{demo.tenant}/items"
    browser = requests.get(url, headers={"Authorization": "Bearer demo-token"}, timeout=10)  # no tenant header
    assert browser.status_code == 200
    assert [i["name"] for i in browser.json()["items"]] == ["seven", "three", "only mine"]
    assert requests.get(f"{demo_server.url}/demo/items", headers={"Authorization": "Bearer demo-token"},
                        timeout=10).json()["items"][-1]["name"] != "only mine"
    # links made for a request that named its tenant in the path keep naming it
    now = requests.get(f"{demo_server.url}/demo/_tenant/{demo.tenant}/now",
                       headers={"Authorization": "Bearer demo-token"}, timeout=10).json()
    assert now["base"] == f"{demo_server.url}/demo/_tenant/{demo.tenant}"
    entry = demo.mock("GET", "/requests", params={"tenant": demo.tenant, "limit": 1}).json()["requests"][0]
    assert entry["path"] == "/demo/now"  # the vendor's own path, journaled under the tenant


def test_a_slash_in_a_tenant_name_is_a_tilde_in_the_path(demo_server):
    tenant = new_tenant("team/job")
    client = Demo(demo_server, tenant)
    client("POST", "/items", json={"name": "slashed"})
    r = requests.get(f"{demo_server.url}/demo/_tenant/{tenant.replace('/', '~')}/items",
                     headers={"Authorization": "Bearer demo-token"}, timeout=10)
    assert r.json()["items"][-1]["name"] == "slashed"


def test_a_bad_or_contradicted_tenant_in_the_path_is_a_400_in_the_vendor_shape(demo, demo_server):
    bad = requests.get(f"{demo_server.url}/demo/_tenant/{'x' * 200}/items",
                       headers={"Authorization": "Bearer demo-token"}, timeout=10)
    assert bad.status_code == 400 and bad.json()["code"] == 400
    other = demo("GET", "/_tenant/someone-else/items")
    assert other.status_code == 400 and "different tenants" in other.json()["demoError"]
    same = demo("GET", f"/_tenant/{demo.tenant}/items")
    assert same.status_code == 200


# -- reset --------------------------------------------------------------------------------------------
def test_reset_of_a_tenant_clears_everything_of_it_and_nothing_of_the_others(demo, demo_server):
    a, b = two(demo, demo_server)
    for client in (a, b):
        client("DELETE", "/items/7")
        client("POST", "/notify", json={"to": "x@example.com"})
        client.mock("POST", "/clock", params={"tenant": client.tenant}, json={"set": "2030-01-01T00:00:00Z"})
        client.mock("POST", "/faults", json={"tenant": client.tenant, "path": "/nothing", "status": 500})
    r = a.mock("POST", "/reset", params={"tenant": a.tenant})
    assert r.status_code == 200 and r.json()["reset"] == ["data", "clock", "faults", "journal", "outbox"]
    assert a.mock("GET", "/requests", params={"tenant": a.tenant}).json()["count"] == 0
    assert a.mock("GET", "/outbox", params={"tenant": a.tenant}).json()["count"] == 0
    assert [f["tenant"] for f in a.mock("GET", "/faults", params={"tenant": a.tenant}).json()["faults"]] == []
    assert a.mock("GET", "/clock", params={"tenant": a.tenant}).json()["source"] == "server"
    assert names(a) == ["seven", "three"]
    # b keeps all of it
    assert names(b) == ["three"]
    assert b.mock("GET", "/outbox", params={"tenant": b.tenant}).json()["count"] == 1
    assert len(b.mock("GET", "/faults", params={"tenant": b.tenant}).json()["faults"]) == 1
    assert b("GET", "/now").json()["now"] == "2030-01-01T00:00:00Z"
    assert b.mock("GET", "/requests", params={"tenant": b.tenant}).json()["count"] >= 2


def test_reset_keeps_what_keep_names_and_a_vendor_reset_keeps_the_clock(demo):
    demo("DELETE", "/items/7")
    demo("POST", "/notify", json={"to": "x@example.com"})
    demo.mock("POST", "/clock", params={"tenant": demo.tenant}, json={"set": "2030-01-01T00:00:00Z"})
    r = demo.mock("POST", "/reset", params={"tenant": demo.tenant, "keep": "journal,outbox"})
    assert r.json()["kept"] == ["journal", "outbox"]
    assert names(demo) == ["seven", "three"]
    assert demo.mock("GET", "/outbox", params={"tenant": demo.tenant}).json()["count"] == 1
    assert demo.mock("GET", "/requests", params={"tenant": demo.tenant, "method": "DELETE"}).json()["count"] == 1
    demo.mock("POST", "/clock", params={"tenant": demo.tenant}, json={"set": "2030-01-01T00:00:00Z"})
    r = demo.mock("POST", "/reset", params={"tenant": demo.tenant, "vendor": "demo"})
    assert "clock" in r.json()["kept"]
    assert demo("GET", "/now").json()["now"] == "2030-01-01T00:00:00Z"
    assert demo.mock("GET", "/outbox", params={"tenant": demo.tenant}).json()["count"] == 0
    bad = demo.mock("POST", "/reset", params={"tenant": demo.tenant, "keep": "data,clocks"})
    assert bad.status_code == 400 and "keep" in bad.json()["error"] and "clocks" in bad.json()["error"]


def _slow_write(demo, fail: bool, out: dict):
    started = time.monotonic()
    r = demo("POST", "/items/slow", json={"name": "slow", "seconds": 0.6, "fail": fail})
    out["status"], out["ended"] = r.status_code, time.monotonic() - started


def test_a_reset_waits_for_the_tenants_write_in_flight_and_nothing_of_it_survives(demo):
    for fail, status in ((True, 409), (False, 201)):
        out: dict = {}
        writer = threading.Thread(target=_slow_write, args=(demo, fail, out))
        started = time.monotonic()
        writer.start()
        time.sleep(0.2)  # the write is in flight, between its two inserts
        r = demo.mock("POST", "/reset", params={"tenant": demo.tenant})
        answered = time.monotonic() - started
        writer.join()
        assert r.status_code == 200 and out["status"] == status
        assert answered >= out["ended"] - 0.05  # the reset answered once the write had ended, not before
        assert names(demo) == ["seven", "three"]  # neither half of the write outlives the reset


def test_fixtures_loaded_for_a_tenant_wait_for_its_write_in_flight(demo):
    out: dict = {}
    writer = threading.Thread(target=_slow_write, args=(demo, False, out))
    writer.start()
    time.sleep(0.2)
    r = demo.mock("POST", "/fixtures", params={"vendor": "demo", "tenant": demo.tenant},
                  json={"items": [{"id": 1, "name": "loaded"}], "tokens": ["demo-token"]})
    writer.join()
    assert r.status_code == 200 and out["status"] == 201
    assert names(demo) == ["loaded"]


# -- named snapshots ----------------------------------------------------------------------------------
def test_a_snapshot_is_restored_as_often_as_asked_and_only_in_its_tenant(demo, demo_server):
    a, b = two(demo, demo_server)
    a("POST", "/items", json={"name": "set up"})
    taken = a.mock("POST", "/snapshots", params={"tenant": a.tenant}, data='{"name": "seeded"}',
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert taken.status_code == 201 and taken.json()["name"] == "seeded" and taken.json()["vendors"] == ["demo"]
    for _ in range(2):
        a("DELETE", "/items/7")
        a("POST", "/items", json={"name": "a test's change"})
        r = a.mock("POST", "/snapshots/seeded/restore", params={"tenant": a.tenant})
        assert r.status_code == 200 and r.json()["restored"] is True
        assert names(a) == ["seven", "three", "set up"]
    a("POST", "/items", json={"name": "after"})
    assert [i["id"] for i in a("GET", "/items").json()["items"]][-1] == 9  # ids go on from the snapshot's
    a.mock("POST", "/reset", params={"tenant": a.tenant})
    a.mock("POST", "/snapshots/seeded/restore", params={"tenant": a.tenant})
    assert names(a) == ["seven", "three", "set up"]  # snapshots outlive a reset
    assert b.mock("POST", "/snapshots/seeded/restore", params={"tenant": b.tenant}).status_code == 404
    assert b.mock("GET", "/snapshots", params={"tenant": b.tenant}).json()["count"] == 0
    assert [s["name"] for s in a.mock("GET", "/snapshots", params={"tenant": a.tenant}).json()["snapshots"]] == [
        "seeded"]
    assert a.mock("DELETE", "/snapshots/seeded", params={"tenant": a.tenant}).status_code == 204
    assert a.mock("DELETE", "/snapshots/seeded", params={"tenant": a.tenant}).status_code == 404


def test_a_snapshot_of_a_world_never_used_restores_the_fixtures(demo):
    demo.mock("POST", "/snapshots", params={"tenant": demo.tenant, "vendor": "demo"}, json={"name": "pristine"})
    demo("DELETE", "/items/7")
    demo.mock("POST", "/snapshots/pristine/restore", params={"tenant": demo.tenant, "vendor": "demo"})
    assert names(demo) == ["seven", "three"]


def test_snapshots_are_bounded_per_tenant_and_their_bodies_checked(demo):
    from mockserver.core.store import MAX_SNAPSHOTS

    for n in range(MAX_SNAPSHOTS):
        taken = demo.mock("POST", "/snapshots", params={"tenant": demo.tenant}, json={"name": f"s{n}"})
        assert taken.status_code == 201
    full = demo.mock("POST", "/snapshots", params={"tenant": demo.tenant}, json={"name": "one-too-many"})
    assert full.status_code == 409 and "delete one" in full.json()["error"]
    assert demo.mock("POST", "/snapshots", params={"tenant": demo.tenant}, json={"name": "s0"}).status_code == 201
    for body, key in (({"nam": "x"}, "nam"), ({"name": "has space"}, "name"), ({"name": 5}, "name"), ({}, "name")):
        r = demo.mock("POST", "/snapshots", params={"tenant": demo.tenant}, json=body)
        assert r.status_code == 400 and r.json()["error"].startswith(f"{key}:"), body
