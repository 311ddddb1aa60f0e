"""Launching runs: POST /tests/run and POST /projects/run, polled the way the official GitHub Action
polls them and driven to passed, failed and stopped by the mock clock."""

from __future__ import annotations

import json

import pytest

from mockserver.core.bodies import schema_of
from mockserver.vendors.sipfront.schemas import LaunchOut
from tests.conftest import vendor_client
from tests.vendors.sipfront.helpers import API, AUTH, T0, ActionLikeRunner, advance, set_clock


@pytest.fixture
def action(sipfront, server, control):
    set_clock(server, control, T0)
    return ActionLikeRunner(sipfront, server, control)


def assert_refused(client, path, body, status, fragment):
    r = client.post(API + path, auth=AUTH, json=body)
    assert r.status_code == status, r.text
    err = r.json()
    assert err["status"] == status and fragment in err["error"] + err["description"]
    assert client.get(f"{API}/runs", auth=AUTH).json()["total"] == 10


# -- single test runs ------------------------------------------------------------------------

def test_action_test_run_polls_until_passed(action, sipfront):
    out = action.run_call_test("your-test-name", destination="439992009", report_mode="kiosk")
    assert out["failed"] is False
    assert out["status"] == "passed" and out["result_description"] == ""
    # 115 s of mock time at one poll every 3 s: the run was seen running, then finished
    assert action.polls == 40
    assert out["started_at"] == "2030-01-01 00:00:00" and out["stopped_at"] == "2030-01-01 00:01:55"
    assert out["test_name"] == "your-test-name"
    assert json.loads(out["tags"]) == ["media", "prod", "validation"]
    report = sipfront.get(out["report_url"][len(sipfront.base_url):], auth=AUTH)
    assert report.status_code == 200 and report.headers["Content-Type"].startswith("text/html")
    assert "<th>step.1.0.dial_destination</th><td>439992009</td>" in report.text
    assert "<th>report_mode</th><td>kiosk</td>" in report.text
    assert "<th>session_status</th><td>passed</td>" in report.text


def test_action_test_run_polls_until_failed_with_the_reason(action):
    out = action.run_call_test("failing-call-test")
    assert out["failed"] is True and out["status"] == "failed"
    assert out["result_description"] == "Call to 439992002 was not answered within 30 seconds"
    assert action.polls == 16


def test_running_session_shows_only_what_is_known(sipfront, server, control):
    set_clock(server, control, T0)
    r = sipfront.post(f"{API}/tests/run", auth=AUTH, json={"test.name": "your-test-name"})
    assert r.status_code == 200
    data = r.json()["data"]
    assert r.json()["status"] == 200
    base = sipfront.base_url
    assert data["status_url"] == f"{base}{API}/runs/{data['session_id']}/status"
    assert data["report_url"].startswith(f"{sipfront.page_base}/report/session/{data['session_id']}")
    status_path = data["status_url"][len(base):]
    assert sipfront.get(status_path, auth=AUTH).json() == {"run": {"session_status": "running", "status": "running"},
                                                           "status": 200}
    row = [x for x in sipfront.get(f"{API}/runs", auth=AUTH).json()["runs"] if x["session_id"] == data["session_id"]][0]
    assert (row["session_status"], row["is_finished"], row["has_passed"], row["is_failed"], row["stopped_at"]) == (
        "running", 0, 0, 0, None)
    assert row["started_at"] == "2030-01-01 00:00:00"
    advance(server, control, 114)
    assert sipfront.get(status_path, auth=AUTH).json()["run"]["status"] == "running"
    advance(server, control, 1)
    run = sipfront.get(status_path, auth=AUTH).json()["run"]
    assert (run["status"], run["session_status"], run["has_passed"], run["is_finished"]) == ("passed", "passed", 1, 1)
    # the numeric id reaches the same session
    assert sipfront.get(f"{API}/runs/{run['id']}/status", auth=AUTH).json()["run"] == run


