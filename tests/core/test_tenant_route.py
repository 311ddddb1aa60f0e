"""Tenants real clients can choose, through the app (Werkzeug, no asyncio front): the `/_t/<tenant>` path
prefix on the main port and at the root of a vendor port, and --tenant-from-credentials per vendor, with the
precedence header > path > credential and the journal's `tenant_from`."""

from __future__ import annotations

import base64
import time
import warnings

import jwt
import pytest
from werkzeug.test import Client

from mockserver.app import create_app
from mockserver.settings import Settings, from_env

BITBAR_DEMO = "bitbar-demo-key"
HIPTEST = {"Accept": "application/vnd.api+json; version=1", "client": "hiptest-demo-client", "uid": "demo@example.com"}


def basic(user: str, password: str = "") -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode(),
            "Accept": "application/json"}


def happo_jwt(key: str, secret: str = "happo-demo-secret") -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the demo secret is short
        token = jwt.encode({"key": key, "iat": int(time.time())}, secret, algorithm="HS256", headers={"kid": key})
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def server():
    return create_app(Settings(tenant_from_credentials=True))


@pytest.fixture(scope="module")
def plain():
    return create_app(Settings())


def journal(server, **params) -> list[dict]:
    return Client(server).get("/_mock/requests", query_string=params).json["requests"]


def tenants(server) -> set[str]:
    return {row["tenant"] for row in Client(server).get("/_mock/tenants").json["tenants"]}


def test_the_prefix_names_the_tenant_on_the_main_port_and_links_keep_it(plain):
    main = Client(plain)
    made = main.post("/_t/ci-1/bitbar/api/v2/me/projects", headers=basic(BITBAR_DEMO), data={"name": "only-ci-1"})
    assert made.status_code == 201
    fixtures = main.get("/bitbar/api/v2/me/projects", headers=basic(BITBAR_DEMO)).json["total"]
    listed = main.get("/_t/ci-1/bitbar/api/v2/me/projects?limit=1", headers=basic(BITBAR_DEMO)).json
    assert listed["total"] == fixtures + 1 and listed["next"].startswith("http://localhost/_t/ci-1/bitbar/api/v2/me/projects?")
    # the header form sees the same world; the default tenant does not
    same = main.get("/bitbar/api/v2/me/projects", headers={**basic(BITBAR_DEMO), "X-Mock-Tenant": "ci-1"}).json
    assert same["total"] == fixtures + 1 and same["next"] is None
    entry = journal(plain, tenant="ci-1")[0]
    assert (entry["path"], entry["tenant_from"]) == ("/bitbar/api/v2/me/projects", "path")


def test_the_prefix_at_the_root_of_a_vendor_port_and_a_slash_written_as_tilde(plain):
    port = Client(plain.ports["qtest"])
    projects = port.get("/_t/team~ci-2/api/v3/projects", headers={"Authorization": "bearer qtest-demo-token"})
    assert projects.status_code == 200
    assert projects.json[0]["links"][0]["href"].startswith("http://localhost/_t/team~ci-2/api/v3/projects/")
    assert journal(plain, tenant="team/ci-2")[0]["tenant_from"] == "path"


def test_a_bad_name_or_a_header_naming_another_tenant_is_the_vendors_400(plain):
    main = Client(plain)
    bad = main.get("/_t/no!pe/bitbar/api/v2/me", headers=basic(BITBAR_DEMO))
    assert bad.status_code == 400 and "Invalid tenant in the path" in bad.json["message"]  # Bitbar's error shape
    other = Client(plain.ports["sipfront"]).get("/_t/a/api/v2/projects",
                                                headers={**basic("sipfront-demo-public", "sipfront-demo-secret"),
                                                         "X-Mock-Tenant": "b"})
    assert other.status_code == 400 and "name different tenants" in other.json["description"]
    both = main.get("/_t/a/bitbar/_tenant/b/api/v2/me", headers=basic(BITBAR_DEMO))
    assert both.status_code == 400
    agree = main.get("/_t/a/bitbar/api/v2/me", headers={**basic(BITBAR_DEMO), "X-Mock-Tenant": "a"})
    assert agree.status_code == 200


def test_the_prefix_before_the_control_api_is_its_tenant_parameter(plain):
    main = Client(plain)
    main.get("/_t/ctl-1/bitbar/api/v2/me", headers=basic(BITBAR_DEMO))
    main.get("/_t/ctl-2/bitbar/api/v2/me", headers=basic(BITBAR_DEMO))
    mine = main.get("/_t/ctl-1/_mock/requests").json["requests"]
    assert {e["tenant"] for e in mine} == {"ctl-1"}
    # a wrong tenant before /_mock is no control call (without a tenant, a reset would be every tenant's)
    assert main.post("/_t/no!pe/_mock/reset").status_code == 404
    assert journal(plain, tenant="ctl-2")
    assert main.post("/_t/ctl-1/_mock/reset").status_code == 200
    assert not journal(plain, tenant="ctl-1") and journal(plain, tenant="ctl-2")


