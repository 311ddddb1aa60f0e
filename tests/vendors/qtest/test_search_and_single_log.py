"""The swagger's automation agent search, and one automation log submitted on its own."""

from __future__ import annotations

import pytest

from .conftest import assert_message

SEARCH = "/api/v3/automation/automation-agents"
LOG = {"name": "GebLogin", "status": "PASSED", "automation_content": "groovy.GebLogin",
       "exe_start_date": "2026-02-02T10:00:00+0000", "exe_end_date": "2026-02-02T10:00:30+0000"}


def ids(r) -> list[int]:
    assert r.status_code == 200, r.text
    return [a["agent_server_id"] for a in r.json()["items"]]


def test_no_query_lists_every_agent(api):
    r = api.post(SEARCH, json={"fields": ["*"]})
    assert ids(r) == [144, 148]
    first = r.json()["items"][0]
    assert first["id"] == 144 and first["host_name"] == "Host server - 192.168.74.83" and first["active"] is False
    assert (r.json()["page"], r.json()["page_size"], r.json()["total"]) == (1, 100, 2)


@pytest.mark.parametrize("query, expected", [
    ("'name' ~ 'geb'", [148]),
    ("'active' = 'active'", [148]),
    ("'active' = 'inactive'", [144]),
    ("'project_id' = 10", [144]),
    ("'host_id' >= 84", [148]),
    ("'framework' = 'cucumber' or 'name' = 'agent 1'", [144]),
    ("'framework' = 'JUNIT' or 'name' = 'agent 1'", [144, 148]),
    ("'name' ~ 'a' and 'host_name' ~ '.86'", [148]),
    ("'name' is not empty", [144, 148]),
])
def test_queries(api, query, expected):
    assert ids(api.post(SEARCH, json={"query": query})) == expected


def test_fields_and_paging(api):
    r = api.post(SEARCH, params={"page": 2, "pageSize": 1}, json={"fields": ["name", "active"]})
    assert r.status_code == 200
    assert r.json()["items"] == [{"name": "Geb agent", "active": True}] and r.json()["total"] == 2


@pytest.mark.parametrize("query, fragment", [
    ("'colour' = 'red'", "colour"), ("'id' ~ '1'", "~"), ("'id' = 'x'", "number"), ("name", "name"),
])
def test_bad_queries(api, query, fragment):
    assert_message(api.post(SEARCH, json={"query": query}), 400, fragment)


def test_page_size_is_capped(api):
    assert_message(api.post(SEARCH, params={"pageSize": 1000}, json={}), 400, "pageSize")


# -- submit_automation_log ---------------------------------------------------------------------
def test_a_log_into_an_existing_run(api, mock_state):
    r = api.post("/api/v3/projects/356/test-runs/6691/auto-test-logs", json=LOG)
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["test_run_id"], body["test_case_version_id"], body["status"]) == (6691, 20372, "PASSED")
    assert body["exe_start_date"] == "2026-02-02T10:00:00+00:00"
    assert [log["id"] for log in mock_state()["tables"]["test_logs"]] == [body["id"]]


def test_run_zero_creates_a_run_in_the_suite_of_the_day(api):
    r = api.post("/api/v3/projects/356/test-runs/0/auto-test-logs",
                 params={"suitePerDay": "true", "suiteDate": "20260202"}, json={**LOG, "automation_content": "new"})
    assert r.status_code == 201, r.text
    assert r.json()["test_run_id"] not in (6691, 0)
    suites = api.get("/api/v3/projects/356/test-suites").json()
    assert "Automation 2026-02-02" in [s["name"] for s in suites]
    # the same automation content reuses its test case
    again = api.post("/api/v3/projects/356/test-runs/0/auto-test-logs", json=LOG)
    assert again.json()["test_case_version_id"] == 20372


@pytest.mark.parametrize("path, params, body, status, fragment", [
    ("/api/v3/projects/356/test-runs/999/auto-test-logs", {}, LOG, 404, "999"),
    ("/api/v3/projects/10/test-runs/6691/auto-test-logs", {}, LOG, 404, "6691"),
    ("/api/v3/projects/356/test-runs/0/auto-test-logs", {"suitePerDay": "true"}, LOG, 400, "suiteDate"),
    ("/api/v3/projects/356/test-runs/0/auto-test-logs", {}, {**LOG, "status": "GREEN"}, 400, "GREEN"),
    ("/api/v3/projects/356/test-runs/0/auto-test-logs", {}, {**LOG, "exe_end_date": "2026-02-02T09:00:00Z"}, 400,
     "exe_end_date"),
    ("/api/v3/projects/356/test-runs/0/auto-test-logs", {}, {k: v for k, v in LOG.items() if k != "name"}, 400,
     "name"),
])
def test_single_log_refusals(api, mock_state, path, params, body, status, fragment):
    assert_message(api.post(path, params=params, json=body), status, fragment)
    assert mock_state()["tables"].get("test_logs", []) == []
