"""The qTest Jenkins plugin's requests (jenkinsci/qtest-plugin: OauthProvider, ConfigService,
AutomationTestService), replayed in the order a build makes them, with the bodies its Jackson mapper writes:
null for every unset field, dates as yyyy-MM-dd'T'HH:mm:ss.SSSZZ, `Authorization: Bearer <token>`."""

from __future__ import annotations

import base64
import json

import pytest

from .conftest import DEMO_TOKEN, assert_message

CLIENT = "Basic " + base64.b64encode(b"jenkins:").decode()
SERVER = "http://jenkins.example:8080/"


def jackson_log(name: str, status: str, build: bool) -> dict:
    """One AutomationTestResult as the plugin serialises it."""
    return {
        "build_number": "12" if build else None,
        "build_url": SERVER + "job/geb/12/" if build else None,
        "exe_start_date": "2026-01-31T10:00:00.000+0700",
        "exe_end_date": "2026-01-31T10:00:02.512+0700",
        "automation_content": name, "status": status, "name": name, "order": None,
        "test_step_logs": [{"description": name, "expected_result": name, "actual_result": None, "order": 0,
                            "status": status}],
        "attachments": [] if status == "PASSED" else [
            {"name": f"{name}.txt", "content_type": "text/plain", "data": "java.lang.AssertionError"}],
    }


@pytest.fixture
def plugin(qtest, clock):
    """A Jenkins build's session: the plugin's token call (grant and API key in the query, its Basic header)."""
    clock.set("2026-01-31T03:00:00Z")
    r = qtest.post("/oauth/token", params={"grant_type": "refresh_token", "refresh_token": DEMO_TOKEN},
                   headers={"Authorization": CLIENT})
    assert r.status_code == 200, r.text
    qtest.session.headers.update({"Authorization": f"Bearer {r.json()['access_token']}",
                                  "Content-Type": "application/json"})
    return qtest


def save_setting(plugin, **changes) -> dict:
    setting = {"ci_type": "jenkins", "id": None, "ci_server": SERVER, "ci_project": "geb", "project_id": 356,
               "release_id": 501, "test_suite_id": None, "module_id": None, "environment_id": None,
               "ciid": "00:15:5D:4A:4D:01:8080", **changes}
    # getConfiguration first: by server, project, type and instance id; nothing saved yet
    r = plugin.get("/api/v3/projects/356/ci", params={"server": SERVER, "project": "geb", "type": "jenkins",
                                                      "ciid": setting["ciid"]})
    assert_message(r, 404, "CI setting")
    r = plugin.post("/api/v3/projects/356/ci", data=json.dumps(setting))
    assert r.status_code == 200, r.text  # the plugin takes nothing else as saved
    saved = r.json()
    assert saved["id"] > 0 and saved["ci_project"] == "geb" and "test_suite_id" not in saved  # NON_NULL
    found = plugin.get("/api/v3/projects/356/ci", params={"server": SERVER, "project": "geb", "type": "jenkins",
                                                          "ciid": setting["ciid"]})
    assert found.status_code == 200 and found.json() == saved
    assert plugin.get(f"/api/v3/projects/356/ci/{saved['id']}").json() == saved
    return saved


def track(plugin, clock, queued) -> dict:
    assert queued.status_code == 201, queued.text
    task = queued.json()
    assert task["id"] > 0 and task["state"] == "IN_WAITING"
    clock.advance(10)
    r = plugin.get(f"/api/v3/projects/queue-processing/{task['id']}")
    assert r.status_code == 200 and r.json()["state"] in ("SUCCESS", "FAILED")  # the plugin's finished states
    return r.json()


