"""The qTest Jenkins plugin's configuration page (jenkinsci/qtest-plugin: PushingResultAction.DescriptorImpl
and ConfigService), replayed call for call: the URL check, the API-key check, the project list, then for the
chosen project its saved setting, releases, environments, root test cycles and suites, and the children of a
container the user opens. Each answer is read the way the plugin reads it (JSONArray.fromObject of a list,
`original_name`, `name` of /version)."""

from __future__ import annotations

import base64

import pytest
import requests

from .conftest import DEMO_TOKEN, assert_message

CLIENT = "Basic " + base64.b64encode(b"jenkins:").decode()
SERVER = "http://jenkins.example:8080/"


@pytest.fixture
def page(qtest):
    """doCheckAppSecretKey / getProjectData: OauthProvider.getAccessToken with the API key, then Bearer calls."""
    r = qtest.post("/oauth/token", params={"grant_type": "refresh_token", "refresh_token": DEMO_TOKEN},
                   headers={"Authorization": CLIENT})
    assert r.status_code == 200, r.text
    qtest.session.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
    return qtest


def test_url_check_reads_the_sites_version(qtest):
    # doCheckUrl → validateQtestUrl: GET {url}/version without credentials, name must be test-conductor
    r = requests.get(qtest.url("/version"), headers={"X-Mock-Tenant": qtest.tenant}, timeout=10)
    assert r.status_code == 200
    assert r.json()["name"] == "test-conductor" and r.json()["version"].count(".") == 2


def test_project_list_and_the_chosen_project(page):
    r = page.get("/api/v3/projects?assigned=true")
    assert r.status_code == 200
    projects = r.json()
    assert [(p["id"], p["name"]) for p in projects] == [(10, "Sample Project"), (356, "Geb Automation"),
                                                        (6822, "Mobile Regression")]
    assert projects[1]["links"] == [{"rel": "self", "href": page.url("/api/v3/projects/356")}]
    one = page.get("/api/v3/projects/356")
    assert one.status_code == 200 and one.json() == projects[1]


def test_project_data_for_the_chosen_project(page):
    """getProjectData's five parallel calls, as the page sends them for project 356."""
    ci = page.get("/api/v3/projects/356/ci", params={"server": SERVER, "project": "geb", "type": "jenkins",
                                                      "ciid": "00:15:5D:4A:4D:01:8080"})
    assert_message(ci, 404, "CI setting")
    # nothing saved: the plugin then asks by the setting's id, which a new Setting lacks ("null")
    assert_message(page.get("/api/v3/projects/356/ci/null", validate=False), 404)  # no such route: qTest's 404

    releases = page.get("/api/v3/projects/356/releases?includeClosed=true")
    assert releases.status_code == 200
    assert [(r["id"], r["pid"], r["name"], r["order"]) for r in releases.json()] == [(501, "RL-1", "Release 1.0", 1)]

    fields = page.get("/api/v3/projects/356/settings/test-suites/fields?includeInactive=true")
    env = next(f for f in fields.json() if f["original_name"].lower() == "environmenttestsuite")
    assert [v["label"] for v in env["allowed_values"]] == ["Windows", "Linux", "macOS"]

    cycles = page.get("/api/v3/projects/356/test-cycles?expand=descendants&parentId=0&parentType=root")
    assert cycles.status_code == 200
    (nightly,) = cycles.json()
    assert (nightly["id"], nightly["pid"], nightly["name"]) == (1001, "CL-1", "Nightly automation")
    # expanded: its sub-cycle and its suite
    assert [(c["id"], c["name"], c["test_cycles"]) for c in nightly["test_cycles"]] == [(1004, "Geb login", [])]
    assert [(s["id"], s["pid"]) for s in nightly["test_suites"]] == [(2001, "TS-1")]

    suites = page.get("/api/v3/projects/356/test-suites?parentId=0&parentType=root")
    assert suites.status_code == 200 and suites.json() == []  # TS-1 sits in CL-1, not at the root


def test_container_children_of_a_release_and_a_cycle(page):
    """getContainerChildren: what the page shows when the user opens a release, then a cycle."""
    in_release = page.get("/api/v3/projects/356/test-cycles?expand=descendants&parentId=501&parentType=release")
    assert in_release.status_code == 200
    assert [(c["id"], c["target_release_id"]) for c in in_release.json()] == [(1003, 501)]
    assert page.get("/api/v3/projects/356/test-suites?parentId=501&parentType=release").json() == []

    in_cycle = page.get("/api/v3/projects/356/test-cycles?expand=descendants&parentId=1001&parentType=test-cycle")
    assert [c["pid"] for c in in_cycle.json()] == ["CL-4"]
    suites = page.get("/api/v3/projects/356/test-suites?parentId=1001&parentType=test-cycle").json()
    assert [s["pid"] for s in suites] == ["TS-1"]
    # without expand the children are not listed
    plain = page.get("/api/v3/projects/356/test-cycles?parentId=0&parentType=root").json()
    assert "test_cycles" not in plain[0] and "test_suites" not in plain[0]


def test_a_suite_the_page_creates_shows_under_its_container(page):
    created = page.post("/api/v3/projects/356/test-suites?parentId=1003&parentType=test-cycle",
                        json={"name": "geb 01-31-2026", "properties": [{"field_id": 2, "field_value": 11}]})
    assert created.status_code == 200, created.text
    cycles = page.get("/api/v3/projects/356/test-cycles?expand=descendants&parentId=501&parentType=release").json()
    assert [s["name"] for s in cycles[0]["test_suites"]] == ["geb 01-31-2026"]


@pytest.mark.parametrize("path, status, fragment", [
    ("/api/v3/projects/999", 404, "Project with id 999"),
    ("/api/v3/projects/999/releases?includeClosed=true", 404, "Project with id 999"),
    ("/api/v3/projects/999/test-cycles?parentId=0&parentType=root", 404, "Project with id 999"),
    ("/api/v3/projects/356/test-cycles?parentId=999&parentType=release", 404, "Release with id 999"),
    ("/api/v3/projects/356/test-cycles?parentId=999&parentType=test-cycle", 404, "Test cycle with id 999"),
    ("/api/v3/projects/356/test-cycles?parentType=release", 400, "parentId"),
    ("/api/v3/projects/356/test-cycles?parentType=module&parentId=1", 400, "parentType"),
    ("/api/v3/projects/356/test-cycles?parentId=x", 400, "parentId"),
    ("/api/v3/projects?assigned=maybe", 400, "assigned"),
])
def test_config_page_errors_in_qtests_shape(page, path, status, fragment):
    # the plugin shows an empty list for any non-200; the body is qTest's {"message": …}
    assert_message(page.get(path), status, fragment)


def test_config_page_calls_need_the_token(qtest):
    for path in ("/api/v3/projects?assigned=true", "/api/v3/projects/356", "/api/v3/projects/356/releases",
                 "/api/v3/projects/356/test-cycles"):
        r = qtest.get(path)
        assert r.status_code == 401, path
