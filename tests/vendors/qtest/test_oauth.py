"""OAuth: password and refresh grants, bearer checks, token expiry on the mock clock."""

from __future__ import annotations

import base64

import pytest

from .conftest import DEMO_TOKEN, assert_message, assert_oauth

LOGIN = {"grant_type": "password", "username": "demo@example.com", "password": "demo-password"}
FULL_AUTH = "Full authentication is required to access this resource"
SITE = "Basic " + base64.b64encode(b"apitryout:").decode()


def login(qtest, **extra):
    r = qtest.post("/oauth/token", data={**LOGIN, **extra}, headers={"Authorization": SITE})
    assert r.status_code == 200, r.text
    return r.json()


def test_password_grant_in_form_body(qtest):
    body = login(qtest)
    assert body["token_type"] == "bearer"
    assert body["agent"] == "apitryout"
    assert body["expires_in"] == 3600
    assert "execute" in body["scope"].split()
    assert len(body["access_token"]) == 36 and body["access_token"].count("-") == 4
    assert body["refresh_token"] != body["access_token"]
    r = qtest.get("/oauth/status", headers={"Authorization": f"bearer {body['access_token']}"})
    assert r.status_code == 200
    assert 3590_000 <= r.json()["validityInMilliseconds"] <= 3600_000


def test_password_grant_in_query_string_without_client_header(qtest):
    # the Jenkins plugin sends its parameters in the query of a body-less POST
    r = qtest.post("/oauth/token", params=LOGIN)
    assert r.status_code == 200, r.text
    assert r.json()["agent"] == "qtest-api"


def test_grant_type_defaults_to_password(qtest):
    r = qtest.post("/oauth/token", data={"username": "demo@example.com", "password": "demo-password"})
    assert r.status_code == 200


@pytest.mark.parametrize("form", [
    {**LOGIN, "password": "wrong"},
    {**LOGIN, "username": "nobody@example.com"},
    {"grant_type": "password", "username": "demo@example.com"},
    {"grant_type": "password"},
])
def test_bad_credentials(qtest, form):
    r = qtest.post("/oauth/token", data=form)
    assert_oauth(r, 400, "invalid_grant", "Bad credentials")


def test_non_string_credentials_in_json_are_bad_credentials(qtest):
    r = qtest.post("/oauth/token", json={"grant_type": "password", "username": {"a": 1}, "password": 5})
    assert_oauth(r, 400, "invalid_grant", "Bad credentials")


def test_unsupported_grant_type(qtest):
    r = qtest.post("/oauth/token", data={**LOGIN, "grant_type": "client_credentials"})
    assert_oauth(r, 400, "unsupported_grant_type", "Unsupported grant type: client_credentials")


@pytest.mark.parametrize("body, error, description", [
    ({"grant_type": 5}, "unsupported_grant_type", "Unsupported grant type: 5"),
    ({"grant_type": "refresh_token", "refresh_token": ["x"]}, "invalid_grant", 'Invalid refresh token: ["x"]'),
])
def test_non_string_grant_parameters_in_json(qtest, body, error, description):
    assert_oauth(qtest.post("/oauth/token", json=body), 400, error, description)


def test_unsupported_grant_type_in_the_query(qtest):
    r = qtest.post("/oauth/token", params={**LOGIN, "grant_type": "implicit"})
    assert_oauth(r, 400, "unsupported_grant_type", "Unsupported grant type: implicit")


def test_the_client_header_is_checked_before_the_parameters(qtest):
    r = qtest.post("/oauth/token", data={**LOGIN, "grant_type": "client_credentials"},
                   headers={"Authorization": "Basic !!!not-base64"})
    assert_oauth(r, 401, "invalid_client", "Bad client credentials")


def test_malformed_basic_client_header(qtest):
    r = qtest.post("/oauth/token", data=LOGIN, headers={"Authorization": "Basic !!!not-base64"})
    assert_oauth(r, 401, "invalid_client", "Bad client credentials")


def test_malformed_json_body_is_a_message_400(qtest):
    r = qtest.post("/oauth/token", data="{nope", headers={"Content-Type": "application/json"})
    assert_message(r, 400, "Malformed JSON")