def test_form_encoded_launch_by_id_with_overrides(sipfront, server, control):
    set_clock(server, control, T0)
    r = sipfront.post(f"{API}/tests/run", auth=AUTH,
                      data={"id": "124", "step.0.0.regexpire": "60", "step.1.0.dial_destination": "4312345",
                            "report.mode": "print"})
    assert r.status_code == 200, r.text
    report = sipfront.get(r.json()["data"]["report_url"][len(sipfront.base_url):], auth=AUTH).text
    assert "Test report: failing-call-test" in report
    assert "<th>step.0.0.regexpire</th><td>60</td>" in report and "<td>4312345</td>" in report
    assert "<th>report_mode</th><td>print</td>" in report


def test_a_launch_answers_launch_outs_dump_and_stores_its_session_as_the_fixtures_write_one(sipfront, server, control):
    """The launch writes LaunchOut's fields itself (not through a dump): the keys in its order, all text. The
    session it stores dumps as a fixture session does: its tags a list, its parameters an object, the test's
    for a launch without overrides, the test's with the overrides for one with them."""
    set_clock(server, control, T0)
    plain = sipfront.post(f"{API}/tests/run", auth=AUTH, json={"test.name": "your-test-name"})
    assert plain.status_code == 200, plain.text
    data = plain.json()["data"]
    dumped = schema_of(LaunchOut).dump(data)
    assert list(data.items()) == list(dumped.items()) and all(type(v) is str for v in data.values())
    changed = sipfront.post(f"{API}/tests/run", auth=AUTH, json={"id": 123, "step.1.0.max_total_calls": 4})
    assert changed.status_code == 200, changed.text
    state = control.get(f"{server.url}/_mock/state", params={"vendor": "sipfront", "tenant": sipfront.tenant},
                        timeout=10).json()["state"]
    runs = {run["session_id"]: run for run in state["tables"]["runs"]}
    test = next(t for t in state["tables"]["tests"] if t["id"] == 123)
    first, second = runs[data["session_id"]], runs[changed.json()["data"]["session_id"]]
    assert first["tags"] == second["tags"] == test["tags"] == ["media", "prod", "validation"]
    assert first["parameters"] == test["parameters"]
    assert second["parameters"] == {**test["parameters"], "step.1.0.max_total_calls": "4"}
    assert test["parameters"]["step.1.0.max_total_calls"] == "1"  # the override is the session's alone


def test_nested_json_means_the_same_as_dotted_keys(sipfront):
    r = sipfront.post(f"{API}/tests/run", auth=AUTH,
                      json={"test": {"name": "your-test-name"}, "step": {"1": {"0": {"dial_destination": 4399}}}})
    assert r.status_code == 200, r.text
    assert "<td>4399</td>" in sipfront.get(r.json()["data"]["report_url"][len(sipfront.base_url):], auth=AUTH).text


def _report(client, launch) -> str:
    assert launch.status_code == 200, launch.text
    return client.get(launch.json()["data"]["report_url"][len(client.base_url):], auth=AUTH).text


def test_json_launch_reads_what_the_form_sends(sipfront):
    # {"id": "124"} means what the form's id=124 means; a boolean override is text like every parameter
    report = _report(sipfront, sipfront.post(f"{API}/tests/run", auth=AUTH,
                                             json={"id": "124", "step.1.0.dial_destination": True,
                                                   "step": {"0": {"0": {"regexpire": False}}}}))
    assert "Test report: failing-call-test" in report
    assert "<th>step.1.0.dial_destination</th><td>true</td>" in report
    assert "<th>step.0.0.regexpire</th><td>false</td>" in report


