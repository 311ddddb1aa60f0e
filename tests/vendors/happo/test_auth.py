"""Basic and JWT authentication, the error shape, pull-request tokens."""

from __future__ import annotations

import base64

import pytest

from .conftest import KEY, SECRET, token

PATH = "/api/reports/base-sha/status"


def _bearer(happo, tok):
    return happo.get(PATH, headers={"Authorization": f"Bearer {tok}"})


def test_basic_auth_with_the_demo_key(api):
    r = api.get(PATH)
    assert r.status_code == 200
    assert r.json()["snapshotCount"] == 4


@pytest.mark.parametrize("header", [
    None,
    "Basic " + base64.b64encode(f"{KEY}:wrong".encode()).decode(),
    "Basic " + base64.b64encode(b"nobody:secret").decode(),
    "Basic !!!not-base64",
    "Basic " + base64.b64encode(b"no-colon").decode(),
    "Token abc",
])
def test_bad_basic_or_missing_credentials_are_401_json(happo, header):
    r = happo.get(PATH, headers={"Authorization": header} if header else {})
    assert r.status_code == 401
    assert r.headers["Content-Type"].startswith("application/json")
    assert isinstance(r.json()["error"], str) and r.json()["error"]


def test_jwt_as_the_clients_sign_it(happo):
    assert _bearer(happo, token()).status_code == 200
    assert _bearer(happo, token(exp_in=None)).status_code == 200


# tokens are signed when the test runs: signed at collection they would expire in a long suite
@pytest.mark.parametrize("make, reason", [
    (lambda: token(secret="not-the-secret"), "signature"),
    (lambda: token(key="unknown-key", secret="x"), "Unknown API key"),
    (lambda: token(kid="other-team-key", secret="other-team-secret"), "kid"),
    (lambda: token(exp_in=-60), "expired"),
    (lambda: "not.a.jwt", "Malformed"),
], ids=["signature", "unknown-key", "kid", "expired", "malformed"])
def test_bad_jwts_are_401(happo, make, reason):
    r = _bearer(happo, make())
    assert r.status_code == 401
    assert reason in r.json()["error"]


def test_jwt_expiry_is_judged_by_the_wall_clock_not_the_mock_clock(happo, server, control):
    control.post(f"{server.url}/_mock/clock", json={"advance_seconds": 86400})
    assert _bearer(happo, token(exp_in=300)).status_code == 200
    control.post(f"{server.url}/_mock/clock", json={"advance_seconds": -2 * 86400})
    assert _bearer(happo, token(exp_in=-5)).status_code == 401


def test_accounts_only_see_their_own_projects(happo):
    r = happo.get("/api/reports/base-sha", auth=("other-team-key", "other-team-secret"))
    assert r.status_code == 200
    assert [s["component"] for s in r.json()] == ["Header"]
    r = happo.get("/api/reports/base-sha?project=storybook", auth=("other-team-key", "other-team-secret"))
    assert r.status_code == 404
    assert r.json() == {"error": 'Project "storybook" not found'}


def test_pull_request_token_then_jwt_with_the_pr_url_as_key(happo):
    pr = "https://github.com/happo/demo/pull/3"
    r = happo.post("/api/pull-request-token", json={"prUrl": pr})
    assert r.status_code == 200
    secret = r.json()["secret"]
    assert _bearer(happo, token(key=pr, secret=secret)).status_code == 200
    assert _bearer(happo, token(key=pr, secret=secret + "x")).status_code == 401


@pytest.mark.parametrize("body", [{}, {"prUrl": "not a url"}, {"prUrl": 5}])
def test_pull_request_token_rejects_bad_bodies(happo, body):
    r = happo.post("/api/pull-request-token", json=body)
    assert r.status_code == 400
    assert "prUrl" in r.json()["error"]


def test_unknown_path_and_wrong_method_use_the_error_shape(api):
    # neither request is describable in the spec: the path does not exist / the method is not served
    r = api.get("/api/nope", validate=False)
    assert r.status_code == 404 and r.json() == {"error": "Not Found"}
    r = api.delete("/api/reports/base-sha", validate=False)
    assert r.status_code == 405 and r.json() == {"error": "Method Not Allowed"}
    assert "POST" in r.headers["Allow"]


def test_the_vendor_port_serves_the_same_api(server):
    import requests

    r = requests.get(f"{server.port_url('happo')}{PATH}", auth=(KEY, SECRET), timeout=10)
    assert r.status_code == 200
    assert r.json()["url"].startswith(server.port_url("happo") + "/a/1/p/1/report/")
