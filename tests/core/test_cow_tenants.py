"""Tenants copy-on-write from the base world (core/overlay.py): what one tenant changes no other tenant, no
later one and not `default` ever sees; a failed write leaves it exactly as before; a tenant holds records of
its own only for what it touched, so many tenants of a large fixture set cost what they changed."""

from __future__ import annotations

import base64
import json
import random

import pytest
import requests
from werkzeug.test import Client

from mockserver.app import create_app
from mockserver.core import tracked
from mockserver.core.state import State
from mockserver.settings import Settings
from tests.core.conftest import Demo
from tests.core.demo_vendor import DEMO
from tests.harness import new_tenant, start_server

ITEMS = 10_000  # a world big enough that a full copy per tenant would show


def fixtures(n: int) -> dict:
    return {"items": [{"id": i, "name": f"item-{i}", "size": i % 7, "tags": ["base"]} for i in range(1, n + 1)],
            "tokens": ["demo-token"]}


@pytest.fixture(scope="module")
def big_server():
    running = start_server(Settings(vendor_ports=False, vendors=("demo",)), vendors={"demo": DEMO},
                           fixtures={"demo": fixtures(ITEMS)})
    yield running
    running.stop()


@pytest.fixture
def tenants(big_server):
    return lambda: Demo(big_server, new_tenant("cow"))


def item(who: Demo, key: int):
    r = who("GET", f"/items/{key}")
    return r.json() if r.status_code == 200 else r.status_code


def count(who: Demo) -> int:
    return who("GET", "/about").json()["items"]


def dump(who: Demo) -> str:
    r = who.mock("GET", "/state", params={"vendor": "demo", "tenant": who.tenant})
    assert r.status_code == 200
    return json.dumps(r.json()["state"])  # key order included


def change_everything(a: Demo) -> int:
    """In place, a nested append, an insert and a delete: the id of the inserted item."""
    assert a("PATCH", "/items/1", json={"name": "mine", "tag": "a"}).status_code == 200
    assert a("PATCH", "/items/5", json={"tag": "b"}).status_code == 200
    made = a("POST", "/items", json={"name": "new"})
    assert made.status_code == 201
    assert a("PATCH", f"/items/{made.json()['id']}", json={"tag": "x"}).status_code == 200
    assert a("DELETE", "/items/2").status_code == 204
    return made.json()["id"]


AS_FIXTURES = {1: {"id": 1, "name": "item-1", "size": 1, "tags": ["base"]},
               2: {"id": 2, "name": "item-2", "size": 2, "tags": ["base"]},
               5: {"id": 5, "name": "item-5", "size": 5, "tags": ["base"]}}


def as_fixtures(who: Demo, added: int) -> None:
    assert {key: item(who, key) for key in AS_FIXTURES} == AS_FIXTURES
    assert item(who, added) == 404
    assert count(who) == ITEMS


def test_a_tenants_changes_are_seen_by_no_other_tenant_nor_a_later_one_nor_default(big_server, tenants):
    a, b = tenants(), tenants()
    default = Demo(big_server, "default")
    assert count(b) == ITEMS and count(default) == ITEMS  # both worlds exist before A changes anything
    added = change_everything(a)
    assert item(a, 1) == {"id": 1, "name": "mine", "size": 1, "tags": ["base", "a"]}
    assert item(a, 5)["tags"] == ["base", "b"] and item(a, 2) == 404
    assert item(a, added) == {"id": added, "name": "new", "size": 1, "tags": ["x"]}
    assert count(a) == ITEMS  # one added, one deleted
    listed = a("GET", "/items").json()["items"]
    assert [i["id"] for i in listed[:3]] == [1, 3, 4] and listed[-1]["id"] == added  # base order, then added
    for other in (b, tenants(), default):
        as_fixtures(other, added)
    # and the other way round: B's own change of the same records leaves A's as A left them
    assert b("PATCH", "/items/1", json={"name": "b's", "tag": "z"}).status_code == 200
    assert item(a, 1) == {"id": 1, "name": "mine", "size": 1, "tags": ["base", "a"]}


def test_a_failed_write_leaves_the_tenant_exactly_as_before_also_after_others_changed_theirs(tenants):
    a, b = tenants(), tenants()
    change_everything(a)
    change_everything(b)
    before = dump(a)
    # fails after changing a record a has copied, one it has not, and (the batch) after two inserts
    for key in (1, 9):
        r = a("PATCH", f"/items/{key}", json={"name": "half", "tag": "half", "fail": True})
        assert (r.status_code, r.json()["demoError"]) == (409, "failed after changing")
    assert a("POST", "/items/batch", json=[{"name": "x"}, {"name": "y"}, {"size": 1}]).status_code == 400
    assert a("POST", "/items/slow", json={"name": "s", "seconds": 0, "fail": True}).status_code == 409
    assert b("PATCH", "/items/9", json={"name": "b's", "tag": "b"}).status_code == 200
    assert b("DELETE", "/items/3").status_code == 204
    assert dump(a) == before
    assert item(a, 9) == {"id": 9, "name": "item-9", "size": 2, "tags": ["base"]}
    assert a("POST", "/items", json={"name": "next"}).json()["id"] == ITEMS + 2  # the sequence rolled back too


