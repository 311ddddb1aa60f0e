"""The control API's bounds and protection against the served process (`mockserver serve`): the flags
and their environment variables, as a container would set them."""

from __future__ import annotations

import subprocess

import pytest
import requests

from tests.harness import new_tenant
from tests.served import run_cli

pytestmark = pytest.mark.slow  # server processes of their own

BITBAR = {"auth": ("bitbar-demo-key", ""), "headers": {"Accept": "application/json"}}


def test_max_tenants_and_journal_bytes_flags_hold(served):
    port, _ = served("--max-tenants", "3", "--journal-mb", "1")
    url = f"http://127.0.0.1:{port}"
    names = [new_tenant("cap") for _ in range(5)]
    first = names[0]
    requests.post(f"{url}/_mock/clock", params={"tenant": first}, json={"set": "2030-01-01T00:00:00Z"}, timeout=10)
    requests.post(f"{url}/_mock/faults", params={"tenant": first}, json={"path": "/x", "status": 500}, timeout=10)
    for name in names:
        assert requests.get(f"{url}/bitbar/api/v2/me", headers={"X-Mock-Tenant": name, **BITBAR["headers"]},
                            auth=BITBAR["auth"], timeout=10).status_code == 200
    listed = requests.get(f"{url}/_mock/tenants", timeout=10).json()
    assert listed["max_tenants"] == 3 and listed["count"] == 3 and listed["evicted"] == 2
    assert [row["tenant"] for row in listed["tenants"]] == sorted(names[2:])
    assert listed["journal"]["max_bytes"] == 1024 * 1024
    assert requests.get(f"{url}/_mock/requests", params={"tenant": first}, timeout=10).json()["count"] == 0
    assert requests.get(f"{url}/_mock/faults", params={"tenant": first}, timeout=10).json()["faults"] == []
    assert requests.get(f"{url}/_mock/clock", params={"tenant": first}, timeout=10).json()["source"] == "server"


def test_max_tenants_from_the_environment_and_refused_when_out_of_range(served):
    port, _ = served(env={"MOCKSERVER_MAX_TENANTS": "7", "MOCKSERVER_JOURNAL_MB": "2"})
    listed = requests.get(f"http://127.0.0.1:{port}/_mock/tenants", timeout=10).json()
    assert listed["max_tenants"] == 7 and listed["journal"]["max_bytes"] == 2 * 1024 * 1024
    for flag in ("--max-tenants", "--journal-mb"):
        done = run_cli("serve", flag, "0")
        assert done.returncode == 2 and f"{flag[2:]} must be at least 1" in done.stderr, done.stderr


TOKEN = "ci-control-token"
BEARER = {"Authorization": f"Bearer {TOKEN}"}
DEMO_SECRETS = ("demo-password", "hiptest-demo-token", "qtest-demo-token", "happo-demo-secret", "bitbar-demo-key",
                "sipfront-demo-secret")


def test_control_token_guards_every_control_call_but_health_and_only_the_main_port_serves_it(served):
    port, _ = served(env={"MOCKSERVER_CONTROL_TOKEN": TOKEN})
    url = f"http://127.0.0.1:{port}/_mock"
    assert requests.get(f"{url}/health", timeout=10).status_code == 200
    for method, path in (("GET", "/tenants"), ("GET", "/requests"), ("POST", "/reset"), ("GET", "/state?vendor=happo"),
                         ("POST", "/clock"), ("GET", "/happo/comparisons"), ("GET", "/docs")):
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
            r = requests.request(method, f"{url}{path}", headers=headers, timeout=10)
            assert r.status_code == 401, (method, path, headers, r.status_code)
            assert r.json()["error"] and r.headers["WWW-Authenticate"].startswith("Bearer")
    assert requests.get(f"{url}/tenants", headers=BEARER, timeout=10).status_code == 200
    assert requests.post(f"{url}/reset", headers=BEARER, timeout=10).status_code == 200
    # the vendor ports answer their own 404 for /_mock: one door to guard
    own = requests.get(f"http://127.0.0.1:{port + 4}/_mock/tenants", headers={**BEARER, "Accept": "application/json"},
                       timeout=10)
    assert own.status_code == 404 and "WWW-Authenticate" not in own.headers  # Bitbar's 404, not the control API
    assert "tenants" not in own.text


