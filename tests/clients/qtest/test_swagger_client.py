"""qTest's own generated Python client (PyPI qtest-swagger-client, "qTest Manager API 11.0.0") against the mock.

It covers the public half of the surface: log in, token status, schedule jobs, batch upload (v3
and v3.1) and the queue-processing poll. The host/agent half has no public Python client (the
Java SDK only); tests/vendors/qtest/test_loop.py drives it over HTTP.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime, timezone

import pytest
import requests
import swagger_client
from swagger_client.rest import ApiException

from tests.harness import new_tenant


@pytest.fixture
def api_client(server):
    config = swagger_client.Configuration()
    config.host = server.port_url("qtest")
    client = swagger_client.ApiClient(config)
    client.set_default_header("X-Mock-Tenant", new_tenant("qtest-client"))
    yield client, config


def logged_in(api_client):
    client, config = api_client
    login = swagger_client.LoginApi(client)
    token = login.post_access_token(grant_type="password", username="demo@example.com", password="demo-password",
                                    authorization="Basic " + base64.b64encode(b"apitryout:").decode())
    config.api_key["Authorization"] = token.access_token
    config.api_key_prefix["Authorization"] = token.token_type
    return token


def test_login_and_token_status(api_client):
    token = logged_in(api_client)
    assert token.token_type == "bearer" and token.agent == "apitryout" and token.expires_in == 3600
    status = swagger_client.LoginApi(api_client[0]).token_status()
    assert 0 < status.validity_in_milliseconds <= 3600_000


def test_wrong_password_raises_with_the_oauth_body(api_client):
    with pytest.raises(ApiException) as err:
        swagger_client.LoginApi(api_client[0]).post_access_token(
            grant_type="password", username="demo@example.com", password="nope")
    assert err.value.status == 400
    assert '"invalid_grant"' in err.value.body


def test_refresh_token_grant(api_client):
    token = logged_in(api_client)
    fresh = swagger_client.LoginApi(api_client[0]).post_access_token(
        grant_type="refresh_token", refresh_token=token.refresh_token,
        authorization="Basic " + base64.b64encode(b"qtest-api:").decode())
    assert fresh.access_token != token.access_token and fresh.refresh_token == token.refresh_token


def test_schedule_then_upload_and_track_to_success(api_client, server, control):
    control.post(f"{server.url}/_mock/clock", json={"set": "2026-10-01T09:00:00Z"}, timeout=10)
    logged_in(api_client)
    client = api_client[0]

    schedule_id = swagger_client.AutomationJobApi(client).create_schedule(swagger_client.AutomationScheduleCreationAPI(
        name="from the client", agent_id=148, project_id=356, test_run_ids=[6691],
        start_date=datetime(2026, 10, 1, 9, 30, tzinfo=timezone.utc)))
    assert schedule_id == 246
    jobs = requests.get(f"{server.port_url('qtest')}/api/v3/automation/hosts/86/jobs",
                        params={"start_date": "2026-10-01T00:00:00Z", "end_date": "2026-10-02T00:00:00Z"},
                        headers={**client.default_headers, "Authorization": "bearer qtest-demo-token"},
                        timeout=10).json()
    assert [(j["schedule_id"], j["start_date"]) for j in jobs] == [(246, "2026-10-01T09:30:00+00:00")]

    logs = swagger_client.TestLogApi(client)
    log = swagger_client.AutomationTestLogResource(
        name="GebLogin", status="PASSED", automation_content="groovy.GebLogin", module_names=["groovy"],
        exe_start_date=datetime(2026, 10, 1, 9, 30, tzinfo=timezone.utc),
        exe_end_date=datetime(2026, 10, 1, 9, 31, tzinfo=timezone.utc))
    queued = logs.submit_automation_test_logs_with_tree_structure(
        356, swagger_client.AutomationRequest(test_cycle="CL-1", test_logs=[log]), "automation")
    assert queued.state == "IN_WAITING" and queued.type == "AUTOMATION_TEST_LOG"
    batch = logs.submit_automation_test_logs(
        356, swagger_client.AutomationRequest(test_cycle="1001", test_logs=[log]), "automation", 0)
    assert batch.id == queued.id + 1

    control.post(f"{server.url}/_mock/clock", json={"advance_seconds": 3}, timeout=10)
    assert logs.track(queued.id).state == "IN_PROCESSING"
    control.post(f"{server.url}/_mock/clock", json={"advance_seconds": 10}, timeout=10)
    assert logs.track(queued.id).state == "SUCCESS"
    assert logs.track(batch.id).state == "SUCCESS"

    with pytest.raises(ApiException) as err:
        logs.track(999)
    assert err.value.status == 404 and err.value.headers.get("x-qtest-request-id")


def test_v31_batch_into_a_test_suite_without_a_test_cycle(api_client, server, control):
    # the client's AutomationRequest: test_suite, parent_module and execution_date, no test_cycle
    control.post(f"{server.url}/_mock/clock", json={"set": "2026-10-01T09:00:00Z"}, timeout=10)
    logged_in(api_client)
    logs = swagger_client.TestLogApi(api_client[0])
    log = swagger_client.AutomationTestLogResource(
        name="GebLogin", status="PASSED", automation_content="groovy.GebLogin",
        exe_start_date=datetime(2026, 10, 1, 9, 30, tzinfo=timezone.utc),
        exe_end_date=datetime(2026, 10, 1, 9, 31, tzinfo=timezone.utc))
    request = swagger_client.AutomationRequest(test_suite="TS-1", parent_module="12", test_logs=[log],
                                               execution_date=datetime(2026, 10, 1, 9, 30, tzinfo=timezone.utc))
    queued = logs.submit_automation_test_logs(356, request, "automation", 0)
    assert queued.state == "IN_WAITING"
    control.post(f"{server.url}/_mock/clock", json={"advance_seconds": 10}, timeout=10)
    done = logs.track(queued.id)
    assert done.state == "SUCCESS"
    assert json.loads(done.content)["testSuiteId"] == 2001


def test_calls_without_login_are_unauthorized(api_client):
    with pytest.raises(ApiException) as err:
        swagger_client.TestLogApi(api_client[0]).track(1)
    assert err.value.status == 401 and '"unauthorized"' in err.value.body
