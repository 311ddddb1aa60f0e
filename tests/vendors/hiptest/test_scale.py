"""Reads of a big fixture set copy into the tenant's world only what they answer (issue 13: a tenant's memory
grows with what it changes, not with the store)."""

from __future__ import annotations

import xmltodict

from tests.harness import assert_holds_few, grown_app

from .conftest import ACCEPT, CASH, DEMO_HEADERS, SPRINT

TOKEN = "cash-secret-token"
BIG, MANY = 1, 3000


def _big_set(data: dict) -> dict:
    """The default fixtures and another project of MANY folders, scenarios (each tagged), action words and
    runs, and MANY projects more."""
    data["projects"] += [{**data["projects"][0], "id": BIG + n, "name": f"Project {n}", "secret_token": f"token-{n}"}
                         for n in range(MANY)]
    data["folders"].append({"id": 1, "project_id": BIG, "parent_id": None, "name": "Big"})
    data["folders"] += [{"id": 2 + n, "project_id": BIG, "parent_id": 1, "name": f"Folder {n}"} for n in range(MANY)]
    data["scenarios"] += [{"id": 1 + n, "project_id": BIG, "folder_id": 2 + n, "name": f"Scenario {n}",
                           "definition": f"scenario 'Scenario {n}' do\nend\n"} for n in range(MANY)]
    data["tags"] += [{"id": 100_000 + n, "owner_type": "scenarios", "owner_id": 1 + n, "key": "priority",
                      "value": "high"} for n in range(MANY)]
    data["actionwords"] += [{"id": 1 + n, "project_id": BIG, "name": f"word {n}",
                             "definition": f"actionword 'word {n}' do\nend\n"} for n in range(MANY)]
    run = next(r for r in data["test_runs"] if r["id"] == SPRINT)
    data["test_runs"] += [{**run, "id": 1 + n, "project_id": BIG, "name": f"Run {n}", "scenario_ids": []}
                          for n in range(MANY)]
    return data


def test_reads_of_a_project_copy_no_table_into_the_tenant():
    from werkzeug.test import Client

    from mockserver.app import create_app, load_vendors
    from mockserver.core.fixtures import load_all
    from mockserver.settings import DEFAULT_FIXTURES, Settings

    vendors = load_vendors(["hiptest"])
    data = load_all(DEFAULT_FIXTURES, vendors)
    data["hiptest"] = _big_set(data["hiptest"])
    server = create_app(Settings(vendors=("hiptest",)), vendors=vendors, fixtures=data)
    client = Client(server)
    ua = {"User-Agent": "Ruby/hiptest-publisher"}

    project = client.get(f"/hiptest/publication/{TOKEN}/project?filter_tags=priority:high", headers=ua)
    assert project.status_code == 200
    xml = xmltodict.parse(project.get_data(as_text=True))["project"]
    assert {s["uid"] for s in xml["scenarios"]["scenario"]} == {"710001", "710003"}
    assert len(xml["testPlan"]["folder"]) == 3
    runs = client.get(f"/hiptest/publication/{TOKEN}/test_runs", headers=ua)
    assert runs.status_code == 200 and len(runs.get_json()["test_runs"]) == 2
    run = client.get(f"/hiptest/publication/{TOKEN}/test_run/{SPRINT}", headers=ua)
    assert run.status_code == 200
    assert client.get("/hiptest/publication/token-2999/test_runs", headers=ua).get_json() == {"test_runs": []}
    assert client.get("/hiptest/publication/no-such-token/test_runs", headers=ua).status_code == 404

    api = {**DEMO_HEADERS, "Accept": ACCEPT}
    found = client.get(f"/hiptest/api/projects/{CASH}/scenarios/find_by_tags?key=priority&value=high", headers=api)
    assert found.status_code == 200 and {s["id"] for s in found.get_json()["data"]} == {"710001", "710003"}
    listed = client.get(f"/hiptest/api/projects/{CASH}/folders/390002/scenarios", headers=api)
    assert listed.status_code == 200 and len(listed.get_json()["data"]) == 3

    assert_holds_few(server, "hiptest", 100, "six reads")


def test_a_sign_in_among_many_users_copies_only_the_one_who_signs_in():
    server, client = grown_app("hiptest", lambda data: data["users"].extend(
        {"id": 10 + n, "email": f"user{n}@example.com", "password": f"pw-{n}", "name": f"User {n}"}
        for n in range(MANY)))

    signed = client.post("/hiptest/api/auth/sign_in", json={"email": f" USER{MANY - 1}@example.com ",
                                                             "password": f"pw-{MANY - 1}"})
    assert signed.status_code == 200 and signed.headers["uid"] == f"user{MANY - 1}@example.com"
    assert client.post("/hiptest/api/auth/sign_in", json={"email": "user1@example.com", "password": "no"}
                       ).status_code == 401
    assert client.post("/hiptest/api/auth/sign_in", json={"email": "nobody@example.com", "password": "x"}
                       ).status_code == 401

    assert_holds_few(server, "hiptest", 5, "three sign-ins")