def test_state_and_journal_redact_credentials_unless_the_token_reveals_them(served):
    port, _ = served("--control-token", TOKEN)
    url = f"http://127.0.0.1:{port}"
    tenant = new_tenant("secrets")
    signed = requests.post(f"{url}/hiptest/api/auth/sign_in", json={"email": "demo@example.com",
                                                                     "password": "demo-password"},
                           headers={"X-Mock-Tenant": tenant}, timeout=10)
    assert signed.status_code == 200 and signed.headers["access-token"]
    for vendor in ("hiptest", "qtest", "happo", "bitbar", "sipfront"):
        hidden = requests.get(f"{url}/_mock/state", params={"vendor": vendor, "tenant": tenant}, headers=BEARER,
                              timeout=10)
        assert hidden.status_code == 200 and hidden.json()["redacted"] is True
        assert not [s for s in DEMO_SECRETS if s in hidden.text], vendor
        assert signed.headers["access-token"] not in hidden.text
        assert '"***"' in hidden.text, vendor
    happo = requests.get(f"{url}/_mock/state", params={"vendor": "happo", "reveal": "true"}, headers=BEARER,
                         timeout=10).json()
    assert happo["redacted"] is False and "happo-demo-secret" in str(happo)
    assert "happo-demo-key" in str(requests.get(f"{url}/_mock/state", params={"vendor": "happo"}, headers=BEARER,
                                                timeout=10).json())  # the key names the account: kept
    journal = requests.get(f"{url}/_mock/requests", params={"tenant": tenant}, headers=BEARER, timeout=10)
    entry = journal.json()["requests"][0]
    assert "demo-password" not in journal.text and signed.headers["access-token"] not in journal.text
    assert entry["response"]["headers"]["access-token"] == "***"
    shown = requests.get(f"{url}/_mock/requests", params={"tenant": tenant, "reveal": "true"}, headers=BEARER,
                         timeout=10).json()["requests"][0]
    assert "demo-password" in shown["body"] and shown["response"]["headers"]["access-token"] == signed.headers[
        "access-token"]


def test_cross_site_writes_are_refused_unless_they_carry_the_token(served):
    port, _ = served()
    url = f"http://127.0.0.1:{port}/_mock"
    fixtures = "projects: []\n"
    # what a page on another site can send without a preflight: text/plain, or any body with its Origin
    plain = requests.post(f"{url}/fixtures", params={"vendor": "bitbar"}, data=fixtures,
                          headers={"Content-Type": "text/plain"}, timeout=10)
    assert plain.status_code == 415 and "text/plain" in plain.json()["error"]
    foreign = requests.post(f"{url}/reset", headers={"Origin": "http://evil.example"}, timeout=10)
    assert foreign.status_code == 403 and "evil.example" in foreign.json()["error"]
    fetched = requests.post(f"{url}/clock", json={"advance_seconds": 5}, headers={"Sec-Fetch-Site": "cross-site"},
                            timeout=10)
    assert fetched.status_code == 403
    assert requests.get(f"{url}/state", params={"vendor": "bitbar"}, timeout=10).json()["state"]["tables"]["projects"]
    # the same site's page, curl (-d sends a form type and no Origin) and reads pass
    same = requests.post(f"{url}/clock", json={"mode": "real"}, headers={"Origin": f"http://127.0.0.1:{port}"},
                         timeout=10)
    assert same.status_code == 200
    curl = subprocess.run(["curl", "-sS", "-XPOST", f"{url}/clock", "-d", '{"advance_seconds":1}', "-o", "/dev/null",
                           "-w", "%{http_code}"], capture_output=True, text=True, timeout=30)
    assert curl.stdout == "200"
    assert requests.get(f"{url}/tenants", headers={"Origin": "http://evil.example"}, timeout=10).status_code == 200


def test_the_token_lets_text_plain_and_other_origins_through(served):
    port, _ = served("--control-token", TOKEN)
    url = f"http://127.0.0.1:{port}/_mock"
    r = requests.post(f"{url}/clock", data='{"set": "2030-01-01T00:00:00Z"}',
                      headers={**BEARER, "Content-Type": "text/plain", "Origin": "http://tools.example"}, timeout=10)
    assert r.status_code == 200 and r.json()["now"] == "2030-01-01T00:00:00Z"


def test_a_non_loopback_address_without_a_token_warns_at_start(served):
    port, proc = served("--host", "0.0.0.0")
    proc.terminate()
    out = proc.communicate(timeout=15)[0]
    assert "without a control token" in out and "MOCKSERVER_CONTROL_TOKEN" in out
    port, proc = served("--host", "0.0.0.0", "--control-token", TOKEN)
    proc.terminate()
    assert "without a control token" not in proc.communicate(timeout=15)[0]
    port, proc = served()
    proc.terminate()
    assert "without a control token" not in proc.communicate(timeout=15)[0]
