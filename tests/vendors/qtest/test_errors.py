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
