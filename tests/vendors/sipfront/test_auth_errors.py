"""Credentials and the error shape: every body carries status, errors carry error and description."""

from __future__ import annotations

import base64

import pytest

from mockserver.settings import Settings
from tests.contract.validate import validator_for
from tests.harness import VendorClient, start_server
from tests.vendors.sipfront.helpers import API, AUTH

ROUTES = [
    ("GET", API), ("GET", f"{API}/appimages"), ("POST", f"{API}/appimages"), ("GET", f"{API}/projects"),
    ("GET", f"{API}/projects/1/status/last"), ("POST", f"{API}/projects/run"), ("GET", f"{API}/runs"),
    ("GET", f"{API}/runs/12345/status"), ("GET", f"{API}/runs/12345/stats"), ("GET", f"{API}/runs/12345/stats/mos"),
    ("GET", f"{API}/tests"), ("GET", f"{API}/tests/123/status/last"), ("GET", f"{API}/tests/123/stats"),
    ("GET", f"{API}/tests/123/stats/mos"), ("POST", f"{API}/tests/run"),
    ("GET", f"{API}/projects/runs/3c8d1e5a-7b2f-4a96-8e0d-5f1c9b7a2d10/status"),
    ("GET", "/report/session/bae59eae-c123-45ee-6789-6cb5e9a2b1c2"),
    ("GET", "/report/project/3c8d1e5a-7b2f-4a96-8e0d-5f1c9b7a2d10"),
]


def _assert_401(r, description_part):
    assert r.status_code == 401, r.text
    assert r.headers["WWW-Authenticate"].startswith("Basic")
    body = r.json()
    assert body["status"] == 401 and body["error"] == "Unauthorized"
    assert description_part in body["description"]


@pytest.mark.parametrize("method, path", ROUTES)
def test_every_route_needs_credentials(sipfront, method, path):
    _assert_401(sipfront.request(method, path), "HTTP Basic")
    _assert_401(sipfront.request(method, path, auth=("sipfront-demo-public", "wrong")), "Invalid API key")


@pytest.mark.parametrize("auth", [("nobody", "sipfront-demo-secret"), ("", ""),
                                  ("sipfront-demo-secret", "sipfront-demo-public")])
def test_wrong_key_pairs(sipfront, auth):
    _assert_401(sipfront.get(f"{API}/projects", auth=auth), "Invalid API key")


@pytest.mark.parametrize("header", ["Basic !!!not-base64!!!", "Basic " + base64.b64encode(b"no-colon").decode()])
def test_malformed_basic_header(sipfront, header):
    r = sipfront.get(f"{API}/projects", headers={"Authorization": header})
    assert r.status_code == 401 and r.json()["status"] == 401


def test_bearer_is_not_basic(sipfront):
    _assert_401(sipfront.get(f"{API}/projects", headers={"Authorization": "Bearer sipfront-demo-secret"}), "HTTP Basic")


def test_failed_auth_changes_nothing(sipfront):
    r = sipfront.post(f"{API}/tests/run", auth=("x", "y"), json={"test.name": "your-test-name"})
    assert r.status_code == 401
    assert sipfront.get(f"{API}/runs", auth=AUTH).json()["total"] == 10


def test_unknown_path_and_wrong_method_in_sipfront_shape(sipfront):
    # the paths below are deliberately outside the spec, so the spec cannot validate them
    r = sipfront.get(f"{API}/nothing-here", auth=AUTH, validate=False)
    assert r.status_code == 404
    assert r.json() == {"error": "Not Found", "description": "The requested URL was not found on the server",
                        "status": 404}
    r = sipfront.delete(f"{API}/projects", auth=AUTH, validate=False)
    assert r.status_code == 405 and r.json()["status"] == 405 and r.json()["error"] == "Method Not Allowed"
    assert "GET" in r.headers["Allow"]


@pytest.fixture(scope="module")
def lenient_server():
    running = start_server(Settings(auth="permissive", max_upload_mb=1))
    yield running
    running.stop()


def test_permissive_mode_takes_any_well_formed_pair(lenient_server):
    client = VendorClient(lenient_server.vendor_url("sipfront"), "sipfront", validator=validator_for("sipfront"))
    assert client.get(f"{API}/projects", auth=("anyone", "anything")).status_code == 200
    _assert_401(client.get(f"{API}/projects"), "HTTP Basic")


def test_oversize_upload_is_413_in_sipfront_shape(lenient_server):
    client = VendorClient(lenient_server.vendor_url("sipfront"), "sipfront", validator=validator_for("sipfront"))
    r = client.post(f"{API}/appimages", auth=AUTH, files={"file": ("big.apk", b"x" * (1024 * 1024 + 10))})
    assert r.status_code == 413
    assert r.json()["status"] == 413 and r.json()["error"] == "Request Entity Too Large"
    assert len(client.get(f"{API}/appimages", auth=AUTH).json()["appimages"]) == 2