def test_token_expires_on_the_mock_clock_and_refresh_gives_a_new_one(qtest, clock):
    clock.set("2026-03-01T10:00:00Z")
    body = login(qtest)
    bearer = {"Authorization": f"Bearer {body['access_token']}"}
    status = qtest.get("/oauth/status", headers=bearer).json()
    assert status == {"expiration": 1772362800000, "validityInMilliseconds": 3600_000}

    clock.advance(3599)
    assert qtest.get("/oauth/status", headers=bearer).json()["validityInMilliseconds"] == 1000
    clock.advance(1)
    r = qtest.get("/oauth/status", headers=bearer)
    assert_oauth(r, 401, "invalid_token", f"Access token expired: {body['access_token']}")
    assert "invalid_token" in r.headers["WWW-Authenticate"]

    r = qtest.post("/oauth/token", params={"grant_type": "refresh_token", "refresh_token": body["refresh_token"]})
    assert r.status_code == 200, r.text
    fresh = r.json()
    assert fresh["access_token"] != body["access_token"]
    assert fresh["refresh_token"] == body["refresh_token"]
    assert fresh["expires_in"] == 3600
    assert qtest.get("/oauth/status", headers={"Authorization": f"bearer {fresh['access_token']}"}).status_code == 200
    # the expired one stays expired
    assert qtest.get("/oauth/status", headers=bearer).status_code == 401


def test_a_refresh_revokes_the_access_token_it_replaces(qtest):
    first, other = login(qtest), login(qtest)
    r = qtest.post("/oauth/token", params={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]})
    assert r.status_code == 200, r.text
    fresh = r.json()["access_token"]
    # as Spring OAuth's token services do: the old access token is gone, not merely older
    stale = qtest.get("/oauth/status", headers={"Authorization": f"bearer {first['access_token']}"})
    assert_oauth(stale, 401, "invalid_token", f"Invalid access token: {first['access_token']}")
    assert qtest.get("/oauth/status", headers={"Authorization": f"bearer {fresh}"}).status_code == 200
    # a token of another login is untouched; refreshing again revokes the fresh one in turn
    assert qtest.get("/oauth/status", headers={"Authorization": f"bearer {other['access_token']}"}).status_code == 200
    qtest.post("/oauth/token", params={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]})
    assert qtest.get("/oauth/status", headers={"Authorization": f"bearer {fresh}"}).status_code == 401


def test_refresh_token_expires_after_thirty_days(qtest, clock):
    clock.set("2026-03-01T10:00:00Z")
    refresh = login(qtest)["refresh_token"]
    clock.advance(30 * 24 * 3600)
    r = qtest.post("/oauth/token", data={"grant_type": "refresh_token", "refresh_token": refresh})
    assert_oauth(r, 400, "invalid_grant", f"Invalid refresh token (expired): {refresh}")


@pytest.mark.parametrize("form, description", [
    ({"grant_type": "refresh_token", "refresh_token": "not-a-token"}, "Invalid refresh token: not-a-token"),
    ({"grant_type": "refresh_token"}, "Missing refresh token"),
])
def test_bad_refresh_token(qtest, form, description):
    assert_oauth(qtest.post("/oauth/token", data=form), 400, "invalid_grant", description)


def test_missing_token_is_unauthorized(qtest):
    r = qtest.get("/oauth/status")
    assert_oauth(r, 401, "unauthorized", FULL_AUTH)
    r = qtest.post("/api/v3/automation/host", json={})
    assert_oauth(r, 401, "unauthorized", FULL_AUTH)


def test_basic_header_on_an_api_call_is_unauthorized(qtest):
    r = qtest.get("/oauth/status", headers={"Authorization": SITE})
    assert_oauth(r, 401, "unauthorized", FULL_AUTH)


def test_unknown_token_is_invalid_token(qtest):
    r = qtest.get("/api/v3/automation/hosts/48/jobs", params={"end_date": "2015-04-28T17:00:00+0700"},
                  headers={"Authorization": "bearer 0000"})
    assert_oauth(r, 401, "invalid_token", "Invalid access token: 0000")


@pytest.mark.parametrize("header", [f"bearer {DEMO_TOKEN}", f"Bearer {DEMO_TOKEN}", f"BEARER {DEMO_TOKEN}", DEMO_TOKEN])
def test_scheme_is_case_insensitive_and_the_sdks_bare_token_works(qtest, header):
    r = qtest.get("/oauth/status", headers={"Authorization": header})
    assert r.status_code == 200
    # API & SDK page tokens never expire: reported as valid until the year 9999
    assert r.json()["expiration"] == 253402300799000


def test_sdk_signature_headers_are_ignored(qtest):
    r = qtest.get("/oauth/status", headers={
        "Authorization": DEMO_TOKEN, "x-qtest-action": "ListJob", "x-qtest-api-version": "V3",
        "x-qtest-nonce": "abc", "x-qtest-date": "20150428T170000+0700", "x-qtest-content-sha256": "00",
    })
    assert r.status_code == 200
