"""Sign-in, the four headers, Accept, the expiry header and the ten-token limit."""

from __future__ import annotations

from datetime import datetime, timezone

from .conftest import ACCEPT, DEMO_EXPIRY, DEMO_HEADERS

SIGN_IN = "/api/auth/sign_in"
GOOD = {"email": "demo@example.com", "password": "demo-password"}


def _headers_of(r) -> dict:
    return {"Accept": ACCEPT, "access-token": r.headers["access-token"], "client": r.headers["client"],
            "uid": r.headers["uid"]}


def test_sign_in_returns_the_credentials_in_headers_valid_one_year(hiptest, frozen):
    r = hiptest.post(SIGN_IN, json=GOOD)
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/json; charset=utf-8"
    assert r.headers["token-type"] == "Bearer"
    assert r.headers["uid"] == "demo@example.com"
    assert r.headers["access-token"] and r.headers["client"] and r.headers["access-token"] != "hiptest-demo-token"
    signed_at = datetime(2024, 3, 1, 12, tzinfo=timezone.utc).timestamp()
    assert int(r.headers["expiry"]) == int(signed_at) + 365 * 86400
    assert r.json()["data"][0]["email"] == "demo@example.com"
    projects = hiptest.get("/api/projects", headers=_headers_of(r))
    assert projects.status_code == 200
    assert projects.headers["expiry"] == r.headers["expiry"]


def test_sign_in_takes_form_parameters_too(hiptest):
    r = hiptest.post(SIGN_IN, data=GOOD)
    assert r.status_code == 200 and r.headers["uid"] == "demo@example.com"


def test_wrong_password_unknown_user_and_missing_fields_are_401(hiptest):
    for body in ({**GOOD, "password": "nope"}, {"email": "ghost@example.com", "password": "demo-password"},
                 {"email": "demo@example.com"}, {}):
        r = hiptest.post(SIGN_IN, json=body)
        assert r.status_code == 401, body
        assert r.json() == {"errors": ["Invalid login credentials. Please try again."]}
        assert "access-token" not in r.headers


def test_sign_in_with_malformed_json_is_400(hiptest):
    r = hiptest.post(SIGN_IN, data="{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert r.json()["errors"][0].startswith("Malformed JSON")


def test_token_expires_after_a_year_on_the_mock_clock(hiptest, frozen):
    headers = _headers_of(hiptest.post(SIGN_IN, json=GOOD))
    frozen(364 * 86400)
    assert hiptest.get("/api/projects", headers=headers).status_code == 200
    frozen(2 * 86400)
    r = hiptest.get("/api/projects", headers=headers)
    assert r.status_code == 401
    assert r.json() == {"errors": ["You need to sign in or sign up before continuing."]}


def test_eleventh_sign_in_retires_the_oldest_token(hiptest):
    tokens = [_headers_of(hiptest.post(SIGN_IN, json=GOOD)) for _ in range(11)]
    assert len({t["client"] for t in tokens}) == 11
    assert hiptest.get("/api/projects", headers=tokens[0]).status_code == 401
    for headers in tokens[1:]:
        assert hiptest.get("/api/projects", headers=headers).status_code == 200
    # the ready-made demo token is pinned: it is not one of the ten and survives
    assert hiptest.get("/api/projects", headers=DEMO_HEADERS).status_code == 200


def test_every_call_needs_the_three_credential_headers(hiptest):
    for missing in ("access-token", "client", "uid"):
        headers = {k: v for k, v in DEMO_HEADERS.items() if k != missing}
        r = hiptest.get("/api/projects", headers=headers)
        assert r.status_code == 401, missing
        assert r.json() == {"errors": ["You need to sign in or sign up before continuing."]}
        assert r.headers["Content-Type"] == "application/vnd.api+json"
        assert "expiry" not in r.headers


def test_a_token_must_match_its_client_and_uid(hiptest):
    for key, value in (("access-token", "forged"), ("client", "someone-else"), ("uid", "other@example.com")):
        r = hiptest.get("/api/projects", headers={**DEMO_HEADERS, key: value})
        assert r.status_code == 401, key


def test_accept_must_ask_for_json_api_version_1(hiptest):
    for accept in (None, "application/json", "application/vnd.api+json", "application/vnd.api+json; version=2", "*/*"):
        headers = {k: v for k, v in DEMO_HEADERS.items() if k != "Accept"}
        headers["Accept"] = accept if accept is not None else ""
        r = hiptest.get("/api/projects", headers=headers)
        assert r.status_code == 406, accept
        assert "application/vnd.api+json; version=1" in r.json()["errors"][0]
    ok = hiptest.get("/api/projects", headers={**DEMO_HEADERS, "Accept": "application/vnd.api+json;version=1, */*"})
    assert ok.status_code == 200


def test_every_authenticated_response_carries_expiry(api):
    for path in ("/api/projects", "/api/projects/61344", "/api/projects/61344/test_runs", "/api/projects/999"):
        r = api.get(path)
        assert r.headers["expiry"] == DEMO_EXPIRY, path


def test_unknown_paths_and_methods_answer_in_the_errors_shape(api):
    # neither is a route of the spec, so the validator cannot describe them
    r = api.get("/api/nothing-here", validate=False)
    assert r.status_code == 404 and r.json() == {"errors": ["Not Found"]}
    r = api.delete("/api/projects", validate=False)
    assert r.status_code == 405 and r.json() == {"errors": ["Method Not Allowed"]}
