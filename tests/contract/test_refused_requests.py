"""Refused means no trace: for every vendor, requests refused by the contract or by the handler (some
after the handler has already changed things) leave the tenant's state dump and outbox exactly as
they were; the same requests, corrected, do change them, so the check can fail."""

from __future__ import annotations

import base64

import pytest

from tests.conftest import vendor_client


def _basic(user: str, password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


BITBAR = {**_basic("bitbar-demo-key", ""), "Accept": "application/json"}
HAPPO = _basic("happo-demo-key", "happo-demo-secret")
SIPFRONT = _basic("sipfront-demo-public", "sipfront-demo-secret")
QTEST = {"Authorization": "bearer qtest-demo-token"}
HIPTEST = {"Accept": "application/vnd.api+json; version=1", "access-token": "hiptest-demo-token",
           "client": "hiptest-demo-client", "uid": "demo@example.com"}
HOST_GUID = "9CA1C201-EE4D-421B-88B6-8D5E6416C23E"

# vendor -> (headers, refused requests as (method, path, kwargs, status), the accepted request)
CASES = {
    "happo": (HAPPO, [
        # the fast-request-path issue's example: it used to leave two e-mails and a GitHub status behind
        ("POST", "/api/reports/base-sha/compare/same-sha", {"json": {"isAsync": "false"}}, 400),
        ("POST", "/api/reports/base-sha/compare/nowhere-sha", {"json": {}}, 404),
        ("POST", "/api/ignored-diffs", {"json": {"snapshot1Id": "snap-b2", "snapshot2Id": "no-such-snap"}}, 404),
    ], ("POST", "/api/reports/base-sha/compare/same-sha", {"json": {}}, 200)),
    "bitbar": (BITBAR, [
        ("POST", "/api/v2/me/projects", {"data": {"name": "x" * 300}}, 400),
        ("POST", "/api/v2/me/projects", {"data": {"name": "ok", "type": "NOT-A-TYPE"}}, 400),
        ("POST", "/api/v2/me/projects/999999/config", {"data": {"scheduler": "SERIAL"}}, 404),
    ], ("POST", "/api/v2/me/projects", {"data": {"name": "accepted"}}, 201)),
    "sipfront": (SIPFRONT, [
        ("POST", "/api/v2/tests/run", {"json": {"test.name": "no-such-test"}}, 404),
        ("POST", "/api/v2/tests/run", {"json": {"id": "one"}}, 400),
        ("POST", "/api/v2/tests/run", {"json": {"test.name": "your-test-name", "step.9.9.nope": "x"}}, 400),
    ], ("POST", "/api/v2/tests/run", {"json": {"test.name": "your-test-name"}}, 200)),
    "qtest": (QTEST, [
        ("POST", "/api/v3/automation/hosts/48/ping", {"json": {"host_guid": 5}}, 400),
        ("POST", "/api/v3/automation/hosts/999999/ping", {"json": {"host_guid": HOST_GUID}}, 404),
        ("POST", "/api/v3/automation/host", {"json": {"name": "h"}}, 400),
    ], ("POST", "/api/v3/automation/hosts/48/ping", {"json": {"host_guid": HOST_GUID}}, 200)),
    "hiptest": (HIPTEST, [
        ("POST", "/api/projects/61344/test_runs", {"json": {"data": {"attributes": {"name": 5}}}}, 422),
        ("POST", "/api/projects/61344/test_runs",
         {"json": {"data": {"attributes": {"name": "r", "scenario_ids": [999999]}}}}, 422),
        ("POST", "/api/projects/61344/scenarios/999999/tags", {"json": {"data": {"attributes": {"key": "k"}}}}, 404),
    ], ("POST", "/api/projects/61344/scenarios/710002/tags", {"json": {"data": {"attributes": {"key": "k"}}}}, 201)),
}


def _trace(server, client, vendor: str) -> tuple:
    params = {"vendor": vendor, "tenant": client.tenant}
    state = client.session.get(f"{server.url}/_mock/state", params=params, timeout=10)
    outbox = client.session.get(f"{server.url}/_mock/outbox", params=params, timeout=10)
    assert state.status_code == 200 and outbox.status_code == 200
    return state.json(), outbox.json()


@pytest.mark.parametrize("vendor", sorted(CASES))
def test_refused_requests_leave_no_trace(server, vendor):
    headers, refused, accepted = CASES[vendor]
    client = vendor_client(server, vendor)
    client.session.headers.update(headers)
    client.get("/", validate=False)  # build the tenant's state before the first trace
    before = _trace(server, client, vendor)
    for method, path, kwargs, status in refused:
        r = client.request(method, path, **kwargs)
        assert r.status_code == status, (method, path, r.status_code, r.text[:300])
        assert _trace(server, client, vendor) == before, (method, path)
    method, path, kwargs, status = accepted
    r = client.request(method, path, **kwargs)
    assert r.status_code == status, r.text[:300]
    assert _trace(server, client, vendor) != before
