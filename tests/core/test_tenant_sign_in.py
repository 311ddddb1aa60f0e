"""--tenant-from-credentials for user-name sign-ins, through the app (Werkzeug, no asyncio front): qTest and
Bitbar `/oauth/token`, Hiptest `/api/auth/sign_in`. A user the fixtures do not know is a tenant of its own
(`key:<user>`), seeded with that user in place of the demo one; the tokens it is given bring every later
request back to it with no other hint. (The front's side: tests/core/test_served_tenant_route.py.)"""

from __future__ import annotations

import base64

import pytest
from werkzeug.test import Client

from mockserver.app import create_app
from mockserver.settings import Settings

HIPTEST_ACCEPT = {"Accept": "application/vnd.api+json; version=1"}
JSON = {"Accept": "application/json"}
BITBAR_CLIENT = {"client_id": "testdroid-cloud-api"}
DEMO = ("demo@example.com", "demo-password")


class Qtest:
    name = "qtest"
    refused = 400  # Spring's invalid_grant "Bad credentials"

    def sign_in(self, port: Client, user: str, password: str):
        return port.post("/oauth/token", data={"grant_type": "password", "username": user, "password": password},
                         headers={"Authorization": "Basic " + base64.b64encode(b"jenkins:").decode()})

    def headers(self, answer) -> dict:
        return {"Authorization": f"bearer {answer.json['access_token']}"}

    def write(self, port: Client, headers: dict, name: str) -> None:
        made = port.post("/api/v3/projects/10/test-suites?parentType=root", json={"name": name}, headers=headers)
        assert made.status_code == 200, made.data

    def names(self, port: Client, headers: dict) -> set[str]:
        answer = port.get("/api/v3/projects/10/test-suites?parentType=root", headers=headers)
        assert answer.status_code == 200, answer.data
        return {row["name"] for row in answer.json}


class Bitbar:
    name = "bitbar"
    refused = 400  # "Bad credentials"

    def sign_in(self, port: Client, user: str, password: str):
        return port.post("/oauth/token", data={**BITBAR_CLIENT, "grant_type": "password", "username": user,
                                               "password": password}, headers=JSON)

    def headers(self, answer) -> dict:
        return {"Authorization": f"Bearer {answer.json['access_token']}", **JSON}

    def write(self, port: Client, headers: dict, name: str) -> None:
        assert port.post("/api/v2/me/projects", data={"name": name}, headers=headers).status_code == 201

    def names(self, port: Client, headers: dict) -> set[str]:
        answer = port.get("/api/v2/me/projects?limit=0", headers=headers)
        assert answer.status_code == 200, answer.data
        return {row["name"] for row in answer.json["data"]}


class Hiptest:
    name = "hiptest"
    refused = 401  # devise_token_auth's "Invalid login credentials"

    def sign_in(self, port: Client, user: str, password: str):
        return port.post("/api/auth/sign_in", json={"email": user, "password": password}, headers=HIPTEST_ACCEPT)

    def headers(self, answer) -> dict:
        return {**HIPTEST_ACCEPT, **{h: answer.headers[h] for h in ("access-token", "client", "uid")}}

    def write(self, port: Client, headers: dict, name: str) -> None:
        made = port.post("/api/projects/61344/folders", json={"data": {"attributes": {"name": name}}},
                         headers={**headers, "Content-Type": "application/vnd.api+json"})
        assert made.status_code == 201, made.data

    def names(self, port: Client, headers: dict) -> set[str]:
        answer = port.get("/api/projects/61344/folders", headers=headers)
        assert answer.status_code == 200, answer.data
        return {row["attributes"]["name"] for row in answer.json["data"]}


VENDORS = [Qtest(), Bitbar(), Hiptest()]
ids = [v.name for v in VENDORS]


def journal(server, **params) -> list[dict]:
    return Client(server).get("/_mock/requests", query_string=params).json["requests"]


def tenants(server) -> set[str]:
    return {row["tenant"] for row in Client(server).get("/_mock/tenants").json["tenants"]}


