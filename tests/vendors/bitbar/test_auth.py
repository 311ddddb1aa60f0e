"""Authentication: API key as Basic user, OAuth 2.0 tokens (Bearer or ?access_token=), the 401 shape."""

from __future__ import annotations

import base64

from .conftest import API_KEY, ME, USER_ID

UNAUTH = {"statusCode": 401, "message": "Full authentication is required to access this resource"}
TOKEN_QUERY = {"client_id": "testdroid-cloud-api", "grant_type": "password", "username": "demo@example.com",
               "password": "demo-password"}


def test_api_key_as_basic_user_with_empty_password(bitbar):
    r = bitbar.get(ME, auth=(API_KEY, ""), headers={"Accept": "application/json"})
    assert r.status_code == 200
    assert r.json()["id"] == USER_ID and r.json()["email"] == "demo@example.com"


def test_missing_credentials_are_a_401_in_the_vendor_shape(bitbar):
    r = bitbar.get(ME, headers={"Accept": "application/json"})
    assert r.status_code == 401 and r.json() == UNAUTH


def test_missing_credentials_answer_xml_by_default(bitbar):
    r = bitbar.get(ME)
    assert r.status_code == 401 and r.headers["Content-Type"].startswith("application/xml")
    assert "<statusCode>401</statusCode>" in r.text and UNAUTH["message"] in r.text


def test_wrong_key_and_malformed_header_are_401(bitbar):
    assert bitbar.get(ME, auth=("nope", ""), headers={"Accept": "application/json"}).json() == UNAUTH
    r = bitbar.get(ME, headers={"Accept": "application/json", "Authorization": "Basic %%%"})
    assert r.status_code == 401 and r.json() == UNAUTH
    r = bitbar.get(ME, headers={"Accept": "application/json", "Authorization": "Bearer unknown-token"})
    assert r.status_code == 401


def test_every_account_prefix_is_the_same_account(bb):
    for path in ("/api/v2/me", "/api/me", f"/api/v2/users/{USER_ID}"):
        assert bb.get(path).json()["id"] == USER_ID
    assert bb.get("/api/me/projects").json()["total"] == bb.get(f"/api/v2/users/{USER_ID}/projects").json()["total"]


def test_another_users_id_is_a_404(bb):
    r = bb.get("/api/v2/users/278815/projects")
    assert r.status_code == 404 and r.json()["statusCode"] == 404


def test_devices_need_no_credentials(bitbar):
    r = bitbar.get("/api/v2/devices", headers={"Accept": "application/json"})
    assert r.status_code == 200 and r.json()["total"] >= 10


def test_password_grant_by_get_query_gives_a_bearer_token(bitbar):
    r = bitbar.get("/oauth/token", params=TOKEN_QUERY, headers={"Accept": "application/json"})
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"access_token", "token_type", "refresh_token", "expires_in", "scope"}
    assert body["token_type"] == "bearer" and body["expires_in"] == 3599 and body["scope"] == "read write"
    me = bitbar.get(ME, headers={"Accept": "application/json", "Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200 and me.json()["id"] == USER_ID
    me = bitbar.get(ME, params={"access_token": body["access_token"]}, headers={"Accept": "application/json"})
    assert me.status_code == 200 and me.json()["id"] == USER_ID


def test_password_grant_by_form_post_as_testdroid_2_sends_it(bitbar):
    r = bitbar.post("/oauth/token", data=TOKEN_QUERY, headers={"Accept": "application/json"})
    assert r.status_code == 200 and r.json()["access_token"]


def test_refresh_grant_issues_a_new_access_token(bitbar):
    first = bitbar.post("/oauth/token", data=TOKEN_QUERY, headers={"Accept": "application/json"}).json()
    r = bitbar.post("/oauth/token", headers={"Accept": "application/json"},
                    json={"client_id": "testdroid-cloud-api", "grant_type": "refresh_token",
                          "refresh_token": first["refresh_token"]})
    assert r.status_code == 200
    second = r.json()
    assert second["access_token"] != first["access_token"] and second["refresh_token"] == first["refresh_token"]
    assert bitbar.get(ME, params={"access_token": second["access_token"]},
                      headers={"Accept": "application/json"}).status_code == 200


def test_token_errors(bitbar):
    h = {"Accept": "application/json"}
    r = bitbar.post("/oauth/token", data={**TOKEN_QUERY, "password": "wrong"}, headers=h)
    assert r.status_code == 400 and r.json() == {"statusCode": 400, "message": "Bad credentials"}
    r = bitbar.post("/oauth/token", data={**TOKEN_QUERY, "client_id": "other"}, headers=h)
    assert r.status_code == 401
    r = bitbar.post("/oauth/token", data={**TOKEN_QUERY, "grant_type": "implicit"}, headers=h)
    assert r.status_code == 400 and "grant_type" in r.json()["message"]
    r = bitbar.post("/oauth/token", data={"client_id": "testdroid-cloud-api", "grant_type": "refresh_token",
                                          "refresh_token": "nope"}, headers=h)
    assert r.status_code == 400
    r = bitbar.post("/oauth/token", data={"client_id": "testdroid-cloud-api", "grant_type": "password"}, headers=h)
    assert r.status_code == 400


def test_access_token_expires_on_the_mock_clock(bitbar, clock):
    clock.set()
    token = bitbar.get("/oauth/token", params=TOKEN_QUERY, headers={"Accept": "application/json"}).json()
    h = {"Accept": "application/json", "Authorization": f"Bearer {token['access_token']}"}
    clock.advance(3598)
    assert bitbar.get(ME, headers=h).status_code == 200
    clock.advance(2)
    r = bitbar.get(ME, headers=h)
    assert r.status_code == 401 and "expired" in r.json()["message"]


def test_basic_header_built_by_hand_matches_the_client(bitbar):
    header = "Basic " + base64.b64encode(f"{API_KEY}:".encode()).decode()
    assert bitbar.get(ME, headers={"Authorization": header, "Accept": "application/json"}).status_code == 200


def test_a_key_is_found_without_reading_the_users_one_by_one():
    """With thousands of users, any user's key (or a wrong one) costs the tenant no copy of the users table: the
    key is looked up in an index, not by reading (and so copying into the tenant's world) user after user."""
    from werkzeug.test import Client

    from mockserver.app import create_app, load_vendors
    from mockserver.core.fixtures import load_all
    from mockserver.settings import DEFAULT_FIXTURES, Settings

    vendors = load_vendors(["bitbar"])
    data = load_all(DEFAULT_FIXTURES, vendors)
    first = data["bitbar"]["users"][0]
    data["bitbar"]["users"] = [first] + [
        {**first, "id": 90_000 + n, "email": f"user{n}@example.com", "apiKey": f"key-{n}"} for n in range(3000)]
    server = create_app(Settings(vendors=("bitbar",)), vendors=vendors, fixtures=data)
    client = Client(server)

    def me(key: str):
        auth = base64.b64encode(f"{key}:".encode()).decode()
        return client.get(f"/bitbar{ME}", headers={"Authorization": f"Basic {auth}", "Accept": "application/json"})

    deep = me("key-2999")
    assert deep.status_code == 200 and deep.get_json()["email"] == "user2999@example.com"
    assert me("not-a-key").status_code == 401
    assert me(API_KEY).get_json()["id"] == USER_ID
    held = server.core.store.own_records()["default"]["bitbar"]
    assert held <= 5, f"the default tenant holds {held} records of its own after three reads"