def test_submit_to_an_existing_container(plugin, clock):
    """submitToExistingContainer: find or create "<job> <date>" under the release, then the v3.1 upload."""
    save_setting(plugin)
    fields = plugin.get("/api/v3/projects/356/settings/test-suites/fields", params={"includeInactive": "true"})
    assert fields.status_code == 200
    env = next(f for f in fields.json() if f["original_name"] == "EnvironmentTestSuite")
    suites = plugin.get("/api/v3/projects/356/test-suites?parentId=501&parentType=release")
    assert suites.status_code == 200 and suites.json() == []
    environment = [{"field_id": env["id"], "field_value": env["allowed_values"][0]["value"]}]
    created = plugin.post("/api/v3/projects/356/test-suites?parentId=501&parentType=release",
                          data=json.dumps({"name": "geb 01-31-2026", "properties": environment}))
    assert created.status_code == 200, created.text
    suite = created.json()
    assert (suite["name"], suite["parent_type"], suite["parent_id"]) == ("geb 01-31-2026", "release", 501)
    listed = plugin.get("/api/v3/projects/356/test-suites?parentId=501&parentType=release").json()
    assert [s["id"] for s in listed] == [suite["id"]]

    body = {"buildNumber": "12", "buildPath": "job/geb/12/", "test_suite": suite["id"], "parent_module": None,
            "skipCreatingAutomationModule": True,
            "test_logs": [jackson_log("com.acme.LoginTest", "PASSED", True),
                          jackson_log("com.acme.CartTest", "FAILED", True)],
            "testResults": None}
    done = track(plugin, clock, plugin.post("/api/v3.1/projects/356/test-runs/0/auto-test-logs?type=jenkins",
                                            data=json.dumps(body)))
    assert done["state"] == "SUCCESS"
    content = json.loads(done["content"])
    # what the plugin reads to report the submission (it counts it failed unless testSuiteId > 0)
    assert (content["testSuiteId"], content["testSuiteName"], content["totalTestLogs"]) == (suite["id"],
                                                                                          "geb 01-31-2026", 2)


def test_submit_through_the_saved_setting(plugin, clock):
    """Without an existing container: /auto-test-logs/ci/{configurationId}, into a suite named after the job."""
    saved = save_setting(plugin)
    body = {"buildNumber": "13", "buildPath": "job/geb/13/", "test_suite": None, "parent_module": None,
            "skipCreatingAutomationModule": True, "test_logs": None,
            "testResults": [jackson_log("com.acme.LoginTest", "PASSED", False)]}
    url = f"/api/v3/projects/356/test-runs/0/auto-test-logs/ci/{saved['id']}"
    done = track(plugin, clock, plugin.post(url, data=json.dumps(body)))
    assert done["state"] == "SUCCESS"
    content = json.loads(done["content"])
    assert content["testSuiteName"] == "geb" and content["totalTestLogs"] == 1
    # the next build lands in the same suite; the setting's update (PUT) keeps its id
    again = track(plugin, clock, plugin.post(url, data=json.dumps(body)))
    assert json.loads(again["content"])["testSuiteId"] == content["testSuiteId"]
    r = plugin.put(f"/api/v3/projects/356/ci/{saved['id']}", data=json.dumps({**saved, "ci_project": "geb2"}))
    assert r.status_code == 200 and r.json()["id"] == saved["id"] and r.json()["ci_project"] == "geb2"


def test_the_ci_upload_refuses_an_unknown_setting_or_run(plugin):
    body = json.dumps({"testResults": [jackson_log("t", "PASSED", False)]})
    assert_message(plugin.post("/api/v3/projects/356/test-runs/0/auto-test-logs/ci/999", data=body), 404, "999")
    assert_message(plugin.post("/api/v3/projects/356/test-runs/5/auto-test-logs/ci/999", data=body), 400, "testRunId")
    assert_message(plugin.post("/api/v3/projects/356/test-runs/0/auto-test-logs/ci/999", data="{}"), 400,
                   "testResults")


@pytest.mark.parametrize("query, status, fragment", [
    ("parentId=999&parentType=release", 404, "Release with id 999"),
    ("parentId=9&parentType=test-cycle", 404, "Test cycle with id 9"),
    ("parentType=release", 400, "parentId"),
    ("parentId=501&parentType=module", 400, "parentType"),
])
def test_test_suite_containers_must_exist(plugin, query, status, fragment):
    assert_message(plugin.get(f"/api/v3/projects/356/test-suites?{query}"), status, fragment)
    assert_message(plugin.post(f"/api/v3/projects/356/test-suites?{query}", data='{"name": "x"}'), status, fragment)
