"""Tenants real clients can choose, against the served process (`mockserver serve --tenant-from-credentials`,
its asyncio front): the `/_t/<tenant>` prefix and a credential's tenant reach the front's fast paths (kept reads
answered in the event loop, fault rules matched there, connection faults only it can break), and real clients
(testdroid, requests) choose a world with nothing but a base URL and a key."""

from __future__ import annotations

import base64
import time
import warnings

import jwt
import pytest
import requests
import testdroid

from tests.harness import new_tenant
from tests.served import start_served, stop_served

pytestmark = pytest.mark.slow  # a server process of its own

DEMO = ("bitbar-demo-key", "")
JSON = {"Accept": "application/json"}


@pytest.fixture(scope="module")
def port():
    base, proc = start_served("--tenant-from-credentials")
    yield base
    stop_served(proc)


def control(port: int, method: str, path: str, **kw) -> requests.Response:
    return requests.request(method, f"http://127.0.0.1:{port}/_mock{path}", timeout=10, **kw)


def journal(port: int, tenant: str) -> list[dict]:
    return control(port, "GET", "/requests", params={"tenant": tenant}).json()["requests"]


def roots(port: int, prefix: str) -> list[str]:
    """The Bitbar root with `prefix` (a /_t/<tenant> form, or '') on the main port and on Bitbar's own."""
    return [f"http://127.0.0.1:{port}{prefix}/bitbar", f"http://127.0.0.1:{port + 4}{prefix}"]