@pytest.mark.parametrize("kwargs", [
    {"json": {"test.name": "your-test-name", "destination": "123", "zone": {"a": 1}, "step.1.0.x": "1"}},
    {"data": {"test.name": "your-test-name", "destination": "123", "step.1.0.x": "1"}},
])
def test_unknown_launch_keys_are_ignored(sipfront, kwargs):
    report = _report(sipfront, sipfront.post(f"{API}/tests/run", auth=AUTH, **kwargs))
    assert "<th>step.1.0.x</th><td>1</td>" in report and "<th>destination" not in report and "zone" not in report


@pytest.mark.parametrize("body", [
    {"id": "1", "test_ids": "124,125"},
    {"id": 1, "test_ids": ["124", 125]},
    {"project.name": "my-project-name", "test_ids": "124, 125", "colour": "red"},
])
def test_json_project_launch_reads_string_ids(sipfront, body):
    r = sipfront.post(f"{API}/projects/run", auth=AUTH, json=body)
    assert r.status_code == 200, r.text
    status = sipfront.get(r.json()["data"]["status_url"][len(sipfront.base_url):], auth=AUTH).json()["run"]
    assert (status["project_id"], status["total_tests"]) == (1, 2)


def test_id_wins_over_test_name(sipfront):
    r = sipfront.post(f"{API}/tests/run", auth=AUTH, json={"id": 125, "test.name": "your-test-name"})
    assert r.status_code == 200
    assert "tagged-smoke-test" in sipfront.get(r.json()["data"]["report_url"][len(sipfront.base_url):], auth=AUTH).text


def test_test_last_status_follows_the_newest_run(sipfront, server, control):
    r = sipfront.get(f"{API}/tests/125/status/last", auth=AUTH)
    assert r.status_code == 200 and r.json()["run"]["id"] == 12350
    set_clock(server, control, T0)
    sipfront.post(f"{API}/tests/run", auth=AUTH, json={"id": 125})
    assert sipfront.get(f"{API}/tests/125/status/last", auth=AUTH).json()["run"] == {
        "session_status": "running", "status": "running"}
    advance(server, control, 60)
    last = sipfront.get(f"{API}/tests/125/status/last", auth=AUTH).json()["run"]
    assert last["session_status"] == "passed" and last["started_at"] == "2030-01-01 00:00:00"


def test_last_status_404s(sipfront, server, control):
    r = sipfront.get(f"{API}/tests/999/status/last", auth=AUTH)
    assert r.status_code == 404 and r.json()["error"] == "Test not found"
    fixtures = {"credentials": [{"public_key": "sipfront-demo-public", "secret": "sipfront-demo-secret"}],
                "projects": [{"id": 1, "name": "p", "created_at": "2024-01-01 00:00:00"}],
                "tests": [{"id": 5, "name": "t", "project_id": 1, "testcase_name": "SIP Call"}]}
    assert control.post(f"{server.url}/_mock/fixtures", params={"vendor": "sipfront", "tenant": sipfront.tenant},
                        json=fixtures, timeout=10).status_code == 200
    for path in (f"{API}/tests/5/status/last", f"{API}/projects/1/status/last"):
        r = sipfront.get(path, auth=AUTH)
        assert r.status_code == 404 and r.json() == {"error": "No runs found", "description": r.json()["description"],
                                                     "status": 404}
    assert sipfront.get(f"{API}/projects/9/status/last", auth=AUTH).json()["error"] == "Project not found"


@pytest.mark.parametrize("body, status, fragment", [
    ({}, 400, "test.name"),
    ({"test.name": ""}, 400, "test.name"),
    ({"test.name": "your-test-name", "report.mode": "poster"}, 400, "report.mode"),
    ({"test.name": "your-test-name", "step.9.0.dial_destination": "1"}, 400, "step.9.0.dial_destination"),
    ({"test.name": "your-test-name", "step.1.0.dial_destination": ["1"]}, 400, "step.1.0.dial_destination"),
    ({"test.name": "your-test-name", "step.one.0.x": "1"}, 400, "step.one.0.x"),
    ({"id": "abc"}, 400, "id"),
    ({"id": 0}, 400, "id"),
    ({"id": 1.5}, 400, "id"),
    ({"id": "1.5"}, 400, "id"),
    ({"id": True}, 400, "id"),
    ({"id": "0"}, 400, "id"),
    ({"id": " 124"}, 400, "id"),
    ({"test.name": "your-test-name", "step.1.0.dial_destination": None}, 400, "step.1.0.dial_destination"),
    ({"test.name": "no-such-test"}, 404, "no-such-test"),
    ({"id": 999}, 404, "999"),
])
def test_bad_test_launches_change_nothing(sipfront, body, status, fragment):
    assert_refused(sipfront, "/tests/run", body, status, fragment)