def test_a_failed_delete_of_a_base_record_brings_it_back_in_its_place(big_server):
    state = big_server.core.store.base_state("demo").fork()
    before = list(state.table("items"))[:4]
    log = tracked.begin()
    state.delete("items", 2)
    state.table("items")[2] = {"id": 2, "name": "again"}  # stored again after a delete: an added key
    assert list(state.table("items"))[:3] == [1, 3, 4] and state.get("items", 2)["name"] == "again"
    tracked.end(log, keep=False)
    assert list(state.table("items"))[:4] == before and len(state.table("items")) == ITEMS
    assert state.get("items", 2)["name"] == "item-2"


def test_a_reset_gives_the_tenant_the_fixtures_back(tenants):
    a = tenants()
    added = change_everything(a)
    assert a.mock("POST", "/reset", params={"tenant": a.tenant, "vendor": "demo"}).status_code in (200, 204)
    as_fixtures(a, added)


def test_a_snapshot_of_a_fork_holds_what_it_changed_and_restores_it(tenants):
    a = tenants()
    added = change_everything(a)
    at_snapshot = dump(a)
    taken = a.mock("POST", "/snapshots", params={"tenant": a.tenant, "vendor": "demo"}, json={"name": "s"})
    assert taken.status_code == 201
    assert taken.json()["bytes"] < 20_000  # the changes, not a copy of 10,000 records (~600 KB)
    assert a("PATCH", "/items/1", json={"name": "later", "tag": "later"}).status_code == 200
    assert a("DELETE", f"/items/{added}").status_code == 204
    assert a.mock("POST", "/snapshots/s/restore", params={"tenant": a.tenant}).status_code == 200
    assert dump(a) == at_snapshot
    assert a("PATCH", "/items/1", json={"tag": "after"}).json()["tags"] == ["base", "a", "after"]


def test_a_snapshot_restores_its_world_after_the_base_fixtures_were_replaced():
    running = start_server(Settings(vendor_ports=False, vendors=("demo",)), vendors={"demo": DEMO},
                           fixtures={"demo": fixtures(3)})
    try:
        a = Demo(running, "a")
        assert a("PATCH", "/items/1", json={"name": "mine"}).status_code == 200
        assert a.mock("POST", "/snapshots", params={"tenant": "a"}, json={"name": "s"}).status_code == 201
        replaced = requests.post(f"{running.url}/_mock/fixtures", params={"vendor": "demo"}, timeout=10,
                                 json={"items": [{"id": 1, "name": "other"}], "tokens": ["demo-token"]})
        assert replaced.status_code in (200, 204)
        assert item(a, 1)["name"] == "other" and count(a) == 1
        assert a.mock("POST", "/snapshots/s/restore", params={"tenant": "a"}).status_code == 200
        assert item(a, 1)["name"] == "mine" and item(a, 3)["name"] == "item-3" and count(a) == 3
        assert count(Demo(running, "b")) == 1  # a new tenant starts from the new fixtures
    finally:
        running.stop()


def test_many_tenants_each_changing_a_record_hold_that_record_not_a_copy_of_the_world(big_server, tenants):
    store = big_server.core.store
    base = json.dumps(store.base_state("demo").to_json())
    made = [tenants() for _ in range(100)]
    for n, who in enumerate(made):
        assert who("PATCH", f"/items/{n + 1}", json={"name": f"tenant {n}"}).status_code == 200
    held = store.own_records()
    counts = [held[who.tenant]["demo"] for who in made]
    assert counts == [1] * 100  # each holds the one record it changed, of 10,000
    assert item(made[42], 43)["name"] == "tenant 42" and item(made[42], 44)["name"] == "item-44"
    # a full listing copies what it reads; the base world nobody owns is as it was built
    assert len(made[0]("GET", "/items").json()["items"]) == ITEMS
    assert json.dumps(store.base_state("demo").to_json()) == base


# -- a fork against a world of its own: the same changes, the same answers ----------------------------
def _world(n: int) -> State:
    state = State("t")
    for i in range(1, n + 1):
        state.insert("kids", {"id": i, "parent": i % 4, "tags": []})
    return state.seal()


def _answers(state: State) -> tuple:
    table = state.table("kids")
    return (list(table), [dict(r) for r in table.values()], len(table), [k in table for k in range(0, 40)],
            [[r["id"] for r in state.where("kids", "parent", p)] for p in range(5)],
            [r["id"] for r in state.ordered("kids")], [r["id"] for r in state.ordered("kids")[3:9]],
            state.ordered("kids")[-1]["id"] if len(table) else None, json.dumps(state.to_json()))


