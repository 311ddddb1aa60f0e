"""Batch result upload and the queue-processing poll, IN_WAITING -> IN_PROCESSING -> SUCCESS/FAILED."""

from __future__ import annotations

import json

import pytest

from .conftest import assert_message

LOG = {"name": "GebLogin", "status": "PASSED", "automation_content": "groovy.GebLogin",
       "exe_start_date": "2026-02-02T10:00:00+0000", "exe_end_date": "2026-02-02T10:00:30+0000",
       "module_names": ["groovy"]}
BATCH = {"test_cycle": "CL-1", "test_logs": [LOG]}
V3 = "/api/v3/projects/356/auto-test-logs"
V31 = "/api/v3.1/projects/356/test-runs/0/auto-test-logs"


def poll(api, queue_id) -> dict:
    r = api.get(f"/api/v3/projects/queue-processing/{queue_id}")
    assert r.status_code == 200, r.text
    return r.json()


@pytest.mark.parametrize("path", [V3, V31])
def test_batch_moves_through_the_queue_to_success(api, clock, mock_state, path):
    clock.set("2026-02-02T11:00:00Z")
    r = api.post(path, params={"type": "automation"}, json=BATCH)
    assert r.status_code == 201
    queued = r.json()
    assert queued == {"id": 1, "state": "IN_WAITING", "contentType": "application/json", "content": "",
                      "type": "AUTOMATION_TEST_LOG"}
    clock.advance(1)
    assert poll(api, 1)["state"] == "IN_WAITING"
    clock.advance(1)
    assert poll(api, 1)["state"] == "IN_PROCESSING"
    clock.advance(4)
    assert poll(api, 1)["state"] == "IN_PROCESSING"
    clock.advance(1)
    done = poll(api, 1)
    assert done["state"] == "SUCCESS"
    assert json.loads(done["content"]) == {"test_cycle": 1001, "test_logs": [1]}
    [item] = mock_state()["tables"]["queue_processing"]
    assert item["state"] == "SUCCESS"
    assert item["test_logs"][0]["name"] == "GebLogin" and item["test_logs"][0]["id"] == 1


def test_cycle_by_id_and_many_logs(api, clock):
    clock.set("2026-02-02T11:00:00Z")
    logs = [LOG, {**LOG, "name": "Other", "status": "failed", "test_step_logs": [{"status": "FAILED", "order": 1}]}]
    r = api.post(V3, params={"type": "automation"}, json={"test_cycle": 1001, "test_logs": logs})
    assert r.status_code == 201
    clock.advance(60)
    assert json.loads(poll(api, r.json()["id"])["content"])["test_logs"] == [1, 2]


@pytest.mark.parametrize("batch, reason", [
    ({**BATCH, "test_cycle": "CL-999"}, "CL-999"),
    ({**BATCH, "test_cycle": "CL-2"}, "CL-2"),           # a cycle of project 10, not 356
    ({**BATCH, "test_logs": [{**LOG, "status": "GREEN"}]}, "GREEN"),
    ({**BATCH, "test_logs": [{**LOG, "exe_end_date": "2026-02-02T09:00:00+0000"}]}, "exe_end_date"),
])
def test_an_invalid_batch_is_accepted_then_fails(api, clock, batch, reason, mock_state):
    clock.set("2026-02-02T11:00:00Z")
    r = api.post(V3, params={"type": "automation"}, json=batch)
    assert r.status_code == 201 and r.json()["state"] == "IN_WAITING"
    clock.advance(3)
    assert poll(api, 1)["state"] == "IN_PROCESSING"
    clock.advance(10)
    failed = poll(api, 1)
    assert failed["state"] == "FAILED"
    assert reason in json.loads(failed["content"])["message"]
    assert mock_state()["tables"]["queue_processing"][0]["state"] == "FAILED"