@pytest.mark.parametrize("path, kwargs, parameter", [
    ("/tests/run", {"json": {}}, "test.name"),
    ("/tests/run", {"json": {"test": {}}}, "test.name"),
    ("/tests/run", {"json": {"test.name": "your-test-name", "step": {"1": {"0": {"dial_destination": []}}}}},
     "step.1.0.dial_destination"),
    ("/tests/run", {"data": {"id": "x1"}}, "id"),
    ("/projects/run", {"json": {}}, "project.name"),
    ("/projects/run", {"json": {"id": 1, "test_ids": [124, 0]}}, "test_ids"),
    ("/projects/run", {"json": {"id": 1, "report": {"mode": "print"}}}, "report.mode"),
    ("/projects/run", {"data": {"id": "1", "test_ids": "124;125"}}, "test_ids"),
])
def test_body_refusals_name_the_field_as_a_form_would(sipfront, path, kwargs, parameter):
    # the contract refuses these before the handler, in the handler's own shape: the field as its dotted
    # form key in `parameter` and `error`, what is wrong with it in `description`
    r = sipfront.post(API + path, auth=AUTH, **kwargs)
    assert r.status_code == 400, r.text
    err = r.json()
    assert (err["status"], err["parameter"], err["error"]) == (400, parameter, f"Invalid parameter '{parameter}'")
    assert parameter in err["description"]
    assert sipfront.get(f"{API}/runs", auth=AUTH).json()["total"] == 10


@pytest.mark.parametrize("raw, content_type", [
    (b"{not json", "application/json"),
    (b"[1, 2]", "application/json"),
    (b"test.name=x", "text/plain"),
])
def test_unreadable_bodies_are_400(sipfront, raw, content_type):
    r = sipfront.post(f"{API}/tests/run", auth=AUTH, data=raw, headers={"Content-Type": content_type})
    assert r.status_code == 400 and r.json()["status"] == 400


# -- project runs ----------------------------------------------------------------------------

def test_action_project_run_polls_until_failed(action, sipfront):
    out = action.run_project(project_id=1, report_mode="kiosk")
    # 115 + 45 + 60 s run one after another; test 124 fails, so the project fails
    assert out["failed"] is True and out["status"] == "failed"
    assert (out["project_id"], out["total_tests"], out["tests_started"]) == (1, 3, 3)
    assert out["started_at"] == "2030-01-01 00:00:00" and out["stopped_at"] == "2030-01-01 00:03:40"
    assert out["project_run_id"] == 9 and len(out["project_run_uuid"]) == 36
    assert action.polls == 75
    report = sipfront.get(out["report_url"][len(sipfront.base_url):], auth=AUTH)
    assert report.status_code == 200 and "<th>failing-call-test</th><td>failed</td>" in report.text
    last = sipfront.get(f"{API}/projects/1/status/last", auth=AUTH).json()["run"]
    assert last["uuid"] == out["project_run_uuid"] and last["run_status"] == "failed"