@pytest.mark.parametrize("seed", range(12))
def test_a_fork_answers_as_a_world_of_its_own_through_changes_and_rollbacks(seed):
    rng = random.Random(seed)
    base = _world(30)
    own, fork = _world(30), base.fork()
    before = json.dumps(base.to_json())
    for _step in range(60):
        ops = []
        for _ in range(rng.randint(1, 4)):
            kind = rng.choice(("insert", "insert new", "delete", "set", "tag", "where", "order"))
            key = rng.randint(1, 36)
            ops.append((kind, key, rng.randint(0, 4)))
        keep = rng.random() < 0.6
        for state in (own, fork):
            log = tracked.begin()
            for kind, key, parent in ops:
                if kind == "insert":
                    state.insert("kids", {"id": key, "parent": parent, "tags": []})
                elif kind == "insert new":
                    state.insert("kids", {"id": None, "parent": parent, "tags": []})
                elif kind == "delete":
                    state.delete("kids", key)
                elif kind == "set" and state.get("kids", key) is not None:
                    state.table("kids")[key]["parent"] = state.get("kids", key)["parent"]  # (indexed: unchanged)
                elif kind == "tag" and state.get("kids", key) is not None:
                    state.get("kids", key)["tags"].append(parent)
                elif kind == "where":
                    state.where("kids", "parent", parent)
                elif kind == "order":
                    state.ordered("kids")[:3]
            tracked.end(log, keep=keep)
        assert _answers(fork) == _answers(own), (seed, _step, ops, keep)
    assert json.dumps(base.to_json()) == before  # the base world never changed


@pytest.mark.parametrize("vendor, path, key, secret", [
    ("happo", "/api/flake", "job-cow-h", "happo-demo-secret"),
    ("sipfront", "/api/v2/projects", "job-cow-s", "sipfront-demo-secret"),
])
def test_a_credentials_tenant_is_a_fork_with_its_key_in_place_of_the_demo_one(vendor, path, key, secret):
    app = create_app(Settings(tenant_from_credentials=True, vendors=(vendor,)))
    client, store = Client(app.ports[vendor]), app.core.store
    auth = {"Authorization": "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()}
    assert client.get(path, headers=auth).status_code == 200
    world = store.existing(f"key:{key}", vendor)
    assert world is not None and world._base is store.base_state(vendor)  # forked, not built anew
    assert key in json.dumps(world.to_json())  # its own copy of the demo row carries its key
    assert client.get(path, headers=app.core.vendors[vendor].demo_headers).status_code == 200  # the demo key: default
    assert key not in json.dumps(store.base_state(vendor).to_json())


def test_a_qtest_credentials_tenant_is_a_fork_whose_token_and_user_rows_move_to_its_key():
    """qTest keys its tokens by `access_token` and its users by `username`: the seeded rows move to the tenant's
    key on the fork (before, every such tenant was a full build of the whole set)."""
    app = create_app(Settings(tenant_from_credentials=True, vendors=("qtest",)))
    client, store = Client(app.ports["qtest"]), app.core.store
    mine = {"Authorization": "bearer job-cow-q"}
    assert client.get("/oauth/status", headers=mine).status_code == 200
    world = store.existing("key:job-cow-q", "qtest")
    assert world is not None and world._base is store.base_state("qtest")  # forked, not built anew
    assert store.own_records()["key:job-cow-q"]["qtest"] == 2  # the moved token and user rows, of 22
    assert client.get("/api/v3/projects", headers=mine).status_code == 200
    demo_token = app.core.vendors["qtest"].demo_headers["Authorization"].split()[1]
    assert "job-cow-q" in world.table("tokens") and demo_token not in world.table("tokens")
    # in that tenant the demo token is unknown; in default it still works and the tenant's key does not
    assert client.get("/api/v3/projects", headers={"Authorization": f"bearer {demo_token}",
                                                   "X-Mock-Tenant": "key:job-cow-q"}).status_code == 401
    assert client.get("/api/v3/projects", headers=app.core.vendors["qtest"].demo_headers).status_code == 200
    assert "job-cow-q" not in store.base_state("qtest").table("tokens")
    # the full build of the seeded fixtures holds the same data (the fork has no other difference)
    full = store._built("qtest", store.base_fixtures("qtest"), "key:job-cow-q")  # (what a failed seed_fork built)
    assert json.dumps(world.to_json(), sort_keys=True) == json.dumps(full.to_json(), sort_keys=True)
    # a sign-in names the user's tenant: a fork too, whose user signs in with any password
    signed = client.post("/oauth/token", data={"grant_type": "password", "username": "ci-user-q", "password": "x"})
    assert signed.status_code == 200, signed.get_data(as_text=True)
    user_world = store.existing("key:ci-user-q", "qtest")
    assert user_world is not None and user_world._base is store.base_state("qtest")
    assert "ci-user-q" in user_world.table("users")
    token = signed.get_json()["access_token"]
    assert client.get("/api/v3/projects", headers={"Authorization": f"bearer {token}"}).status_code == 200
