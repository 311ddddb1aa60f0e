"""The official `testdroid` 3.2 client against the served mock (clients.md §1), plus OAuth as 2.x sends it."""

from __future__ import annotations

import base64
import json
import os

import pytest
import requests
import testdroid
from testdroid import APIException, RequestResponseError

API_KEY = "bitbar-demo-key"


@pytest.fixture
def base(server, control):
    """The vendor's own port; the client sends no tenant header, so the default tenant is reset around each test."""
    def reset():
        control.post(f"{server.url}/_mock/reset", params={"vendor": "bitbar", "tenant": "default"}, timeout=10)

    reset()
    yield server.port_url("bitbar")
    reset()


@pytest.fixture
def td(base):
    client = testdroid.Testdroid(apikey=API_KEY, url=base)
    client.set_polling_interval_mins(0.001)
    return client


@pytest.fixture
def advance(server, control):
    """Move the mock clock forward (the control fixture puts it back to real time afterwards)."""
    def move(seconds):
        control.post(f"{server.url}/_mock/clock", json={"advance_seconds": seconds}, timeout=10)
    return move


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_full_run_flow(td, tmp_path, monkeypatch, advance):
    me = td.get_me()
    assert me["id"] == 31595291 and me["email"] == "demo@example.com"
    project = td.create_project("mock-demo")
    assert project["name"] == "mock-demo"
    app = td.upload_file(write(tmp_path, "app.apk", b"APK" * 100))
    tests = td.upload_file(write(tmp_path, "tests.zip", b"ZIP" * 100), skip_scan_wait=True)
    assert app["inputType"] == "application" and tests["inputType"] == "test"
    inputs = td.get_input_files()["data"]
    assert {app["id"], tests["id"]} <= {f["id"] for f in inputs}
    config = json.dumps({"osType": "ANDROID", "projectId": project["id"], "frameworkId": 542,
                         "deviceGroupId": 4150, "files": [{"id": app["id"]}, {"id": tests["id"]}]})
    td.validate_test_run_config(config)
    run = td.start_test_run_using_config(config)
    assert run["projectId"] == project["id"] and run["state"] == "WAITING"

    seen = []
    real_get = td.get_test_run

    def polling(project_id, run_id):
        answer = real_get(project_id, run_id)
        seen.append(answer["state"])
        advance(20)  # each poll moves the mock clock, so the run progresses deterministically
        return answer

    monkeypatch.setattr(td, "get_test_run", polling)
    td.wait_test_run(project["id"], run["id"])
    assert seen[0] == "WAITING" and "RUNNING" in seen and seen[-1] == "FINISHED"
    monkeypatch.setattr(td, "get_test_run", real_get)

    sessions = td.get_device_sessions(project["id"], run["id"])["data"]
    assert sorted(s["state"] for s in sessions) == ["FAILED", "SUCCEEDED", "WARNING"]
    files = td.get_device_session_files(project["id"], run["id"], sessions[0]["id"])["data"]
    assert {"junit.xml", "logs.txt"} <= {f["name"] for f in files} and len(files) == 8

    monkeypatch.chdir(tmp_path)
    td.download_test_run(project["id"], run["id"])
    td.download_test_screenshots(project["id"], run["id"])
    root = tmp_path / f"{run['id']}-{run['displayName']}"
    for session in sessions:
        folder = root / f"{session['id']}-{session['device']['displayName']}"
        junit = (folder / "junit.xml").read_text()
        assert 'tests="6"' in junit
        assert ("<failure" in junit) == (session["state"] == "FAILED")
        assert (folder / "logs.txt").stat().st_size > 0
        assert len([n for n in os.listdir(folder) if n.endswith(".png")]) == 6  # output set screenshots
        shots = sorted(os.listdir(folder / "screenshots"))
        assert len(shots) == 6 and all((folder / "screenshots" / s).read_bytes().startswith(b"\x89PNG") for s in shots)

    aborted = td.abort_test_run(project["id"], run["id"])
    assert aborted["state"] == "FINISHED"
    failed = [s for s in sessions if s["state"] == "FAILED"]
    retried = td.retry_test_run(project["id"], run["id"], [s["id"] for s in failed])
    assert retried["state"] == "RUNNING"
    after = {s["device"]["id"]: s for s in td.get_device_sessions(project["id"], run["id"])["data"]}
    again = after[failed[0]["device"]["id"]]
    assert again["state"] == "WAITING" and again["id"] != failed[0]["id"]
    assert [r["id"] for r in td.get_project_test_runs(project["id"])["data"]] == [run["id"]]

    td.delete_project(project["id"])
    with pytest.raises(RequestResponseError) as err:
        td.get_project(project["id"])
    assert err.value.status_code == 404


