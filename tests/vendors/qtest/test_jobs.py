"""Scheduled jobs: the retrieval window and its date formats, scheduling, and the status machine."""

from __future__ import annotations

import pytest

from mockserver.vendors.qtest.model.options import DEFAULT_TRANSITIONS

from .conftest import assert_message

JOBS = "/api/v3/automation/hosts/86/jobs"
MATERIAL = {"test_run_id": 6691, "test_case_id": 18893, "test_case_name": "groovy.GebLogin",
            "test_case_version_id": 20372, "automation_content": "groovy.GebLogin"}


def job_ids(response) -> list[int]:
    assert response.status_code == 200, response.text
    assert isinstance(response.json(), list)
    return [job["job_id"] for job in response.json()]


def test_the_docs_jobs_come_back_as_a_bare_array(api):
    r = api.get(JOBS, params={"end_date": "2015-04-28T17:00:00+0700"})
    assert job_ids(r) == [647, 648, 649]
    assert r.json()[0] == {
        "client_id": 2, "project_id": 356, "job_id": 647, "host_server_id": 86, "status": "PLANNED",
        "agent_server_id": 148, "agent_id": 5, "schedule_id": 245, "automation_materials": [MATERIAL],
        "start_date": "2015-04-08T03:01:48+00:00",
    }


def test_the_docs_request_sample_works_as_written(api):
    # empty start_date and an end_date without offset, exactly as the doc sends them
    r = api.get("/api/v3/automation/hosts/68/jobs?start_date=&end_date=2015-03-26T00:00:00")
    assert job_ids(r) == []


@pytest.mark.parametrize("end_date", [
    "2015-04-15T10:01:48+0700",   # the doc's format: 03:01:48 UTC
    "2015-04-15T03:01:48Z",
    "2015-04-15T05:01:48+02:00",
    "2015-04-14T22:01:48-0500",
    "2015-04-15T03:01:48.000+0000",
])
def test_end_date_formats_and_exclusive_upper_bound(api, end_date):
    # job 648 is scheduled exactly at end_date: "prior to" the bound excludes it
    assert job_ids(api.get(JOBS, params={"end_date": end_date})) == [647]


def test_end_date_one_second_later_includes_the_job(api):
    assert job_ids(api.get(JOBS, params={"end_date": "2015-04-15T03:01:49+0000"})) == [647, 648]


@pytest.mark.parametrize("start_date, expected", [
    ("2015-04-08T03:01:48+0000", [647, 648, 649]),     # inclusive lower bound
    ("2015-04-08T03:01:49+0000", [648, 649]),
    ("2015-04-15T12:01:48+09:00", [648, 649]),
    ("2015-04-22T03:01:49Z", []),
    ("", [647, 648, 649]),
])
def test_start_date_lower_bound(api, start_date, expected):
    r = api.get(JOBS, params={"start_date": start_date, "end_date": "2015-05-01T00:00:00+0000"})
    assert job_ids(r) == expected


@pytest.mark.parametrize("params", [{}, {"end_date": ""}, {"start_date": "2015-04-01T00:00:00+0000"}])
def test_end_date_is_required(api, params):
    assert_message(api.get(JOBS, params=params), 400, "end_date")


@pytest.mark.parametrize("name, value", [
    ("end_date", "2015-04-28"),
    ("end_date", "28/04/2015 17:00"),
    ("end_date", "2015-04-28T17:00+0700"),
    ("end_date", "1430215200"),
    ("start_date", "yesterday"),
    ("start_date", "2015-13-01T00:00:00+0000"),
    ("end_date", "9999-12-31T23:59:59-0100"),
    ("end_date", "0000-01-01T00:00:00Z"),
    ("end_date", "2015-04-28T17:00:00+2400"),
])
def test_other_date_formats_are_rejected_naming_the_parameter(api, name, value):
    params = {"end_date": "2015-05-01T00:00:00+0000", name: value}
    assert_message(api.get(JOBS, params=params), 400, f"'{name}'", value)


def test_an_unencoded_plus_is_rejected_with_a_hint(api):
    r = api.get(JOBS + "?end_date=2015-04-28T17:00:00+0700")
    assert_message(r, 400, "'end_date'", "%2B")


def test_unknown_host(api):
    r = api.get("/api/v3/automation/hosts/999/jobs", params={"end_date": "2015-05-01T00:00:00Z"})
    assert_message(r, 404, "999")


