"""Hiptest test helpers: a client carrying the demo's four headers, and json:api shortcuts."""

from __future__ import annotations

import pytest

ACCEPT = "application/vnd.api+json; version=1"
DEMO_HEADERS = {"Accept": ACCEPT, "access-token": "hiptest-demo-token", "client": "hiptest-demo-client",
                "uid": "demo@example.com"}
DEMO_EXPIRY = "4102444800"
CASH, BOOKS = 61344, 46292
SPRINT, CI = 107423, 107422


@pytest.fixture
def api(hiptest):
    """The per-test hiptest client (own tenant, spec-validated) signed in with the demo token."""
    hiptest.session.headers.update(DEMO_HEADERS)
    return hiptest


@pytest.fixture
def frozen(control, server):
    """Freeze the mock clock at a known instant; returns a function that advances it."""
    control.post(f"{server.url}/_mock/clock", json={"set": "2024-03-01T12:00:00Z"}, timeout=10)

    def advance(seconds):
        r = control.post(f"{server.url}/_mock/clock", json={"advance_seconds": seconds}, timeout=10)
        assert r.status_code == 200
    return advance


def doc(attributes=None, type_=None, id_=None, relationships=None) -> dict:
    data = {"attributes": attributes or {}}
    if type_ is not None:
        data["type"] = type_
    if id_ is not None:
        data["id"] = id_
    if relationships is not None:
        data["relationships"] = relationships
    return {"data": data}


def run_path(run=SPRINT, project=CASH) -> str:
    return f"/api/projects/{project}/test_runs/{run}"


def snapshots(api, run=SPRINT, project=CASH) -> list[dict]:
    r = api.get(run_path(run, project) + "/test_snapshots")
    assert r.status_code == 200
    return r.json()["data"]


def statuses(api, run=SPRINT, project=CASH) -> dict:
    r = api.get(run_path(run, project))
    assert r.status_code == 200
    return r.json()["data"]["attributes"]["statuses"]