def test_devices_through_the_generic_get(td):
    first = td.get("devices", payload={"limit": 2, "offset": 0, "search": "sony", "sort": "displayName_a"})
    second = td.get("devices", payload={"limit": 2, "offset": 2, "search": "sony", "sort": "displayName_a"})
    assert first["total"] == second["total"] == 3
    names = [d["displayName"] for d in first["data"] + second["data"]]
    assert names == sorted(names) and len(names) == 3
    android = td.get("devices", payload={"limit": 0, "filter": "osType_eq_ANDROID"})
    assert android["total"] == 7 and {d["osType"] for d in android["data"]} == {"ANDROID"}
    everything = td.get_devices()["data"]
    assert len(everything) == 10 and all("locked" in d and "creditsPrice" in d for d in everything)


def test_groups_frameworks_and_sessions(td):
    groups = {g["id"]: g for g in td.get_device_groups()["data"]}
    assert groups[4150]["deviceCount"] == 3 and groups[4150]["displayName"] == "Release candidates"
    devices = td.get_devices_from_group(4150)["data"]
    assert [d["id"] for d in devices] == [304, 341, 352]
    assert {f["osType"] for f in td.get_frameworks()["data"]} == {"ANDROID", "IOS"}
    session = td.start_device_session(360)
    assert session["device"]["id"] == 360
    assert td.stop_device_session(session["id"])["id"] == session["id"]


def test_access_groups_and_shares(td):
    group = td.create_access_group("QA")
    assert td.get_access_group(group["id"])["name"] == "QA"
    td.add_access_group_user(group["id"], "example@bitbar.com")
    assert [u["email"] for u in td.get_access_group_users(group["id"])["data"]] == ["example@bitbar.com"]
    project = td.create_project("shared")
    td.share_project(project["id"], group["id"])
    td.share_device_group(4148, group["id"])
    assert len(td.get_access_group_resources(group["id"])["data"]) == 2
    assert td.delete_access_group(group["id"]).status_code == 204


def test_infected_upload_is_rejected_by_the_scan_wait(td, tmp_path):
    with pytest.raises(APIException):
        td.upload_file(write(tmp_path, "eicar.apk", b"X5O!P%@AP"))


def test_no_key_is_a_401(base):
    with pytest.raises(RequestResponseError) as err:
        testdroid.Testdroid(url=base).get_me()
    assert err.value.status_code == 401
    assert "Full authentication is required to access this resource" in str(err.value)


def test_oauth_as_testdroid_2_uses_it(base, advance):
    """testdroid 2.100.0 get_token(): form POST, then Bearer; refresh after expiry (clients.md §1.1)."""
    form = {"client_id": "testdroid-cloud-api", "grant_type": "password", "username": "demo@example.com",
            "password": "demo-password"}
    token = requests.post(f"{base}/oauth/token", data=form, headers={"Accept": "application/json"}, timeout=10).json()
    bearer = {"Authorization": f"Bearer {token['access_token']}", "Accept": "application/json"}
    assert requests.get(f"{base}/api/v2/me", headers=bearer, timeout=10).json()["id"] == 31595291
    advance(token["expires_in"] + 1)
    assert requests.get(f"{base}/api/v2/me", headers=bearer, timeout=10).status_code == 401
    refreshed = requests.post(f"{base}/oauth/token", headers={"Accept": "application/json"}, timeout=10,
                              data={"client_id": "testdroid-cloud-api", "grant_type": "refresh_token",
                                    "refresh_token": token["refresh_token"]}).json()
    bearer["Authorization"] = f"Bearer {refreshed['access_token']}"
    assert requests.get(f"{base}/api/v2/me", headers=bearer, timeout=10).status_code == 200
    basic = "Basic " + base64.b64encode(f"{API_KEY}:".encode()).decode()
    assert requests.get(f"{base}/api/v2/me", headers={"Authorization": basic}, timeout=10).status_code == 200