def test_action_project_run_of_a_subset_polls_until_passed(action, sipfront):
    out = action.run_project(project_name="my-project-name", test_ids=[125, 123])
    assert out["failed"] is False and out["status"] == "passed"
    assert (out["total_tests"], out["tests_started"], out["stopped_at"]) == (2, 2, "2030-01-01 00:02:55")
    sessions = [r for r in sipfront.get(f"{API}/runs", params={"startdate": 1893456000}, auth=AUTH).json()["runs"]]
    assert [(r["test_id"], r["started_at"]) for r in sessions] == [(125, "2030-01-01 00:00:00"),
                                                                   (123, "2030-01-01 00:01:00")]


def test_project_run_progress_in_mock_time(sipfront, server, control):
    set_clock(server, control, T0)
    r = sipfront.post(f"{API}/projects/run", auth=AUTH, data={"id": "2", "project.name": "my-project-name"})
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["status_url"] == f"{sipfront.base_url}{API}/projects/runs/{data['project_run_uuid']}/status"
    status = data["status_url"][len(sipfront.base_url):]
    run = sipfront.get(status, auth=AUTH).json()["run"]
    # id 2 won over the name of project 1
    assert (run["run_status"], run["project_id"], run["total_tests"], run["tests_started"], run["stopped_at"]) == (
        "running", 2, 2, 1, None)
    advance(server, control, 90)
    assert sipfront.get(status, auth=AUTH).json()["run"]["tests_started"] == 2
    advance(server, control, 30)
    run = sipfront.get(status, auth=AUTH).json()["run"]
    assert (run["run_status"], run["stopped_at"]) == ("failed", "2030-01-01 00:02:00")
    failed = sipfront.get(f"{API}/tests/202/status/last", auth=AUTH).json()["run"]
    assert failed["result_description"] == "Registration failed: 403 Forbidden"


def test_stopping_a_project_run_is_seen_by_the_poller(sipfront, server, control):
    set_clock(server, control, T0)
    data = sipfront.post(f"{API}/projects/run", auth=AUTH, json={"id": 1}).json()["data"]
    advance(server, control, 130)
    r = control.post(f"{server.url}/_mock/sipfront/project-runs/{data['project_run_uuid']}/stop",
                     params={"tenant": sipfront.tenant}, timeout=10)
    assert r.status_code == 200 and r.json()["run"]["run_status"] == "stopped"
    run = sipfront.get(data["status_url"][len(sipfront.base_url):], auth=AUTH).json()["run"]
    assert (run["run_status"], run["tests_started"], run["stopped_at"]) == ("stopped", 2, "2030-01-01 00:02:10")
    last = sipfront.get(f"{API}/tests/124/status/last", auth=AUTH).json()["run"]
    assert last["session_status"] == "failed" and last["result_description"] == "Test run stopped by user"
    again = control.post(f"{server.url}/_mock/sipfront/project-runs/{data['project_run_uuid']}/stop",
                         params={"tenant": sipfront.tenant}, timeout=10)
    assert again.status_code == 409


def test_stopped_fixture_project_run(sipfront):
    run = sipfront.get(f"{API}/projects/runs/8e2f6a4c-1d9b-4e73-a5c8-0b7d3f1e6a11/status", auth=AUTH).json()["run"]
    assert run == {"id": 8, "uuid": "8e2f6a4c-1d9b-4e73-a5c8-0b7d3f1e6a11", "run_status": "stopped", "project_id": 1,
                   "project_name": "my-project-name", "total_tests": 3, "tests_started": 2,
                   "created_at": "2024-03-11 09:00:00", "stopped_at": "2024-03-11 09:02:30", "report_mode": "kiosk"}


@pytest.mark.parametrize("body, status, fragment", [
    ({}, 400, "project.name"),
    ({"id": 1, "report.mode": "print"}, 400, "report.mode"),
    ({"id": 1, "test_ids": [201]}, 400, "test_ids"),
    ({"id": 1, "test_ids": ["x"]}, 400, "test_ids"),
    ({"id": 1, "test_ids": 5}, 400, "test_ids"),
    ({"id": 1, "test_ids": [123.5]}, 400, "test_ids"),
    ({"id": 1, "test_ids": "123;124"}, 400, "test_ids"),
    ({"id": 1, "test_ids": ["12x"]}, 400, "test_ids"),
    ({"id": "1e3"}, 400, "id"),
    ({"id": 77}, 404, "77"),
    ({"project.name": "nope"}, 404, "nope"),
])
def test_bad_project_launches_change_nothing(sipfront, body, status, fragment):
    assert_refused(sipfront, "/projects/run", body, status, fragment)


