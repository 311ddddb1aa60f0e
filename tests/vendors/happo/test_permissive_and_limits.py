"""A server of its own: permissive auth, a 1 MB upload limit, renders that finish at once (render_seconds 0)."""

from __future__ import annotations

import base64
import json

import pytest

from mockserver.settings import Settings
from tests.contract.validate import validator_for
from tests.harness import VendorClient, start_server

from .conftest import snap, token


@pytest.fixture(scope="module")
def loose_server():
    for attempt in range(5):
        try:
            running = start_server(Settings(auth="permissive", max_upload_mb=1,
                                            vendor_options={"happo": {"render_seconds": 0}}))
            break
        except (OSError, SystemExit):  # another process took a port of the free block in the meantime
            if attempt == 4:
                raise
    yield running
    running.stop()


@pytest.fixture
def loose(loose_server):
    return VendorClient(loose_server.vendor_url("happo"), "happo", validator=validator_for("happo"))


def test_permissive_accepts_any_well_formed_credential_and_creates_projects(loose):
    r = loose.post("/api/reports/p1", auth=("any-key", "any-secret"), json={"snaps": [snap()], "project": "brand-new"})
    assert r.status_code == 200
    assert loose.get("/api/reports/p1?project=brand-new", auth=("k", "s")).json()[0]["component"] == "Button"
    stranger = token(key="stranger", secret="whatever")
    assert loose.get("/api/reports/base-sha/status", headers={"Authorization": f"Bearer {stranger}"}).status_code == 200


@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": "Basic " + base64.b64encode(b"no-separator").decode()},
    {"Authorization": "Bearer garbage"},
    {"Authorization": f"Bearer {token(key='k', secret='s', kid='other')}"},
    {"Authorization": f"Bearer {token(key='k', secret='s', exp_in=-30)}"},
])
def test_permissive_still_rejects_missing_or_malformed_credentials(loose, headers):
    r = loose.get("/api/reports/base-sha/status", headers=headers)
    assert r.status_code == 401
    assert r.json()["error"]


def test_oversize_upload_is_413_in_the_vendor_shape(loose):
    big = {"snaps": [snap(url="https://cdn.example.com/" + "x" * 3000)] * 400}
    r = loose.post("/api/reports/huge", auth=("k", "s"), json=big)
    assert r.status_code == 413
    assert r.json() == {"error": "Request Entity Too Large"}
    assert loose.get("/api/reports/huge", auth=("k", "s")).status_code == 404


def test_render_seconds_option_makes_renders_finish_at_once(loose):
    payload = {"viewport": "320x240", "pages": [{"url": "https://example.com/", "title": "Home"}]}
    r = loose.post("/api/snap-requests", auth=("k", "s"), data={"type": "browser-chrome", "targetName": "chrome"},
                   files={"payload": ("payload.json", json.dumps(payload), "application/json")})
    done = loose.get(f"/api/snap-requests/{r.json()['requestId']}", auth=("k", "s")).json()
    assert done["status"] == "done" and done["result"][0]["width"] == 320
