"""The seed's dashboard job: list projects, then each project's test runs, read names and statuses."""

from __future__ import annotations

import requests

from .conftest import CASH, CI, SPRINT

SEED_SPRINT = {"passed": 4, "failed": 1, "retest": 0, "undefined": 0, "blocked": 0, "skipped": 1, "wip": 0}
SEED_CI = {"passed": 6, "failed": 0, "retest": 0, "undefined": 0, "blocked": 0, "skipped": 0, "wip": 0}


def request_hiptest_status(base_url, project_id, headers):
    """The tutorial's Ruby `request_hiptest_status`, line for line, in Python."""
    result = requests.get(f"{base_url}/api/projects/{project_id}/test_runs", headers=headers, timeout=10)
    if result.status_code == 200:
        return [{"name": run["attributes"]["name"], "statuses": run["attributes"]["statuses"]}
                for run in result.json()["data"]]
    return None


def get_status_text(statuses):
    if statuses["failed"] > 0:
        return "Failed"
    if statuses["blocked"] > 0:
        return "Blocked"
    if statuses["skipped"] > 0:
        return "Skipped"
    if statuses["wip"] > 0 or statuses["undefined"] > 0:
        return "Work in progress"
    if statuses["retest"] > 0:
        return "Retest"
    return "Passed" if statuses["passed"] > 0 else "Unknown"


def test_projects_are_the_seeds_two_samples(api):
    r = api.get("/api/projects")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/vnd.api+json"
    body = r.json()
    names = {p["id"]: p["attributes"]["name"] for p in body["data"]}
    assert names == {"61344": "Testing CASH WITHDRAWAL (sample N°2)", "46292": "Testing BOOKSTORE (sample N°1)"}
    for project in body["data"]:
        assert project["type"] == "projects"
        assert project["links"] == {"self": f"/projects/{project['id']}"}
        assert list(project["relationships"]) == ["scenarios-folder"]


def test_dashboard_job_reads_the_seeds_test_runs(api):
    headers = dict(api.session.headers)
    runs = request_hiptest_status(api.base_url, CASH, headers)
    assert runs == [{"name": "Sprint 1", "statuses": SEED_SPRINT},
                    {"name": "Continuous integration", "statuses": SEED_CI}]
    assert get_status_text(runs[0]["statuses"]) == "Failed"
    assert get_status_text(runs[-1]["statuses"]) == "Passed"


def test_test_runs_list_matches_the_seeds_example(api):
    r = api.get(f"/api/projects/{CASH}/test_runs")
    body = r.json()
    assert body["included"] == []
    sprint, ci = body["data"]
    assert sprint["id"] == str(SPRINT) and ci["id"] == str(CI)
    assert sprint["attributes"]["created-at"] == "2017-11-28T11:05:55.806Z"
    assert sprint["attributes"]["updated-at"] == "2017-11-28T11:05:56.505Z"
    assert sprint["attributes"]["last-author"] == "HiptestBot"
    assert ci["attributes"]["created-at"] == "2017-11-28T11:05:53.640Z"
    assert sprint["links"] == {"self": f"/test-runs/{SPRINT}"}
    assert sprint["relationships"] == {"tags": {}}


def test_statuses_are_backed_by_real_tests_and_results(api):
    tests = api.get(f"/api/projects/{CASH}/test_runs/{SPRINT}/test_snapshots").json()["data"]
    assert len(tests) == 6
    counted = {}
    for test in tests:
        counted[test["attributes"]["status"]] = counted.get(test["attributes"]["status"], 0) + 1
    assert counted == {"passed": 4, "failed": 1, "skipped": 1}
    failed = next(t for t in tests if t["attributes"]["status"] == "failed")
    last = api.get(f"/api/projects/{CASH}/test_runs/{SPRINT}/test_snapshots/{failed['id']}?include=last-result").json()
    assert last["included"][0]["attributes"]["description"] == "The ATM dispensed 2000 euros"


def test_the_job_works_on_the_vendor_port_too(api, server):
    r = requests.get(f"{server.port_url('hiptest')}/api/projects/{CASH}/test_runs",
                     headers={**dict(api.session.headers)}, timeout=10)
    assert r.status_code == 200
    assert [run["attributes"]["name"] for run in r.json()["data"]] == ["Sprint 1", "Continuous integration"]