def test_upload_waits_for_the_virus_scan(td, server, control, monkeypatch, advance):
    from tests.vendors.bitbar.conftest import load_fixtures

    load_fixtures(server, control, "default", virusScanSeconds=5)
    try:
        checks = []
        real_get_file = td.get_file

        def scanning(file_id):
            answer = real_get_file(file_id)
            checks.append(answer["fileProperties"][0]["value"])
            advance(5)
            return answer

        monkeypatch.setattr(td, "get_file", scanning)
        uploaded = td.upload_file(__file__)
        assert checks[0] == "in_progress" and checks[-1] == "safe"
        assert uploaded["name"] == "test_testdroid.py"
    finally:
        load_fixtures(server, control, "default")


def test_cli_prints_the_account(base):
    import subprocess
    import sys
    from pathlib import Path

    exe = Path(sys.executable).parent / "testdroid"
    env = {**os.environ, "TESTDROID_APIKEY": API_KEY, "TESTDROID_URL": base}
    done = subprocess.run([str(exe), "me"], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "demo@example.com" in done.stdout


def test_through_the_pytest_plugin(mockserver, mock_tenant):
    """As a user of the package writes it: the plugin's server, a tenant of the test's own in the base URL."""
    client = testdroid.Testdroid(apikey=API_KEY, url=mock_tenant.tenant_url("bitbar"))
    project = client.create_project("made through the plugin", "ANDROID")
    assert project["name"] == "made through the plugin"
    assert mock_tenant.count(method="POST", vendor="bitbar", status=201) == 1
    other = testdroid.Testdroid(apikey=API_KEY, url=mockserver.base_url("bitbar"))  # the default tenant
    assert "made through the plugin" not in [p["name"] for p in other.get_projects(limit=100)["data"]]


def _cli(base, *args):
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "TESTDROID_APIKEY": API_KEY, "TESTDROID_URL": base}
    return subprocess.run([str(Path(sys.executable).parent / "testdroid"), *args], capture_output=True, text=True,
                          env=env, timeout=60)


def test_share_file_set_through_the_library_and_the_cli(td, base):
    file_set = td.post("me/file-sets", payload={"name": "inputs"})  # the client's generic POST, form-encoded
    td.post(f"me/file-sets/{file_set['id']}/files", payload={"fileId": 27170})
    first, second = td.create_access_group("QA"), td.create_access_group("Release")
    assert td.share_file_set(file_set["id"], first["id"])["id"] == first["id"]
    done = _cli(base, "share-file-set", str(file_set["id"]), str(second["id"]))
    assert done.returncode == 0, done.stderr
    assert "'name': 'Release'" in done.stdout
    for group in (first, second):
        resources = td.get_access_group_resources(group["id"])["data"]
        assert [(r["type"], r["resourceId"]) for r in resources] == [("FILE_SET", file_set["id"])]
    again = _cli(base, "share-file-set", str(file_set["id"]), str(second["id"]))
    assert again.returncode != 0 and "409" in again.stderr
    with pytest.raises(RequestResponseError) as err:
        td.share_file_set(424242, first["id"])
    assert err.value.status_code == 404


def test_timed_out_run_as_the_client_waits_for_and_downloads_it(td, tmp_path, monkeypatch, advance):
    config = json.dumps({"osType": "ANDROID", "projectId": 31945182, "frameworkId": 252, "deviceGroupId": 4150,
                         "files": [{"id": 27170}], "timeout": 50})
    run = td.start_test_run_using_config(config)
    real_get = td.get_test_run

    def polling(project_id, run_id):
        answer = real_get(project_id, run_id)
        advance(20)
        return answer

    monkeypatch.setattr(td, "get_test_run", polling)
    td.wait_test_run(run["projectId"], run["id"])  # would sys.exit on a run state it does not know
    monkeypatch.setattr(td, "get_test_run", real_get)
    sessions = {s["device"]["id"]: s for s in td.get_device_sessions(run["projectId"], run["id"])["data"]}
    assert sorted(s["state"] for s in sessions.values()) == ["TIMEOUT", "TIMEOUT", "WARNING"]
    warned = sessions[352]["id"]
    shots = td.get_device_session_files(run["projectId"], run["id"], warned, tags="screenshot")["data"]
    assert len(shots) == 6 and all(f["name"].endswith(".png") for f in shots)
    monkeypatch.chdir(tmp_path)
    td.download_test_run(run["projectId"], run["id"])
    root = tmp_path / f"{run['id']}-{run['displayName']}"
    timed_out = root / f"{sessions[304]['id']}-{sessions[304]['device']['displayName']}"
    assert sorted(p.name for p in timed_out.iterdir()) == ["logs.txt"]
    assert (root / f"{warned}-{sessions[352]['device']['displayName']}" / "junit.xml").is_file()
