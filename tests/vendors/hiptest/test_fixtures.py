"""Fixture sets are validated when loaded: bad references and values are refused with their path."""

from __future__ import annotations

import pytest

BASE = """
projects: [{id: 1, name: P}]
folders: [{id: 10, project_id: 1, parent_id: null, name: Root}]
scenarios: [{id: 20, project_id: 1, folder_id: 10, name: S}]
test_runs: [{id: 30, project_id: 1, name: R}, {id: 31, project_id: 1, name: R2}]
builds: [{id: 40, test_run_id: 31}]
"""


def _load(control, server, tenant, text):
    return control.post(f"{server.url}/_mock/fixtures", params={"vendor": "hiptest", "tenant": tenant},
                        data=text.encode(), headers={"Content-Type": "application/yaml"}, timeout=10)


def test_a_consistent_set_loads_and_serves(control, server, hiptest):
    text = BASE + "users: [{id: 1, email: a@example.com, password: pw}]\n" \
                  "test_results: [{id: 1, test_run_id: 30, scenario_id: 20, status: blocked}]\n"
    assert _load(control, server, hiptest.tenant, text).status_code == 200
    signed = hiptest.post("/api/auth/sign_in", json={"email": "a@example.com", "password": "pw"})
    headers = {"Accept": "application/vnd.api+json; version=1", "access-token": signed.headers["access-token"],
               "client": signed.headers["client"], "uid": "a@example.com"}
    run = hiptest.get("/api/projects/1/test_runs/30", headers=headers).json()["data"]
    assert run["attributes"]["statuses"]["blocked"] == 1


@pytest.mark.parametrize("old, new, message", [
    ("builds: [{id: 40, test_run_id: 31}]",
     "builds: [{id: 40, test_run_id: 31}]\n"
     "test_results: [{id: 1, test_run_id: 30, scenario_id: 20, build_id: 40, status: passed}]",
     "test_results.0.build_id: build 40 belongs to another test run"),
    ("builds: [{id: 40, test_run_id: 31}]",
     "builds: [{id: 40, test_run_id: 31}]\ntest_results: [{id: 1, test_run_id: 30, scenario_id: 20, status: great}]",
     "test_results.0.status: Must be one of"),
    ("builds: [{id: 40, test_run_id: 31}]",
     "builds: [{id: 40, test_run_id: 31}]\ntags: [{id: 1, owner_type: scenarios, owner_id: 99, key: k}]",
     "tags.0.owner_id: unknown scenario 99"),
    ("name: S}]", "name: S}, {id: 20, project_id: 1, folder_id: 10, name: T}]", "scenarios.1.id: duplicate id 20"),
    ("{id: 30, project_id: 1, name: R}", "{id: 30, project_id: 1, name: R, scenario_ids: [7]}",
     "test_runs.0.scenario_ids: unknown scenarios [7]"),
    ("{id: 1, name: P}", "{id: 1, name: P, created_at: soon}",
     "projects.0.created_at: Not a valid ISO 8601 date-time."),
    ("{id: 1, name: P}", "{id: 1, name: P, colour: red}", "projects.0.colour: Unknown field."),
    ("parent_id: null", "parent_id: 77", "folders.0.parent_id: unknown folder 77"),
])
def test_broken_sets_are_refused_naming_the_field(control, server, tenant, old, new, message):
    r = _load(control, server, tenant, BASE.replace(old, new))
    assert r.status_code == 400
    assert message in r.json()["error"]
