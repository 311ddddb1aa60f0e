"""The base world a vendor's tenants fork from is built of the loaded fixture objects themselves (one copy of a
big set in memory, not two): so no vendor's build_state may change the rows it is given, and nothing a tenant
does may reach them, and a world built in full later (a tenant's seed a fork cannot take) starts from the
fixtures as they were loaded."""

from __future__ import annotations

import base64
import copy
import json

import pytest
from werkzeug.test import Client

from mockserver.app import create_app, load_vendors
from mockserver.core.fixtures import load_all
from mockserver.core.store import Store
from mockserver.settings import Settings
from mockserver.vendors import registry

VENDORS = list(registry())


def _dumped(state) -> str:
    return json.dumps(state.to_json(), default=repr)


@pytest.mark.parametrize("vendor", VENDORS)
@pytest.mark.parametrize("source", ["default", "generated"])
def test_building_the_base_world_leaves_the_fixture_rows_as_loaded(vendor, source, generated):
    vendors = load_vendors([vendor])
    root = "mockserver/fixtures" if source == "default" else generated
    data = load_all(root, vendors)
    loaded = copy.deepcopy(data[vendor])
    store = Store(vendors, data)
    base = store.base_state(vendor)
    assert data[vendor] == loaded
    # a full build (a tenant of its own) of the same set is the same world
    assert _dumped(base) == _dumped(store._built(vendor, data[vendor]))
    # a tenant's world reads the fixture rows and copies what it hands out: its changes never reach them
    world = store.state("t", vendor)
    for rows in world.tables.values():
        for record in list(rows.values())[:50]:
            for key in list(record):
                record[key] = "changed"
    assert data[vendor] == loaded and store.base_fixtures(vendor) is data[vendor]


@pytest.mark.parametrize("vendor, path, secret", [
    ("bitbar", "/api/v2/me/projects", ""),
    ("sipfront", "/api/v2/projects", "sipfront-demo-secret"),
])
def test_a_world_built_in_full_after_tenants_changed_theirs_starts_from_the_fixtures_as_loaded(vendor, path, secret):
    """A credential tenant's seed that a fork could not take builds its world from the base fixtures: those are
    still as loaded after the base world was built of them and after other tenants changed their copies."""
    app = create_app(Settings(tenant_from_credentials=True, vendors=(vendor,)))
    client, store = Client(app.ports[vendor]), app.core.store
    demo = app.core.vendors[vendor].demo_headers
    first = client.get(path, headers=demo)
    assert first.status_code == 200
    world = store.state("default", vendor)
    for rows in world.tables.values():  # the default tenant changes every record it holds, in place
        for key in list(rows):
            record = rows[key]
            for field in [f for f in record if isinstance(record[f], str) and "id" not in f.lower()]:
                record[field] = record[field] + " (changed)"
    store.seed_fork = lambda tenant, vendor, state: False  # as for a set whose demo row a fork cannot find
    mine = {"Authorization": "Basic " + base64.b64encode(f"job-full-{vendor}:{secret}".encode()).decode()}
    again = client.get(path, headers=mine)
    assert again.status_code == 200
    built = store.existing(f"key:job-full-{vendor}", vendor)
    assert built is not None and built._base is None  # built in full
    assert "(changed)" not in _dumped(built) and "(changed)" not in json.dumps(again.get_json())
    assert again.get_json() == first.get_json() or vendor == "bitbar"  # (bitbar's /me names the user by key)


# -- what a base build re-makes smaller (core/compact.py) -------------------------------------------------------
class _Builder:
    """A vendor's build_state in the ways vendors write them: records inserted as literals, one kept and changed
    after its insert, one held in a list to the end, nested dicts and lists, keys of several forms."""

    name = "t"

    def build_state(self, fixtures: dict):
        from mockserver.core.state import State

        state = State(self.name)
        held = []
        for row in fixtures["rows"]:
            state.insert("rows", row)  # a fixture row: stays the fixtures' own object
        for n in range(1, 200):
            made = state.insert("made", {"id": n, "name": f"made {n // 3}", "steps": [{"action": "go"}, {"result": n}],
                                         "tags": [n, n + 1], "config": {}})
            made["config"] = {"k": n, "mode": "FULL"}  # changed after its insert, through what insert returned
            if n % 50 == 0:
                held.append(made)
        kept = state.insert("kept", {"id": 1, "by": "build"})
        state.insert("kept", {"id": 2, "by": "build"})
        kept["changed"] = "late"  # a record build_state holds to its end is left as it is, and sees its change
        for record in held:
            record["held"] = True
        return state


def test_a_base_build_re_makes_only_what_nothing_else_holds_and_dumps_as_a_full_build():
    rows = [{"id": i, "name": f"row {i}"} for i in range(1, 5)]
    store = Store({"t": _Builder()}, {"t": {"rows": rows}})
    base = store.base_state("t")
    full = store._built("t", {"rows": rows})
    assert _dumped(base) == _dumped(full)
    assert all(base.tables["rows"][i] is rows[i - 1] for i in range(1, 5))  # the fixtures' own rows
    assert base.tables["kept"][1] == {"id": 1, "by": "build", "changed": "late"}
    assert [n for n, r in base.tables["made"].items() if r.get("held")] == [50, 100, 150]
    made = base.tables["made"]
    assert made[7] == {"id": 7, "name": "made 2", "steps": [{"action": "go"}, {"result": 7}], "tags": [7, 8],
                       "config": {"k": 7, "mode": "FULL"}}
    assert type(made[7]) is dict and type(made[7]["steps"]) is list
    assert made[7]["name"] is made[8]["name"]  # equal strings a build composed are one object
    # a tenant's fork copies what it reads: its changes reach neither the base nor another tenant
    mine = store.state("a", "t")
    mine.tables["made"][7]["config"]["k"] = "mine"
    mine.tables["made"][7]["steps"].append({"action": "more"})
    assert made[7]["config"]["k"] == 7 and len(made[7]["steps"]) == 2
    assert store.state("b", "t").tables["made"][7]["config"]["k"] == 7