def test_form_test_ids_comma_separated_and_repeated(sipfront):
    for data in ({"id": "1", "test_ids": "124,125"}, [("id", "1"), ("test_ids", "124"), ("test_ids", "125")]):
        r = sipfront.post(f"{API}/projects/run", auth=AUTH, data=data)
        assert r.status_code == 200, r.text
        status = r.json()["data"]["status_url"][len(sipfront.base_url):]
        assert sipfront.get(status, auth=AUTH).json()["run"]["total_tests"] == 2


def test_unknown_project_run_status_and_reports_are_404(sipfront):
    for path in (f"{API}/projects/runs/nope/status", "/report/project/nope", "/report/session/nope",
                 f"{API}/runs/nope/status"):
        r = sipfront.get(path, auth=AUTH)
        assert r.status_code == 404 and r.json()["status"] == 404


def test_action_pointed_at_the_vendor_port_gets_urls_on_that_port(server, control):
    client = vendor_client(server, "sipfront")
    client.base_url = server.port_url("sipfront")
    set_clock(server, control, T0)
    out = ActionLikeRunner(client, server, control).run_call_test("tagged-smoke-test")
    assert out["status"] == "passed"
    assert out["report_url"].startswith(f"{server.port_url('sipfront')}/_tenant/{client.tenant}/report/session/")


def test_tenants_do_not_see_each_others_runs(sipfront, server):
    other = vendor_client(server, "sipfront")
    assert sipfront.post(f"{API}/tests/run", auth=AUTH, json={"id": 123}).status_code == 200
    assert sipfront.get(f"{API}/runs", auth=AUTH).json()["total"] == 11
    assert other.get(f"{API}/runs", auth=AUTH).json()["total"] == 10


def test_mock_state_shows_where_each_run_stands(sipfront, server, control):
    set_clock(server, control, T0)
    data = sipfront.post(f"{API}/projects/run", auth=AUTH, json={"id": 2}).json()["data"]
    state = control.get(f"{server.url}/_mock/state", params={"vendor": "sipfront", "tenant": sipfront.tenant},
                        timeout=10).json()["state"]
    assert state["phases"]["project_runs"][data["project_run_uuid"]] == "running"
    assert state["phases"]["project_runs"]["8e2f6a4c-1d9b-4e73-a5c8-0b7d3f1e6a11"] == "stopped"
    assert sorted(state["phases"]["runs"].values()).count("pending") == 1
    assert state["phases"]["runs"]["bae59eae-c123-45ee-6789-6cb5e9a2b1c2"] == "passed"


def test_report_pages_refuse_a_mode_their_launch_cannot_have(sipfront):
    session = sipfront.post(f"{API}/tests/run", auth=AUTH, json={"id": 123, "report.mode": "print"}).json()["data"]
    project = sipfront.post(f"{API}/projects/run", auth=AUTH, json={"id": 1}).json()["data"]
    session_page = session["report_url"][len(sipfront.base_url):].split("?")[0]
    project_page = project["report_url"][len(sipfront.base_url):].split("?")[0]
    assert 'class="report-print"' in sipfront.get(session_page, params={"mode": "print"}, auth=AUTH).text
    for page, mode in ((session_page, "poster"), (session_page, ""), (project_page, "print")):
        r = sipfront.get(page, params={"mode": mode}, auth=AUTH)
        assert r.status_code == 400, r.text
        assert (r.json()["parameter"], r.json()["error"]) == ("mode", "Invalid parameter 'mode'")