@pytest.mark.parametrize("vendor", VENDORS, ids=ids)
def test_two_jobs_signing_in_as_different_users_get_isolated_worlds(vendor):
    server = create_app(Settings(tenant_from_credentials=True))
    port = Client(server.ports[vendor.name])
    # any password: the mock cannot know the one a CI job was given
    one, two = vendor.sign_in(port, "job-1@ci", "s3cret"), vendor.sign_in(port, "job-2@ci", "other")
    assert one.status_code == two.status_code == 200, (one.data, two.data)
    mine, theirs = vendor.headers(one), vendor.headers(two)
    before = vendor.names(port, theirs)
    vendor.write(port, mine, "only job-1's")  # the token alone, no header or path: job-1's world
    assert vendor.names(port, mine) == before | {"only job-1's"}
    assert vendor.names(port, theirs) == before
    assert "only job-1's" not in vendor.names(Client(server.ports[vendor.name]), vendor.headers(
        vendor.sign_in(port, *DEMO)))  # nor the default tenant's
    assert tenants(server) == {"default", "key:job-1@ci", "key:job-2@ci"}  # (default: the demo sign-in)
    entries = journal(server, tenant="key:job-1@ci")
    assert len(entries) == 3 and {e["tenant_from"] for e in entries} == {"credential"}
    # its user signs in again, with another password, and lands in its world again
    again = vendor.sign_in(port, "job-1@ci", "a-new-one")
    assert "only job-1's" in vendor.names(port, vendor.headers(again))


@pytest.mark.parametrize("vendor", VENDORS, ids=ids)
def test_the_main_port_sign_in_and_token_reach_the_same_tenant(vendor):
    server = create_app(Settings(tenant_from_credentials=True))
    main = Client(server)

    class Rooted:  # the vendor's calls under /<vendor> on the main port
        def __getattr__(self, method):
            return lambda path, **kw: getattr(main, method)(f"/{vendor.name}{path}", **kw)

    answer = vendor.sign_in(Rooted(), "main-job@ci", "x")
    assert answer.status_code == 200, answer.data
    vendor.write(Rooted(), vendor.headers(answer), "through the main port")
    port = Client(server.ports[vendor.name])
    assert "through the main port" in vendor.names(port, vendor.headers(vendor.sign_in(port, "main-job@ci", "y")))
    assert {e["tenant"] for e in journal(server)} == {"key:main-job@ci"}


@pytest.mark.parametrize("vendor", VENDORS, ids=ids)
def test_the_demo_user_and_its_token_stay_in_default_and_its_password_is_still_checked(vendor):
    server = create_app(Settings(tenant_from_credentials=True))
    port = Client(server.ports[vendor.name])
    answer = vendor.sign_in(port, *DEMO)
    assert answer.status_code == 200
    vendor.write(port, vendor.headers(answer), "the demo user's")
    refused = vendor.sign_in(port, "demo@example.com", "wrong")
    assert refused.status_code == vendor.refused
    assert {(e["tenant"], e["tenant_from"]) for e in journal(server)} == {("default", "default")}
    assert tenants(server) == {"default"}


@pytest.mark.parametrize("vendor", VENDORS, ids=ids)
def test_without_the_flag_an_unknown_user_is_refused_as_ever(vendor):
    server = create_app(Settings())
    port = Client(server.ports[vendor.name])
    refused = vendor.sign_in(port, "job-1@ci", "s3cret")
    assert refused.status_code == vendor.refused
    demo_refused = vendor.sign_in(port, "demo@example.com", "wrong")  # the vendor's own shape, same as ever
    assert (refused.status_code, refused.json) == (demo_refused.status_code, demo_refused.json)
    assert tenants(server) == {"default"}


@pytest.mark.parametrize("vendor", VENDORS, ids=ids)
def test_a_sign_in_it_cannot_read_is_the_vendors_own_error(vendor):
    server = create_app(Settings(tenant_from_credentials=True))
    port = Client(server.ports[vendor.name])
    path = "/api/auth/sign_in" if vendor.name == "hiptest" else "/oauth/token"
    headers = HIPTEST_ACCEPT if vendor.name == "hiptest" else JSON
    for body, kind in ((b"{not json", "application/json"), (b"\xff\xfe", "application/x-www-form-urlencoded"),
                       (b'{"email": 7, "username": 7, "password": 7}', "application/json"), (b"", None)):
        answer = port.post(path, data=body, headers={**headers, **({"Content-Type": kind} if kind else {})})
        assert 400 <= answer.status_code < 500, (body, answer.status_code, answer.data)
    no_password = vendor.sign_in(port, "job-np@ci", "")  # an empty password is refused in its own world too
    assert no_password.status_code in (400, 401), no_password.data


