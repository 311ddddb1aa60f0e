"""With thousands of tests and sessions, a listing that reads them all (the tests, a filtered or sorted runs
list, the state dump) copies none into the tenant's world (core/overlay.py): only the page handed out is its own."""

from __future__ import annotations

import base64

import pytest
from werkzeug.test import Client

from mockserver.app import create_app, load_vendors
from mockserver.core.fixtures import load_all
from mockserver.settings import DEFAULT_FIXTURES, Settings

from .helpers import AUTH

MANY = 3000
HEADERS = {"Authorization": "Basic " + base64.b64encode(":".join(AUTH).encode()).decode()}


@pytest.fixture
def big():
    """(a werkzeug client, how many records the default tenant holds of its own now, the fixture set)."""
    vendors = load_vendors(["sipfront"])
    data = load_all(DEFAULT_FIXTURES, vendors)["sipfront"]
    project, test, run = data["projects"][0], data["tests"][0], data["runs"][0]
    data["projects"] = data["projects"] + [{**project, "id": 1000 + n, "name": f"project-{n}"} for n in range(MANY)]
    data["tests"] = data["tests"] + [
        {**test, "id": 50_000 + n, "name": f"many-{n}", "project_id": 1000 + n} for n in range(MANY)]
    data["runs"] = data["runs"] + [
        {**run, "id": 60_000 + n, "session_id": f"00000000-0000-4000-8000-{n:012d}", "test_id": 50_000 + n}
        for n in range(MANY)]
    server = create_app(Settings(vendors=("sipfront",)), vendors=vendors, fixtures={"sipfront": data})
    return Client(server), lambda: server.core.store.own_records().get("default", {}).get("sipfront", 0), data


def test_listing_every_test_copies_none(big):
    client, held, data = big
    r = client.get("/sipfront/api/v2/tests", headers=HEADERS)
    assert r.status_code == 200
    tests = r.get_json()["tests"]
    assert len(tests) == len(data["tests"]) and tests[-1]["name"] == f"many-{MANY - 1}"
    assert tests[-1]["project_name"] == f"project-{MANY - 1}"
    assert held() <= 10, f"the tenant holds {held()} records after a listing"


def test_a_filtered_or_sorted_runs_list_copies_only_its_page(big):
    client, held, _ = big
    r = client.get("/sipfront/api/v2/runs", headers=HEADERS,
                   query_string={"filtername": "test_id", "filterval": str(50_000 + MANY - 1)})
    assert r.status_code == 200
    assert [run["id"] for run in r.get_json()["runs"]] == [60_000 + MANY - 1] and r.get_json()["total"] == 1
    r = client.get("/sipfront/api/v2/runs", headers=HEADERS,
                   query_string={"orderby": "session_id", "orderdir": "desc", "count": 2})
    assert r.status_code == 200 and r.get_json()["total"] > MANY
    shown = [run["session_id"] for run in r.get_json()["runs"]]
    assert len(shown) == 2 and shown[0] > shown[1] > f"00000000-0000-4000-8000-{MANY - 1:012d}"
    assert held() <= 10, f"the tenant holds {held()} records after two pages"


def test_the_state_dump_copies_none(big):
    client, held, _ = big
    assert client.get("/sipfront/api/v2/tests", headers=HEADERS).status_code == 200
    before = held()
    r = client.get("/_mock/state", query_string={"vendor": "sipfront", "tenant": "default"})
    assert r.status_code == 200
    assert r.get_json()["state"]["phases"]["runs"][f"00000000-0000-4000-8000-{MANY - 1:012d}"] == "passed"
    assert held() - before <= 5, f"{held() - before} records copied by a dump"


def test_listing_every_project_with_its_tests_copies_none(big):
    client, held, data = big
    r = client.get("/sipfront/api/v2/projects", headers=HEADERS)
    assert r.status_code == 200
    projects = r.get_json()["projects"]
    assert len(projects) == len(data["projects"]) and projects[-1]["test_ids"] == [50_000 + MANY - 1]
    assert projects[0]["test_ids"] == sorted(t["id"] for t in data["tests"] if t["project_id"] == projects[0]["id"])
    assert held() <= 10, f"the tenant holds {held()} records after a listing"