@pytest.mark.parametrize("vendor, path, good, wrong_secret", [
    ("bitbar", "/api/v2/me", basic("job-b1"), None),
    ("happo", "/api/flake", basic("job-h1", "happo-demo-secret"), basic("job-h1", "other-secret")),
    ("sipfront", "/api/v2/projects", basic("job-s1", "sipfront-demo-secret"), basic("job-s1", "nope")),
    ("qtest", "/api/v3/projects", {"Authorization": "bearer job-q1"}, None),
    ("hiptest", "/api/projects", {**HIPTEST, "access-token": "job-t1"}, {**HIPTEST, "access-token": "job-t1",
                                                                         "client": "someone-else"}),
])
def test_each_unknown_key_is_a_tenant_accepting_it_in_place_of_the_demo_one(server, plain, vendor, path, good,
                                                                            wrong_secret):
    for app in (server, server.ports[vendor]):
        prefix = "" if app is not server else f"/{vendor}"
        answer = Client(app).get(prefix + path, headers=good)
        assert answer.status_code == 200, answer.data
    named = [e for e in journal(server, vendor=vendor) if e["tenant_from"] == "credential"]
    assert len(named) == 2 and len({e["tenant"] for e in named}) == 1 and named[0]["tenant"].startswith("key:")
    if wrong_secret is not None:  # the other half is still the fixtures' and still checked
        assert Client(server.ports[vendor]).get(path, headers=wrong_secret).status_code == 401
    # without the flag nothing changes: the key is unknown
    assert Client(plain.ports[vendor]).get(path, headers=good).status_code == 401


def test_a_happo_jwt_names_its_tenant_by_kid_and_is_still_verified():
    server = create_app(Settings(tenant_from_credentials=True))
    port = Client(server.ports["happo"])
    assert port.get("/api/flake", headers=happo_jwt("job-jwt")).status_code == 200
    assert port.get("/api/flake", headers=happo_jwt("job-jwt", "not-the-secret")).status_code == 401
    assert "key:job-jwt" in tenants(server)


def test_tenants_of_keys_are_isolated_and_the_fixtures_keys_stay_where_they_were():
    server = create_app(Settings(tenant_from_credentials=True))
    main = Client(server)
    assert main.post("/bitbar/api/v2/me/projects", headers=basic("job-1"), data={"name": "job-1's"}).status_code == 201
    fixtures = main.get("/bitbar/api/v2/me/projects", headers=basic("job-2")).json["total"]
    assert main.get("/bitbar/api/v2/me/projects", headers=basic("job-1")).json["total"] == fixtures + 1
    # the demo key and another user the fixtures know stay in the default tenant
    assert main.get("/bitbar/api/v2/me", headers=basic(BITBAR_DEMO)).json["email"] == "demo@example.com"
    assert main.get("/bitbar/api/v2/me", headers=basic("bitbar-shared-key")).status_code == 200
    assert [e["tenant_from"] for e in journal(server, tenant="default")] == ["default", "default"]
    # the key's tenant: its first user signs in with the key, the demo key is not accepted there
    assert main.get("/bitbar/api/v2/me", headers={**basic(BITBAR_DEMO), "X-Mock-Tenant": "key:job-1"}).status_code \
        == 401
    assert main.get("/bitbar/api/v2/me", headers={**basic("job-1"), "X-Mock-Tenant": "key:job-1"}).status_code == 200
    # a key that is no plain name is a tenant named by its hash, still accepted
    odd = "key with spaces/and:colons"
    assert main.get("/bitbar/api/v2/me", headers=basic(odd)).status_code == 200
    hashed = [e for e in journal(server) if e["tenant_from"] == "credential"][-1]["tenant"]
    assert hashed.startswith("key+") and len(hashed) == 20 and odd not in hashed
    assert tenants(server) >= {"key:job-1", "key:job-2", hashed}


def test_precedence_header_then_path_then_credential():
    server = create_app(Settings(tenant_from_credentials=True))
    main = Client(server)
    main.get("/bitbar/api/v2/me", headers={**basic(BITBAR_DEMO), "X-Mock-Tenant": "by-header"})
    main.get("/_t/by-path/bitbar/api/v2/me", headers=basic(BITBAR_DEMO))
    main.get("/bitbar/_tenant/by-old-path/api/v2/me", headers=basic("job-9"))
    main.get("/bitbar/api/v2/me", headers=basic("job-9"))
    # header over a credential: the tenant the header names, where the key is unknown
    refused = main.get("/bitbar/api/v2/me", headers={**basic("job-9"), "X-Mock-Tenant": "by-header"})
    assert refused.status_code == 401
    seen = [(e["tenant"], e["tenant_from"], e["status"]) for e in journal(server)]
    assert seen == [("by-header", "header", 200), ("by-path", "path", 200), ("by-old-path", "path", 401),
                    ("key:job-9", "credential", 200), ("by-header", "header", 401)]


def test_the_flag_and_its_environment_variable():
    assert from_env({"MOCKSERVER_TENANT_FROM_CREDENTIALS": "1"}).tenant_from_credentials is True
    assert from_env({"MOCKSERVER_TENANT_FROM_CREDENTIALS": "0"}).tenant_from_credentials is False
    assert from_env({}).tenant_from_credentials is False


def test_a_token_a_sign_in_issued_stays_in_the_tenant_that_issued_it():
    server = create_app(Settings(tenant_from_credentials=True))
    qtest = Client(server.ports["qtest"])
    token = qtest.post("/oauth/token", data={"grant_type": "password", "username": "demo@example.com",
                                             "password": "demo-password"}).json["access_token"]
    assert qtest.get("/api/v3/projects", headers={"Authorization": f"bearer {token}"}).status_code == 200
    hiptest = Client(server.ports["hiptest"])
    signed = hiptest.post("/api/auth/sign_in", json={"email": "demo@example.com", "password": "demo-password"},
                          headers={"Accept": HIPTEST["Accept"]}).headers
    mine = {**HIPTEST, "access-token": signed["access-token"], "client": signed["client"]}
    assert hiptest.get("/api/projects", headers=mine).status_code == 200
    assert {(e["vendor"], e["tenant"], e["tenant_from"]) for e in journal(server)} == {
        ("qtest", "default", "default"), ("hiptest", "default", "default")}
    assert tenants(server) == {"default"}