def test_refresh_grants_go_back_to_their_tenant_and_the_jenkins_plugins_api_key_names_one():
    server = create_app(Settings(tenant_from_credentials=True))
    qtest, bitbar = Client(server.ports["qtest"]), Client(server.ports["bitbar"])
    first = Qtest().sign_in(qtest, "job-r@ci", "x").json
    renewed = qtest.post("/oauth/token", data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]})
    assert renewed.status_code == 200 and renewed.json["refresh_token"] == first["refresh_token"]
    assert qtest.get("/oauth/status", headers=Qtest().headers(renewed)).status_code == 200
    signed = Bitbar().sign_in(bitbar, "job-r@ci", "x").json
    again = bitbar.post("/oauth/token", data={**BITBAR_CLIENT, "grant_type": "refresh_token",
                                              "refresh_token": signed["refresh_token"]}, headers=JSON)
    assert again.status_code == 200
    assert bitbar.get("/api/v2/me", headers=Bitbar().headers(again)).json["email"] == "job-r@ci"
    # the Jenkins plugin refreshes with its "API key" (the grant and the key in the query): the key's tenant
    plugin = qtest.post("/oauth/token?grant_type=refresh_token&refresh_token=job-jenkins",
                        headers={"Authorization": "Basic " + base64.b64encode(b"jenkins:").decode()})
    assert plugin.status_code == 200
    assert qtest.get("/api/v3/projects", headers=Qtest().headers(plugin)).status_code == 200
    assert [e["tenant"] for e in journal(server)] == ["key:job-r@ci"] * 6 + ["key:job-jenkins"] * 2
    # a refresh token the default tenant issued stays there; one nobody issued is the vendor's 400
    demo = Qtest().sign_in(qtest, *DEMO).json
    assert qtest.post("/oauth/token", data={"grant_type": "refresh_token",
                                            "refresh_token": demo["refresh_token"]}).status_code == 200
    assert journal(server)[-1]["tenant"] == "default"
    unknown = bitbar.post("/oauth/token", data={**BITBAR_CLIENT, "grant_type": "refresh_token",
                                                "refresh_token": "no-such-token"}, headers=JSON)
    assert unknown.status_code == 400 and "Invalid refresh token" in unknown.json["message"]
    assert journal(server)[-1]["tenant"] == "default"  # (no tenant for a refresh token nobody issued)


def test_a_user_name_and_an_api_key_alike_are_one_tenant_and_an_odd_name_is_hashed():
    server = create_app(Settings(tenant_from_credentials=True))
    bitbar = Client(server.ports["bitbar"])
    key = {"Authorization": "Basic " + base64.b64encode(b"job-k@ci:").decode(), **JSON}
    assert bitbar.post("/api/v2/me/projects", data={"name": "by key"}, headers=key).status_code == 201
    assert "by key" in Bitbar().names(bitbar, Bitbar().headers(Bitbar().sign_in(bitbar, "Job-K@CI", "x")))
    odd = Bitbar().sign_in(bitbar, "John Smith (CI)", "x")  # Bitbar ignores the case of a user name
    assert odd.status_code == 200
    me = bitbar.get("/api/v2/me", headers=Bitbar().headers(odd))
    assert me.status_code == 200 and me.json["email"] == "john smith (ci)"
    hashed = [t for t in tenants(server) if t.startswith("key+")]
    assert len(hashed) == 1 and "john" not in hashed[0].lower()
    assert tenants(server) == {"key:job-k@ci", hashed[0]}


def test_a_token_of_an_evicted_tenant_is_the_vendors_401_and_a_new_sign_in_starts_afresh():
    server = create_app(Settings(tenant_from_credentials=True, max_tenants=1))
    qtest = Client(server.ports["qtest"])
    old = Qtest().headers(Qtest().sign_in(qtest, "job-e1@ci", "x"))
    assert qtest.get("/api/v3/projects", headers=old).status_code == 200
    Qtest().sign_in(qtest, "job-e2@ci", "x")  # evicts job-e1's tenant
    assert tenants(server) == {"key:job-e2@ci"}
    gone = qtest.get("/api/v3/projects", headers=old)
    assert gone.status_code == 401 and gone.json["error"] == "invalid_token"
    assert journal(server, tenant="key:job-e1@ci")[-1]["status"] == 401
    fresh = Qtest().headers(Qtest().sign_in(qtest, "job-e1@ci", "x"))
    assert qtest.get("/api/v3/projects", headers=fresh).status_code == 200
