"""The tutorial's own curl commands, run unchanged but for the host, against the mock."""

from __future__ import annotations

import json
import shutil
import subprocess

CURL = shutil.which("curl") or "curl"


def _curl(*args: str) -> str:
    done = subprocess.run([CURL, "--silent", "--show-error", *args], capture_output=True, text=True, timeout=30,
                          check=True)
    return done.stdout


def _headers(dump: str) -> dict:
    out = {}
    for line in dump.splitlines():
        name, sep, value = line.partition(":")
        if sep:
            out[name.strip().lower()] = value.strip()
    return out


def test_sign_in_then_the_dashboard_requests(server, tenant):
    base = server.port_url("hiptest")
    tenant_header = f"X-Mock-Tenant: {tenant}"
    dump = _curl("--header", "Content-Type: application/json", "--header", tenant_header,
                 "--data", '{ "email": "demo@example.com", "password": "demo-password"}',
                 "--dump-header", "-", "--output", "/dev/null", f"{base}/api/auth/sign_in")
    headers = _headers(dump)
    assert headers["token-type"] == "Bearer" and headers["uid"] == "demo@example.com"
    creds = ["--header", "Accept: application/vnd.api+json; version=1",
             "--header", f"access-token: {headers['access-token']}",
             "--header", f"client: {headers['client']}", "--header", f"uid: {headers['uid']}",
             "--header", tenant_header]
    projects = json.loads(_curl(*creds, f"{base}/api/projects"))
    assert [p["id"] for p in projects["data"]] == ["61344", "46292"]  # the seed's order
    runs = json.loads(_curl(*creds, f"{base}/api/projects/61344/test_runs"))
    assert [(r["attributes"]["name"], r["attributes"]["statuses"]["passed"]) for r in runs["data"]] == [
        ("Sprint 1", 4), ("Continuous integration", 6)]