@pytest.mark.parametrize("target, suite_id, suite_name", [
    ({"test_suite": "ts-1", "parent_module": "MD-3", "execution_date": "2026-02-02T10:00:00+0000"}, 2001, "Geb suite"),
    ({"test_suite": 2001, "test_cycle": "CL-999"}, 2001, "Geb suite"),   # the suite wins over the cycle
    ({}, 2002, "Automation Test Suite"),                               # neither: the project's automation suite
])
def test_v31_batch_lands_in_a_suite(api, clock, target, suite_id, suite_name):
    clock.set("2026-02-02T11:00:00Z")
    r = api.post(V31, params={"type": "automation"}, json={**target, "test_logs": [LOG]})
    assert r.status_code == 201, r.text
    clock.advance(10)
    content = json.loads(poll(api, r.json()["id"])["content"])
    assert (content["test_suite"], content["testSuiteName"], content["totalTestLogs"]) == (suite_id, suite_name, 1)
    suites = api.get("/api/v3/projects/356/test-suites").json()
    assert [s["name"] for s in suites if s["id"] == suite_id] == [suite_name]


def test_v31_batch_into_an_unknown_suite_fails(api, clock):
    clock.set("2026-02-02T11:00:00Z")
    r = api.post(V31, params={"type": "automation"}, json={"test_suite": "TS-404", "test_logs": [LOG]})
    assert r.status_code == 201
    clock.advance(10)
    failed = poll(api, r.json()["id"])
    assert failed["state"] == "FAILED" and "TS-404" in json.loads(failed["content"])["message"]


def test_the_tree_upload_needs_its_test_cycle(api, mock_state):
    assert_message(api.post(V3, params={"type": "automation"}, json={"test_logs": [LOG]}), 400, "test_cycle")
    assert mock_state()["tables"].get("queue_processing", []) == []


@pytest.mark.parametrize("body, fragment", [
    ({"test_cycle": "CL-1"}, "test_logs"),
    ({"test_cycle": "CL-1", "test_logs": []}, "test_logs"),
    ({"test_cycle": True, "test_logs": [LOG]}, "test_cycle"),
    ({"test_cycle": "CL-1", "test_logs": [{**LOG, "exe_start_date": None}]}, "exe_start_date"),
    ({"test_cycle": "CL-1", "test_logs": [{k: v for k, v in LOG.items() if k != "status"}]}, "status"),
    ({"test_cycle": "CL-1", "test_logs": [{**LOG, "exe_end_date": "soon"}]}, "exe_end_date"),
    ({"test_cycle": "CL-1", "test_logs": "all"}, "test_logs"),
])
@pytest.mark.parametrize("path", [V3, V31])
def test_malformed_batches_are_400(api, mock_state, body, fragment, path):
    assert_message(api.post(path, params={"type": "automation"}, json=body), 400, fragment)
    assert mock_state()["tables"].get("queue_processing", []) == []


def test_malformed_json(api):
    r = api.post(V3, params={"type": "automation"}, data="{]", headers={"Content-Type": "application/json"})
    assert_message(r, 400, "Malformed JSON")


@pytest.mark.parametrize("path, params", [
    (V3, {}), (V3, {"type": "jenkins"}), (V31, {}), (V31, {"type": "manual"}),
])
def test_type_must_be_automation_or_for_v31_jenkins(api, path, params):
    assert_message(api.post(path, params=params, json=BATCH), 400, "type")


def test_v31_needs_test_run_zero(api):
    r = api.post("/api/v3.1/projects/356/test-runs/6691/auto-test-logs", params={"type": "automation"}, json=BATCH)
    assert_message(r, 400, "testRunId")


def test_unknown_project(api):
    r = api.post("/api/v3/projects/999/auto-test-logs", params={"type": "automation"}, json=BATCH)
    assert_message(r, 404, "999")
    # the batch v3.1 endpoint answers an invalid project with 400 (swagger)
    r = api.post("/api/v3.1/projects/999/test-runs/0/auto-test-logs", params={"type": "automation"}, json=BATCH)
    assert_message(r, 400, "999")


def test_unknown_queue_job(api):
    assert_message(api.get("/api/v3/projects/queue-processing/42"), 404, "42")


def test_upload_needs_a_token(qtest):
    r = qtest.post(V3, params={"type": "automation"}, json=BATCH)
    assert r.status_code == 401 and r.json()["error"] == "unauthorized"
