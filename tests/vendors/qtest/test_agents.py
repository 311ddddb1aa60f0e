"""Automation agents: create, update, activate, deactivate, delete, and their 404s and 400s."""

from __future__ import annotations

import pytest

from .conftest import assert_message

AGENT = {"name": "AGENT 1", "framework": "testNG", "framework_id": "testNG-plugin", "agent_client_id": "29",
         "active": False}
AGENTS = "/api/v3/projects/10/automation/hosts/83/agents"
DOC_AGENT = {"agent_server_id": 144, "name": "AGENT 1", "project_id": 10, "host_id": 83, "framework": "testNG",
             "framework_id": "testNG-plugin", "agent_id": 29, "active": False}


def test_create_agent_with_the_docs_sample(api, mock_state):
    r = api.post(AGENTS, json=AGENT)
    assert r.status_code == 200
    assert r.json() == {**DOC_AGENT, "agent_server_id": 149}
    stored = next(a for a in mock_state()["tables"]["agents"] if a["agent_server_id"] == 149)
    assert stored["agent_client_id"] == "29"


@pytest.mark.parametrize("framework_id", ["junit-plugin", "cucumber-plugin"])
def test_create_agent_other_frameworks_and_numeric_client_id(api, framework_id):
    r = api.post(AGENTS, json={**AGENT, "framework_id": framework_id, "agent_client_id": 7, "active": True})
    assert r.status_code == 200
    assert r.json()["framework_id"] == framework_id and r.json()["agent_id"] == 7 and r.json()["active"] is True


@pytest.mark.parametrize("framework_id", ["pytest-plugin", "robot-framework-plugin"])
def test_framework_ids_beyond_the_docs_three(api, framework_id):
    # the doc: valid ids "include" testNG-plugin, junit-plugin and cucumber-plugin
    r = api.post(AGENTS, json={**AGENT, "framework_id": framework_id})
    assert r.status_code == 200, r.text
    assert r.json()["framework_id"] == framework_id


@pytest.mark.parametrize("change, field", [
    ({"framework_id": ""}, "framework_id"),
    ({"framework_id": None}, "framework_id"),
    ({"agent_client_id": "abc"}, "agent_client_id"),
    ({"agent_client_id": True}, "agent_client_id"),
    ({"active": "yes"}, "active"),
    ({"name": ""}, "name"),
    # agent_id is a Java Long in the SDK: more digits than that was once a 500 when rendered
    ({"agent_client_id": "1" * 5000}, "agent_client_id"),
    ({"agent_client_id": 2**63}, "agent_client_id"),
])
def test_create_agent_rejects_bad_fields(api, change, field, mock_state):
    r = api.post(AGENTS, json={**AGENT, **change})
    assert_message(r, 400, field)
    assert len(mock_state()["tables"]["agents"]) == 2


@pytest.mark.parametrize("missing", sorted(AGENT))
def test_create_agent_requires_every_field(api, missing):
    r = api.post(AGENTS, json={k: v for k, v in AGENT.items() if k != missing})
    assert_message(r, 400, missing)


@pytest.mark.parametrize("path, fragment", [
    ("/api/v3/projects/999/automation/hosts/83/agents", "Project with id 999"),
    ("/api/v3/projects/10/automation/hosts/999/agents", "host with id 999"),
])
def test_create_agent_unknown_project_or_host(api, path, fragment):
    assert_message(api.post(path, json=AGENT), 404, fragment)


def test_create_agent_malformed_json(api):
    r = api.post(AGENTS, data="{'name'", headers={"Content-Type": "application/json"})
    assert_message(r, 400, "Malformed JSON")


def test_update_agent(api):
    r = api.put(f"{AGENTS}/144",
                json={**AGENT, "name": "AGENT 1b", "framework": "JUnit", "framework_id": "junit-plugin"})
    assert r.status_code == 200
    assert r.json() == {**DOC_AGENT, "name": "AGENT 1b", "framework": "JUnit", "framework_id": "junit-plugin"}


def test_update_agent_rejects_bad_body(api):
    assert_message(api.put(f"{AGENTS}/144", json={**AGENT, "framework_id": ""}), 400, "framework_id")


@pytest.mark.parametrize("path", [
    "/api/v3/projects/10/automation/hosts/83/agents/999",
    "/api/v3/projects/356/automation/hosts/83/agents/144",   # agent 144 is in project 10
    "/api/v3/projects/10/automation/hosts/86/agents/144",    # and on host 83
    "/api/v3/projects/10/automation/hosts/999/agents/144",
    "/api/v3/projects/999/automation/hosts/83/agents/144",
])
def test_agent_routes_404_outside_their_project_and_host(api, path):
    assert_message(api.put(path, json=AGENT), 404)
    assert_message(api.post(path + "/activate"), 404)
    assert_message(api.post(path + "/deactivate"), 404)
    assert_message(api.delete(path), 404)


def test_activate_and_deactivate_flip_active(api):
    r = api.post(f"{AGENTS}/144/activate")
    assert r.status_code == 200 and r.json() == {**DOC_AGENT, "active": True}
    # activating twice is harmless
    assert api.post(f"{AGENTS}/144/activate").json()["active"] is True
    r = api.post(f"{AGENTS}/144/deactivate")
    assert r.status_code == 200 and r.json()["active"] is False


@pytest.mark.parametrize("path", [
    "/api/v3/projects/10//automation/hosts/83/agents/144/activate",   # the doc's own sample
    "//api/v3/projects/10/automation///hosts/83/agents/144/activate",
])
def test_doubled_slashes_are_served_in_place_not_redirected(api, path):
    r = api.post(path, allow_redirects=False, validate=False)  # the spec names the single-slash path
    assert r.status_code == 200, r.headers.get("Location")
    assert r.json()["active"] is True


def test_delete_agent(api, mock_state):
    assert api.delete(f"{AGENTS}/144").status_code == 204
    assert all(a["agent_server_id"] != 144 for a in mock_state()["tables"]["agents"])
    assert_message(api.delete(f"{AGENTS}/144"), 404, "144")
    assert_message(api.post(f"{AGENTS}/144/activate"), 404)