def test_only_planned_and_not_run_jobs_are_handed_out(api):
    base = "/api/v3/projects/356/automation/jobs"
    assert api.put(f"{base}/647/status", json={"status": "NOT RUN"}).status_code == 200
    assert api.put(f"{base}/648/status", json={"status": "RUNNING"}).status_code == 200
    r = api.get(JOBS, params={"end_date": "2015-05-01T00:00:00+0000"})
    assert job_ids(r) == [647, 649]
    assert [j["status"] for j in r.json()] == ["NOT_RUN", "PLANNED"]
    assert api.put(f"{base}/649/status", json={"status": "CANCELLED"}).status_code == 200
    assert job_ids(api.get(JOBS, params={"end_date": "2015-05-01T00:00:00+0000"})) == [647]


def test_a_deactivated_agents_jobs_are_not_handed_out(api):
    agent = "/api/v3/projects/356/automation/hosts/86/agents/148"
    assert api.post(agent + "/deactivate").status_code == 200
    assert job_ids(api.get(JOBS, params={"end_date": "2015-05-01T00:00:00Z"})) == []
    assert api.post(agent + "/activate").status_code == 200
    assert job_ids(api.get(JOBS, params={"end_date": "2015-05-01T00:00:00Z"})) == [647, 648, 649]


def test_another_hosts_jobs_are_not_handed_out(api):
    assert job_ids(api.get("/api/v3/automation/hosts/83/jobs", params={"end_date": "2099-01-01T00:00:00Z"})) == []


# -- scheduling -------------------------------------------------------------------------------
SCHEDULE = {"name": "Nightly", "agentId": 148, "projectId": 356, "startDate": "2026-06-01T02:00:00+0000",
            "testRunIds": [6691]}


def test_schedule_creates_a_job_the_host_retrieves(api, mock_state):
    r = api.post("/api/v3/automation/jobs/schedule/create", json=SCHEDULE)
    assert r.status_code == 201
    assert r.json() == 246
    r = api.get(JOBS, params={"start_date": "2026-06-01T00:00:00+0000", "end_date": "2026-06-02T00:00:00+0000"})
    assert r.json() == [{
        "client_id": 2, "project_id": 356, "job_id": 650, "host_server_id": 86, "status": "PLANNED",
        "agent_server_id": 148, "agent_id": 5, "schedule_id": 246, "automation_materials": [MATERIAL],
        "start_date": "2026-06-01T02:00:00+00:00",
    }]
    assert any(s["id"] == 246 and s["name"] == "Nightly" for s in mock_state()["tables"]["schedules"])


def test_schedule_defaults_start_to_now_and_takes_client_id(api, clock):
    clock.set("2026-07-01T12:00:00Z")
    body = {k: v for k, v in SCHEDULE.items() if k != "startDate"}
    assert api.post("/api/v3/automation/jobs/schedule/create", json={**body, "clientId": 9}).status_code == 201
    jobs = api.get(JOBS, params={"start_date": "2026-07-01T00:00:00Z", "end_date": "2026-07-01T12:00:01Z"}).json()
    assert [(j["start_date"], j["client_id"]) for j in jobs] == [("2026-07-01T12:00:00+00:00", 9)]


@pytest.mark.parametrize("change, status, fragment", [
    ({"agentId": 999}, 404, "agent with id 999"),
    ({"projectId": 999}, 404, "Project with id 999"),
    ({"agentId": 144}, 400, "does not belong to project 356"),
    ({"testRunIds": [1234]}, 404, "Test run with id 1234"),
    ({"testRunIds": ["x"]}, 400, "testRunIds"),
    ({"startDate": "tomorrow"}, 400, "startDate"),
    ({"agentId": "148"}, 400, "agentId"),
])
def test_schedule_rejects_bad_input(api, change, status, fragment, mock_state):
    r = api.post("/api/v3/automation/jobs/schedule/create", json={**SCHEDULE, **change})
    assert_message(r, status, fragment)
    assert len(mock_state()["tables"]["jobs"]) == 3


def test_schedule_needs_only_agent_and_project(api):
    # the swagger requires agentId and projectId only: a job without test runs has no materials
    r = api.post("/api/v3/automation/jobs/schedule/create",
                 json={"agentId": 148, "projectId": 356, "startDate": "2026-06-01T02:00:00+0000"})
    assert r.status_code == 201, r.text
    jobs = api.get(JOBS, params={"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-06-02T00:00:00Z"}).json()
    assert [(j["schedule_id"], j["automation_materials"]) for j in jobs] == [(r.json(), [])]


