"""Fixtures: the default file, the seeded generator, validation messages, permissive auth."""

from __future__ import annotations

import pytest
import requests
import yaml

from mockserver.core.fixtures import FixtureError, load_vendor, validate
from mockserver.core.generate import generate
from mockserver.settings import DEFAULT_FIXTURES, Settings
from mockserver.vendors.qtest import VENDOR
from tests.harness import start_server


def test_generated_fixtures_are_valid_and_byte_stable(tmp_path):
    first = generate("qtest", 20, 7, tmp_path / "a").read_bytes()
    second = generate("qtest", 20, 7, tmp_path / "b").read_bytes()
    assert first == second
    data = validate(VENDOR, yaml.safe_load(first), "generated")
    assert len(data["hosts"]) == 20 and len(data["jobs"]) == 20
    assert generate("qtest", 20, 8, tmp_path / "c").read_bytes() != first


def test_a_server_on_generated_fixtures_hands_out_their_jobs(tmp_path):
    generate("qtest", 3, 1, tmp_path)
    running = start_server(Settings(vendors=("qtest",), vendor_ports=False, fixtures=str(tmp_path)))
    try:
        data = load_vendor(tmp_path, VENDOR)
        job = data["jobs"][0]
        agent = next(a for a in data["agents"] if a["agent_server_id"] == job["agent_server_id"])
        base = running.vendor_url("qtest")
        headers = {"Authorization": "bearer qtest-demo-token"}
        if not agent["active"]:
            r = requests.post(f"{base}/api/v3/projects/{agent['project_id']}/automation/hosts/{agent['host_id']}"
                              f"/agents/{agent['agent_server_id']}/activate", headers=headers, timeout=10)
            assert r.status_code == 200
        r = requests.get(f"{base}/api/v3/automation/hosts/{agent['host_id']}/jobs",
                         params={"end_date": "2099-01-01T00:00:00Z"}, headers=headers, timeout=10)
        assert [j["job_id"] for j in r.json()] == [job["job_id"]]
    finally:
        running.stop()


def test_default_fixtures_hold_the_docs_samples():
    data = load_vendor(DEFAULT_FIXTURES, VENDOR)
    assert {h["host_server_id"] for h in data["hosts"]} >= {48, 68, 83, 86}
    assert [j["job_id"] for j in data["jobs"]] == [647, 648, 649]
    assert {"username": "demo@example.com", "password": "demo-password"} in data["users"]


@pytest.mark.parametrize("text, message", [
    ("agents: [{agent_server_id: 1, name: a, project_id: 1, host_id: 1, framework: f, framework_id: '',"
     " agent_client_id: '1'}]",
     "agents.0.framework_id"),
    ("jobs: [{job_id: 1, schedule_id: 1, project_id: 1, agent_server_id: 1, start_date: tomorrow}]",
     "jobs.0.start_date"),
    ("settings: {job_transitions: {PLANNED: [DONE]}}", "settings.job_transitions"),
    ("hostz: []", "hostz"),
])
def test_invalid_fixtures_name_the_key(text, message):
    with pytest.raises(FixtureError) as err:
        validate(VENDOR, yaml.safe_load(text), "qtest.yaml")
    assert message in str(err.value) and "qtest.yaml" in str(err.value)


@pytest.fixture(scope="module")
def permissive_server():
    running = start_server(Settings(vendors=("qtest",), vendor_ports=False, auth="permissive"))
    yield running
    running.stop()


def test_permissive_mode_accepts_any_well_formed_credential(permissive_server):
    base = permissive_server.vendor_url("qtest")
    r = requests.post(f"{base}/oauth/token", data={"username": "anyone", "password": "anything"}, timeout=10)
    assert r.status_code == 200 and r.json()["token_type"] == "bearer"
    r = requests.get(f"{base}/oauth/status", headers={"Authorization": "bearer made-up"}, timeout=10)
    assert r.status_code == 200
    # still refused: no credential at all
    r = requests.get(f"{base}/oauth/status", timeout=10)
    assert r.status_code == 401 and r.json()["error"] == "unauthorized"
    r = requests.post(f"{base}/oauth/token", data={"username": "anyone"}, timeout=10)
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"


@pytest.fixture(scope="module")
def tuned_server():
    options = {"qtest": {"online_window_seconds": 60, "access_token_seconds": 120,
                         "job_transitions": {"PLANNED": ["COMPLETED"], "COMPLETED": []}}}
    running = start_server(Settings(vendors=("qtest",), vendor_ports=False, vendor_options=options))
    yield running
    running.stop()


def test_vendor_options_override_the_assumptions(tuned_server):
    base, control = tuned_server.vendor_url("qtest"), f"{tuned_server.url}/_mock"
    headers = {"Authorization": "bearer qtest-demo-token"}
    requests.post(f"{control}/clock", json={"set": "2026-01-01T00:00:00Z"}, timeout=10)
    token = requests.post(f"{base}/oauth/token", data={"username": "demo@example.com", "password": "demo-password"},
                          timeout=10).json()
    assert token["expires_in"] == 120

    requests.post(f"{base}/api/v3/automation/hosts/48/ping", json={"host_guid": "9CA1C201-EE4D-421B-88B6-8D5E6416C23E"},
                  headers=headers, timeout=10)
    requests.post(f"{control}/clock", json={"advance_seconds": 60}, timeout=10)
    hosts = requests.get(f"{control}/state", params={"vendor": "qtest"}, timeout=10).json()["state"]["tables"]["hosts"]
    assert next(h for h in hosts if h["host_server_id"] == 48)["status"] is False

    status = f"{base}/api/v3/projects/356/automation/jobs/647/status"
    r = requests.put(status, json={"status": "RUNNING"}, headers=headers, timeout=10)
    assert r.status_code == 400 and r.json()["message"] == "Cannot change job status from PLANNED to RUNNING"
    assert requests.put(status, json={"status": "COMPLETED"}, headers=headers, timeout=10).status_code == 200
