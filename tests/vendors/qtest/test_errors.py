"""Unknown paths, wrong methods, oversize bodies: always qTest's {"message"} shape, never a 500."""

from __future__ import annotations

import pytest

from mockserver.settings import Settings
from tests.contract.validate import validator_for
from tests.harness import VendorClient, start_server

from .conftest import DEMO_TOKEN, assert_message


def test_unknown_path(api):
    # the spec cannot describe a path that does not exist
    r = api.get("/api/v3/no-such-thing", validate=False)
    assert_message(r, 404, "Not Found")


def test_non_integer_id_is_not_found(api):
    r = api.put("/api/v3/automation/hosts/abc", json={}, validate=False)
    assert_message(r, 404)


@pytest.mark.parametrize("method, path", [
    ("GET", "/api/v3/automation/host"),
    ("DELETE", "/api/v3/automation/hosts/48"),
    ("POST", "/api/v3/automation/hosts/48/jobs"),
    ("GET", "/oauth/token"),
    ("POST", "/oauth/status"),
])
def test_wrong_method(api, method, path):
    # a method the path does not serve has no operation in the spec to validate against
    r = api.request(method, path, validate=False)
    assert_message(r, 405, "Method Not Allowed")
    assert r.headers["Allow"]


@pytest.fixture(scope="module")
def small_server():
    running = start_server(Settings(vendors=("qtest",), vendor_ports=False, max_upload_mb=1))
    yield running
    running.stop()


def test_oversize_upload_is_413_and_changes_nothing(small_server):
    client = VendorClient(small_server.vendor_url("qtest"), "qtest", validator=validator_for("qtest"))
    client.session.headers["Authorization"] = f"bearer {DEMO_TOKEN}"
    huge = {"test_cycle": "CL-1", "test_logs": [{"status": "PASSED", "note": "x" * (1024 * 1024 + 10),
            "exe_start_date": "2026-01-01T00:00:00Z", "exe_end_date": "2026-01-01T00:00:01Z"}]}
    r = client.post("/api/v3/projects/356/auto-test-logs", params={"type": "automation"}, json=huge)
    assert_message(r, 413, "Request Entity Too Large")
    assert client.get("/api/v3/projects/queue-processing/1").status_code == 404


@pytest.fixture(scope="module")
def unguarded_server():
    running = start_server(Settings(vendors=("qtest",), vendor_ports=False, validate_requests=False))
    yield running
    running.stop()


@pytest.mark.parametrize("method, path, body, fragment", [
    ("POST", "/api/v3/automation/host", {"host_name": 5}, "host_guid"),
    ("POST", "/api/v3/automation/hosts/48/ping", [], "JSON object"),
    ("POST", "/api/v3/projects/10/automation/hosts/83/agents", {"agent_client_id": "1" * 5000}, "agent_client_id"),
    ("PUT", "/api/v3/projects/356/automation/jobs/648/status", {"status": 3}, "Invalid job status"),
    ("POST", "/api/v3/automation/jobs/schedule/create", {"agentId": "148"}, "agentId"),
    ("POST", "/api/v3/projects/356/auto-test-logs?type=automation", {"test_cycle": "CL-1", "test_logs": "x"},
     "test_logs"),
])
def test_without_request_validation_bad_input_is_still_a_400(unguarded_server, method, path, body, fragment):
    # --no-validate-requests lets the request reach the handler, whose only declaration of the
    # wire shape is the spec: it checks it there rather than failing on what it cannot read
    client = VendorClient(unguarded_server.vendor_url("qtest"), "qtest", validator=validator_for("qtest"))
    client.session.headers["Authorization"] = f"bearer {DEMO_TOKEN}"
    assert_message(client.request(method, path, json=body), 400, fragment)