def total(root: str, auth=DEMO, **headers) -> int:
    answer = requests.get(f"{root}/api/v2/me/projects", auth=auth, headers={**JSON, **headers}, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()["total"]


@pytest.mark.parametrize("kind", [0, 1], ids=["main port", "vendor port"])
def test_the_prefix_reaches_kept_reads_fault_rules_and_the_journal(port, kind):
    tenant = new_tenant("prefix")
    root, plain = roots(port, f"/_t/{tenant}")[kind], roots(port, "")[kind]
    made = requests.post(f"{plain}/api/v2/me/projects", auth=DEMO, headers={**JSON, "X-Mock-Tenant": tenant},
                         data={"name": "only-mine"}, timeout=10)
    assert made.status_code == 201
    # each read twice: the second answered from the read cache, in the front's event loop, of the right tenant
    fixtures = [total(plain), total(plain)]
    assert [total(root), total(root), total(plain)] == [fixtures[0] + 1, fixtures[0] + 1, fixtures[0]]
    # a connection fault of the tenant's: only the front breaks a connection, so it matched the prefix's tenant
    rule = control(port, "POST", "/faults", params={"tenant": tenant},
                   json={"vendor": "bitbar", "path": "/api/v2/me", "fault": "empty_response", "times": 1})
    assert rule.status_code == 201
    assert requests.get(f"{plain}/api/v2/me", auth=DEMO, headers=JSON, timeout=10).status_code == 200
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{root}/api/v2/me", auth=DEMO, headers=JSON, timeout=10)
    assert requests.get(f"{root}/api/v2/me", auth=DEMO, headers=JSON, timeout=10).status_code == 200  # (times: 1)
    entries = journal(port, tenant)
    assert [(e["vendor_path"], e["status"], e["tenant_from"]) for e in entries] == [
        ("/api/v2/me/projects", 201, "header"), ("/api/v2/me/projects", 200, "path"),
        ("/api/v2/me/projects", 200, "path"), ("/api/v2/me", None, "path"), ("/api/v2/me", 200, "path")]
    assert entries[3]["connection_fault"] == "empty_response"
    # the control API behind the prefix is the tenant's
    assert control(port, "GET", "/requests", params={"tenant": tenant}).json()["count"] == \
        requests.get(f"http://127.0.0.1:{port}/_t/{tenant}/_mock/requests", timeout=10).json()["count"] == 5


def test_testdroid_chooses_its_world_by_base_url_or_by_key_on_both_port_kinds(port):
    tenant = new_tenant("td")
    for root in roots(port, f"/_t/{tenant}"):  # the base URL carries the tenant
        client = testdroid.Testdroid(apikey="bitbar-demo-key", url=root)
        assert client.get_me()["email"] == "demo@example.com"
    client.create_project("made-through-the-path")
    key = new_tenant("job")  # a CI job's own key: a world of its own, its first user signing in with it
    for root in roots(port, ""):
        client = testdroid.Testdroid(apikey=key, url=root)
        assert client.get_me()["email"] == key  # (and named after it: the user name a sign-in would give)
    client.create_project("made-with-my-key")
    names = {p["name"] for p in testdroid.Testdroid(apikey=key, url=roots(port, "")[0]).get_projects()["data"]}
    assert "made-with-my-key" in names and "made-through-the-path" not in names
    demo = {p["name"] for p in testdroid.Testdroid(apikey="bitbar-demo-key", url=roots(port, "")[1])
            .get_projects()["data"]}
    assert not {"made-with-my-key", "made-through-the-path"} & demo
    entries = journal(port, f"key:{key}")
    assert len(entries) == 4 and {e["tenant_from"] for e in entries} == {"credential"}
    listed = {row["tenant"] for row in control(port, "GET", "/tenants").json()["tenants"]}
    assert {tenant, f"key:{key}"} <= listed


def test_a_keys_tenant_reaches_the_fronts_fault_matching_and_kept_reads(port):
    key = new_tenant("job")
    root = roots(port, "")[1]
    rule = control(port, "POST", "/faults", params={"tenant": f"key:{key}"},
                   json={"vendor": "bitbar", "path": "/api/v2/me", "fault": "connection_reset", "times": 1})
    assert rule.status_code == 201
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{root}/api/v2/me", auth=(key, ""), headers=JSON, timeout=10)
    assert requests.get(f"{root}/api/v2/me", auth=DEMO, headers=JSON, timeout=10).status_code == 200
    fixtures = total(root)
    requests.post(f"{root}/api/v2/me/projects", auth=(key, ""), headers=JSON, data={"name": "x"}, timeout=10)
    assert [total(root, (key, "")), total(root, (key, "")), total(root), total(root)] == \
        [fixtures + 1, fixtures + 1, fixtures, fixtures]
    assert [e["tenant_from"] for e in journal(port, f"key:{key}")] == ["credential"] * 4


def _basic(user: str, password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def _happo_jwt(key: str, secret: str) -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the demo secret is short
        token = jwt.encode({"key": key, "iat": int(time.time())}, secret, algorithm="HS256", headers={"kid": key})
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("vendor, path, good, bad", [
    ("happo", "/api/flake", lambda k: _basic(k, "happo-demo-secret"), lambda k: _basic(k, "guess")),
    ("happo", "/api/flake", lambda k: _happo_jwt(k, "happo-demo-secret"), lambda k: _happo_jwt(k, "guess")),
    ("sipfront", "/api/v2/projects", lambda k: _basic(k, "sipfront-demo-secret"), lambda k: _basic(k, "guess")),
    ("qtest", "/api/v3/projects", lambda k: {"Authorization": f"Bearer {k}"}, None),
    ("hiptest", "/api/projects",
     lambda k: {"Accept": "application/vnd.api+json; version=1", "access-token": k, "client": "hiptest-demo-client",
                "uid": "demo@example.com"},
     lambda k: {"Accept": "application/vnd.api+json; version=1", "access-token": k, "client": "guess",
                "uid": "demo@example.com"}),
])
def test_every_vendors_key_names_a_tenant_and_the_rest_is_still_checked(port, vendor, path, good, bad):
    key = new_tenant("job")
    offsets = {"hiptest": 1, "qtest": 2, "happo": 3, "sipfront": 5}
    for root in (f"http://127.0.0.1:{port}/{vendor}", f"http://127.0.0.1:{port + offsets[vendor]}"):
        answer = requests.get(root + path, headers=good(key), timeout=10)
        assert answer.status_code == 200, answer.text
        if bad is not None:
            assert requests.get(root + path, headers=bad(key), timeout=10).status_code == 401
    entries = journal(port, f"key:{key}")
    assert {e["tenant_from"] for e in entries} == {"credential"} and len(entries) == (4 if bad else 2)


@pytest.mark.parametrize("root", ["{port}/_t/{tenant}/happo", "{port3}/_t/{tenant}"], ids=["main port", "vendor port"])
def test_pages_for_a_browser_keep_the_prefix_form(port, root):
    tenant = new_tenant("pages")
    base = "http://127.0.0.1:" + root.format(port=port, port3=port + 3, tenant=tenant)
    compared = requests.post(f"{base}/api/reports/base-sha/compare/change-sha", json={}, timeout=10,
                             headers=_basic("happo-demo-key", "happo-demo-secret"))
    assert compared.status_code == 200, compared.text
    page = compared.json()["compareUrl"]
    assert page.startswith(base + "/")
    assert requests.get(page, timeout=10).status_code == 200  # a browser: no header, no credential
    assert requests.get(page.replace(f"/_t/{tenant}", ""), timeout=10).status_code == 404  # default's world


def _qtest_sign_in(root: str, user: str, password: str = "any") -> requests.Response:
    return requests.post(f"{root}/oauth/token", data={"grant_type": "password", "username": user, "password": password},
                         headers=_basic("jenkins", ""), timeout=10)


def test_a_sign_in_chooses_its_tenant_in_the_front_from_its_body(port):
    user = new_tenant("job") + "@ci"
    qtest = [f"http://127.0.0.1:{port}/qtest", f"http://127.0.0.1:{port + 2}"]
    # a connection fault of the user's tenant on the sign-in: only the front breaks a connection, after
    # reading the body, so it chose the tenant from the body before matching the fault rules
    rule = control(port, "POST", "/faults", params={"tenant": f"key:{user}"},
                   json={"vendor": "qtest", "path": "/oauth/token", "fault": "connection_reset", "times": 1})
    assert rule.status_code == 201
    with pytest.raises(requests.ConnectionError):
        _qtest_sign_in(qtest[1], user)
    tokens = []
    for root in qtest:
        signed = _qtest_sign_in(root, user)
        assert signed.status_code == 200, signed.text
        tokens.append({"Authorization": f"Bearer {signed.json()['access_token']}"})
    suites = f"{qtest[1]}/api/v3/projects/10/test-suites?parentType=root"
    assert requests.post(suites, json={"name": "the job's"}, headers=tokens[0], timeout=10).status_code == 200
    # the token alone, on either port, twice (the second a kept read answered in the front's loop)
    seen = [{s["name"] for s in requests.get(suites, headers=t, timeout=10).json()} for t in tokens + tokens]
    assert all("the job's" in names for names in seen)
    demo = {"Authorization": "Bearer qtest-demo-token"}
    assert "the job's" not in {s["name"] for s in requests.get(suites, headers=demo, timeout=10).json()}
    # the demo user's sign-in and its token stay in the default tenant; a wrong password is still Spring's 400
    own = _qtest_sign_in(qtest[1], "demo@example.com", "demo-password").json()["access_token"]
    assert requests.get(suites, headers={"Authorization": f"Bearer {own}"}, timeout=10).status_code == 200
    refused = _qtest_sign_in(qtest[1], "demo@example.com", "guess")
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"
    entries = journal(port, f"key:{user}")
    assert len(entries) == 8 and {e["tenant_from"] for e in entries} == {"credential"}
    assert entries[0]["connection_fault"] == "connection_reset"
    assert [e["tenant_from"] for e in journal(port, "default")[-3:]] == ["default"] * 3
    assert f"key:{user}" in {row["tenant"] for row in control(port, "GET", "/tenants").json()["tenants"]}


def test_bitbar_and_hiptest_sign_ins_through_the_front_chunked_or_not(port):
    user = new_tenant("job") + "@ci"

    def chunks():  # a body of unknown length: Transfer-Encoding: chunked
        yield b"client_id=testdroid-cloud-api&grant_type=password&"
        yield f"username={user}&password=whatever".encode()

    bitbar = f"http://127.0.0.1:{port + 4}"
    signed = requests.post(f"{bitbar}/oauth/token", data=chunks(), timeout=10,
                           headers={**JSON, "Content-Type": "application/x-www-form-urlencoded"})
    assert signed.status_code == 200, signed.text
    token = {**JSON, "Authorization": f"Bearer {signed.json()['access_token']}"}
    assert requests.post(f"{bitbar}/api/v2/me/projects", data={"name": "x"}, headers=token, timeout=10).status_code \
        == 201
    me = requests.get(f"http://127.0.0.1:{port}/bitbar/api/v2/me", headers=token, timeout=10).json()
    assert me["email"] == user
    assert total(bitbar, None, Authorization=token["Authorization"]) == total(bitbar) + 1
    hiptest = f"http://127.0.0.1:{port + 1}"
    accept = {"Accept": "application/vnd.api+json; version=1"}
    answer = requests.post(f"{hiptest}/api/auth/sign_in", json={"email": user, "password": "p"}, headers=accept,
                           timeout=10)
    assert answer.status_code == 200 and answer.headers["uid"] == user
    signed_in = {**accept, **{h: answer.headers[h] for h in ("access-token", "client", "uid")}}
    assert requests.get(f"{hiptest}/api/projects", headers=signed_in, timeout=10).status_code == 200
    entries = journal(port, f"key:{user}")
    assert [(e["vendor"], e["tenant_from"]) for e in entries] == [("bitbar", "credential")] * 4 + \
        [("hiptest", "credential")] * 2


def test_a_sign_in_names_its_tenant_under_dev_too():
    """`--dev` (Werkzeug's server, no asyncio front): the body is read off the WSGI input, then put back."""
    base, proc = start_served("--dev", "--tenant-from-credentials", "--vendors", "qtest")
    try:
        user = new_tenant("job") + "@ci"
        root = f"http://127.0.0.1:{base}/qtest"
        token = {"Authorization": f"Bearer {_qtest_sign_in(root, user).json()['access_token']}"}
        assert requests.get(f"{root}/oauth/status", headers=token, timeout=10).status_code == 200
        assert [e["tenant_from"] for e in journal(base, f"key:{user}")] == ["credential"] * 2
        assert _qtest_sign_in(root, "demo@example.com", "guess").status_code == 400
    finally:
        stop_served(proc)