@pytest.mark.parametrize("missing", ["agentId", "projectId"])
def test_schedule_required_fields(api, missing):
    body = {k: v for k, v in SCHEDULE.items() if k != missing}
    assert_message(api.post("/api/v3/automation/jobs/schedule/create", json=body), 400, missing)


# -- status machine ---------------------------------------------------------------------------
ALLOWED = [(a, b) for a, targets in DEFAULT_TRANSITIONS.items() for b in targets]
DISALLOWED = [
    ("COMPLETED", "RUNNING"), ("COMPLETED", "PLANNED"), ("FAILED", "COMPLETED"), ("CANCELLED", "RUNNING"),
    ("RUNNING", "PLANNED"), ("RUNNING", "NOT_RUN"), ("NOT_RUN", "PLANNED"), ("FAILED", "NOT_RUN"),
]
# a path from PLANNED to each status through allowed moves
PATH = {"PLANNED": [], "NOT_RUN": ["NOT_RUN"], "RUNNING": ["RUNNING"], "COMPLETED": ["RUNNING", "COMPLETED"],
        "FAILED": ["FAILED"], "CANCELLED": ["CANCELLED"]}
STATUS = "/api/v3/projects/356/automation/jobs/648/status"


def bring_to(api, status):
    for step in PATH[status]:
        r = api.put(STATUS, json={"status": step})
        assert r.status_code == 200, r.text


@pytest.mark.parametrize("current, target", ALLOWED)
def test_every_allowed_transition(api, current, target):
    bring_to(api, current)
    r = api.put(STATUS, json={"status": target})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == target and r.json()["job_id"] == 648


@pytest.mark.parametrize("current, target", DISALLOWED)
def test_disallowed_transitions(api, current, target, mock_state):
    bring_to(api, current)
    r = api.put(STATUS, json={"status": target})
    assert_message(r, 400, current, target)
    job = next(j for j in mock_state()["tables"]["jobs"] if j["job_id"] == 648)
    assert job["status"] == current


@pytest.mark.parametrize("status", sorted(PATH))
def test_same_status_is_a_no_op(api, status):
    bring_to(api, status)
    r = api.put(STATUS, json={"status": status})
    assert r.status_code == 200 and r.json()["status"] == status


def test_not_run_with_a_space_is_accepted_and_emitted_with_underscore(api):
    r = api.put(STATUS, json={"status": "NOT RUN"})
    assert r.status_code == 200 and r.json()["status"] == "NOT_RUN"


@pytest.mark.parametrize("body, fragment", [
    ({"status": "DONE"}, "DONE"), ({"status": "UNKNOWN"}, "UNKNOWN"), ({"status": ""}, "Invalid job status"),
    ({"status": 3}, "status"), ({}, "status"),
])
def test_unknown_status(api, body, fragment):
    assert_message(api.put(STATUS, json=body), 400, fragment)


def test_status_of_unknown_job_or_project(api):
    assert_message(api.put("/api/v3/projects/356/automation/jobs/999/status", json={"status": "RUNNING"}), 404, "999")
    # job 648 belongs to project 356
    assert_message(api.put("/api/v3/projects/10/automation/jobs/648/status", json={"status": "RUNNING"}), 404, "648")
    assert_message(api.put("/api/v3/projects/999/automation/jobs/648/status", json={"status": "RUNNING"}), 404, "999")


def test_the_status_machine_is_configurable_through_fixtures(api, load_fixtures):
    load_fixtures("""
projects: [{id: 1, name: P}]
hosts: [{host_server_id: 1, host_name: h, ip_address: 1.1.1.1, mac_address: m, host_guid: g}]
agents: [{agent_server_id: 1, name: a, project_id: 1, host_id: 1, framework: f, framework_id: junit-plugin,
  agent_client_id: "1", active: true}]
test_runs: [{id: 1, project_id: 1, test_case_id: 1, test_case_name: t, test_case_version_id: 1, automation_content: t}]
jobs: [{job_id: 1, schedule_id: 1, project_id: 1, agent_server_id: 1, start_date: "2015-01-01T00:00:00Z",
  test_run_ids: [1]}]
tokens: [{access_token: qtest-demo-token, username: demo}]
settings:
  job_transitions: {PLANNED: [COMPLETED], COMPLETED: [PLANNED]}
""")
    path = "/api/v3/projects/1/automation/jobs/1/status"
    assert_message(api.put(path, json={"status": "RUNNING"}), 400, "PLANNED", "RUNNING")
    assert api.put(path, json={"status": "COMPLETED"}).json()["status"] == "COMPLETED"
    assert api.put(path, json={"status": "PLANNED"}).json()["status"] == "PLANNED"
