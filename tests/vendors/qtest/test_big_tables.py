"""With thousands of hosts, agents, test runs, test cycles and projects, a request reads them without copying them
into the tenant's world (core/overlay.py): through an index of the project, or a read of every record that keeps
none; only the records it hands out or changes are the tenant's own."""

from __future__ import annotations

import pytest
from werkzeug.test import Client

from mockserver.app import create_app, load_vendors
from mockserver.core.fixtures import load_all
from mockserver.settings import DEFAULT_FIXTURES, Settings

from .conftest import DEMO_TOKEN

MANY = 3000
AUTH = {"Authorization": f"Bearer {DEMO_TOKEN}"}
LOG = {"name": "GebLogin", "status": "PASSED", "automation_content": "groovy.GebLogin",
       "exe_start_date": "2026-02-02T10:00:00+0000", "exe_end_date": "2026-02-02T10:00:30+0000"}


def guid(n: int) -> str:
    return f"AAAAAAAA-0000-4000-8000-{n:012d}"


@pytest.fixture
def big():
    """(a werkzeug client, how many records the default tenant holds of its own now, the fixture set)."""
    vendors = load_vendors(["qtest"])
    data = load_all(DEFAULT_FIXTURES, vendors)["qtest"]
    host, agent, run = data["hosts"][0], data["agents"][0], data["test_runs"][0]
    cycle = data["test_cycles"][0]
    # ten test runs and cycles in each of 300 projects (as a generated set spreads them)
    data["projects"] = data["projects"] + [{"id": 90_000 + n, "name": f"p{n}"} for n in range(MANY)]
    data["hosts"] = data["hosts"] + [
        {**host, "host_server_id": 10_000 + n, "host_guid": guid(n), "host_name": f"h{n}"} for n in range(MANY)]
    data["agents"] = data["agents"] + [
        {**agent, "agent_server_id": 20_000 + n, "host_id": 10_000 + n, "name": f"a{n}", "project_id": 10}
        for n in range(MANY)]
    data["test_runs"] = data["test_runs"] + [
        {**run, "id": 30_000 + n, "project_id": 90_000 + n % 300, "automation_content": f"c{n}",
         "test_case_version_id": 50_000 + n} for n in range(MANY)]
    data["test_cycles"] = data["test_cycles"] + [
        {**cycle, "id": 40_000 + n, "project_id": 90_000 + n % 300, "pid": f"CL-{40_000 + n}"} for n in range(MANY)]
    server = create_app(Settings(vendors=("qtest",)), vendors=vendors, fixtures={"qtest": data})
    return Client(server), lambda: server.core.store.own_records().get("default", {}).get("qtest", 0), data


def test_registering_a_known_guid_copies_only_its_host(big):
    client, held, _ = big
    body = {"host_name": "again", "ip_address": "10.0.0.1", "mac_address": "00:15:5D:4A:4D:99",
            "host_guid": guid(MANY - 1).lower()}
    r = client.post("/qtest/api/v3/automation/host", headers=AUTH, json=body)
    assert r.status_code == 200 and r.get_json()["host_server_id"] == 10_000 + MANY - 1
    r = client.post("/qtest/api/v3/automation/host", headers=AUTH, json={**body, "host_guid": guid(MANY)})
    assert r.status_code == 200 and r.get_json()["host_server_id"] not in range(10_000, 10_000 + MANY)
    assert held() <= 10, f"the tenant holds {held()} records after two registrations"


def test_searching_every_agent_copies_none(big):
    client, held, data = big
    r = client.post("/qtest/api/v3/automation/automation-agents", headers=AUTH, json={},
                    query_string={"pageSize": 1, "page": len(data["agents"])})
    assert r.status_code == 200 and r.get_json()["total"] == len(data["agents"])
    assert r.get_json()["items"][0]["host_name"] == f"h{MANY - 1}"
    assert held() <= 10, f"the tenant holds {held()} records after a search"


def test_listing_every_project_copies_none(big):
    client, held, data = big
    r = client.get("/qtest/api/v3/projects", headers=AUTH)
    assert r.status_code == 200 and len(r.get_json()) == len(data["projects"])
    assert held() <= 10, f"the tenant holds {held()} records after a listing"


def test_a_log_finds_its_test_case_and_a_batch_its_cycle_by_the_projects_index(big):
    client, held, data = big
    project = 90_000 + (MANY - 1) % 300
    r = client.post(f"/qtest/api/v3/projects/{project}/test-runs/0/auto-test-logs", headers=AUTH,
                    json={**LOG, "automation_content": f"c{MANY - 1}"})
    assert r.status_code == 201
    assert r.get_json()["test_case_version_id"] == 50_000 + MANY - 1  # that test case's
    r = client.post(f"/qtest/api/v3/projects/{project}/auto-test-logs", headers=AUTH,
                    query_string={"type": "automation"},
                    json={"test_cycle": f"cl-{40_000 + MANY - 1}", "test_logs": [LOG]})
    assert r.status_code == 201, r.get_data(as_text=True)
    assert held() <= 30, f"the tenant holds {held()} records after two uploads"
    before = held()
    dump = client.get("/_mock/state", query_string={"vendor": "qtest", "tenant": "default"}).get_json()["state"]
    queued = dump["tables"]["queue_processing"][-1]
    assert queued["test_cycle_id"] == 40_000 + MANY - 1 and queued["problem"] is None
    assert len(dump["tables"]["hosts"]) == len(data["hosts"]) and held() == before  # a dump copies nothing
