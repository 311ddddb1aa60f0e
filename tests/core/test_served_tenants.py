"""Tenants against the served process (`mockserver serve`, real vendors): two tenants at once with their
own clocks, faults and journals, links that open in a browser, resets of one scope, strict control bodies,
and every curl command of the README run as written."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest
import requests

from tests.harness import new_tenant
from tests.served import ROOT, start_served, stop_served

pytestmark = pytest.mark.slow  # a server process of its own

SIPFRONT = ("sipfront-demo-public", "sipfront-demo-secret")
HAPPO = ("happo-demo-key", "happo-demo-secret")
T0 = "2030-01-01T00:00:00Z"


@pytest.fixture(scope="module")
def port():
    # (with the flag, so the README's credential example runs as written; demo keys stay where they were)
    base, proc = start_served("--tenant-from-credentials")
    yield base
    stop_served(proc)


class Tenant:
    def __init__(self, port: int, name: str | None = None):
        self.port, self.name = port, name or new_tenant("served")
        self.s = requests.Session()
        self.s.headers["X-Mock-Tenant"] = self.name

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path, **kw):
        return self.s.get(self.url(path), timeout=10, **kw)

    def post(self, path, **kw):
        return self.s.post(self.url(path), timeout=10, **kw)

    def control(self, method, path, **kw):
        params = {"tenant": self.name, **kw.pop("params", {})}
        return requests.request(method, self.url(f"/_mock{path}"), params=params, timeout=10, **kw)


def _launch(t: Tenant) -> str:
    r = t.post("/sipfront/api/v2/tests/run", auth=SIPFRONT, json={"test.name": "your-test-name"})
    assert r.status_code == 200, r.text
    return r.json()["data"]["session_id"]


def _session_status(t: Tenant, session: str) -> str:
    return t.get(f"/sipfront/api/v2/runs/{session}/status", auth=SIPFRONT).json()["run"]["status"]


def test_two_tenants_at_once_each_with_its_clock_faults_and_journal(port):
    a, b = Tenant(port), Tenant(port)
    for t in (a, b):
        assert t.control("POST", "/clock", json={"set": T0}).status_code == 200
    runs = {t.name: _launch(t) for t in (a, b)}
    # a's clock moves past the run's 115 s; b's stands still
    assert a.control("POST", "/clock", json={"advance_seconds": 120}).json()["now"] == "2030-01-01T00:02:00Z"
    assert _session_status(a, runs[a.name]) == "passed"
    assert _session_status(b, runs[b.name]) == "running"
    assert b.control("GET", "/clock").json()["now"] == T0
    # a fault of a's answers a's request only
    rule = a.control("POST", "/faults", json={"vendor": "bitbar", "path": "/api/v2/me", "status": 503})
    assert rule.status_code == 201 and rule.json()["tenant"] == a.name
    me = {"auth": ("bitbar-demo-key", ""), "headers": {"Accept": "application/json"}}
    assert (a.get("/bitbar/api/v2/me", **me).status_code, b.get("/bitbar/api/v2/me", **me).status_code) == (503, 200)
    # each journal holds its own requests; clearing b's leaves a's
    journal_a = a.control("GET", "/requests").json()["requests"]
    assert {e["tenant"] for e in journal_a} == {a.name} and journal_a[-1]["status"] == 503
    assert b.control("DELETE", "/requests").status_code == 204
    assert b.control("GET", "/requests").json()["count"] == 0
    assert a.control("GET", "/requests").json()["count"] == len(journal_a)
    listed = {row["tenant"]: row for row in requests.get(a.url("/_mock/tenants"), timeout=10).json()["tenants"]}
    assert listed[a.name]["clock"] == "tenant" and listed[a.name]["fault_rules"] == 1
    assert listed[b.name]["journal_entries"] == 0 and listed[b.name]["records"]["sipfront"] > 0


def test_links_handed_out_open_the_tenants_world_in_a_browser(port):
    a = Tenant(port)
    a.control("POST", "/clock", json={"set": T0})
    compared = a.post("/happo/api/reports/base-sha/compare/change-sha", auth=HAPPO, json={})
    assert compared.status_code == 200
    page = compared.json()["compareUrl"]
    assert f"/happo/_tenant/{a.name}/" in page
    browser = requests.get(page, timeout=10)  # what a browser sends: no tenant header, no credentials
    assert browser.status_code == 200 and "text/html" in browser.headers["Content-Type"]
    assert requests.get(page.replace(f"/_tenant/{a.name}", ""), timeout=10).status_code == 404  # default's world
    session = _launch(a)
    r = a.get(f"/sipfront/api/v2/runs/{session}/status", auth=SIPFRONT)
    assert r.status_code == 200
    launched = a.post("/sipfront/api/v2/tests/run", auth=SIPFRONT, json={"test.name": "your-test-name"}).json()
    report = launched["data"]["report_url"]
    assert f"/sipfront/_tenant/{a.name}/report/session/" in report
    assert requests.get(report, auth=SIPFRONT, timeout=10).status_code == 200
    # a client that cannot send headers keeps its tenant in the base URL, on the vendor's own port too
    own_port = f"http://127.0.0.1:{port + 5}/_tenant/{a.name}"
    status_url = requests.post(f"{own_port}/api/v2/tests/run", auth=SIPFRONT, json={"test.name": "your-test-name"},
                               timeout=10).json()["data"]["status_url"]
    assert status_url.startswith(own_port) and requests.get(status_url, auth=SIPFRONT, timeout=10).status_code == 200


def test_vendor_control_extras_act_on_the_tenant_given(port):
    a, b = Tenant(port), Tenant(port)
    for t in (a, b):
        t.post("/happo/api/reports/base-sha/compare/change-sha", auth=HAPPO, json={})
    reviewed = a.control("POST", "/happo/comparisons/base-sha/change-sha/review", json={"status": "success"})
    assert reviewed.status_code == 200
    status = "/happo/api/reports/base-sha/compare/change-sha/status"
    assert (a.get(status, auth=HAPPO).json()["status"], b.get(status, auth=HAPPO).json()["status"]) == (
        "success", "awaiting review")
    assert a.control("POST", "/hiptest/rate_limit", json={"limit": 7}).json()["limit"] == 7
    assert b.control("GET", "/hiptest/rate_limit").json()["limit"] is None
    typo = a.control("POST", "/hiptest/rate_limit", json={"limt": 7})
    assert typo.status_code == 400 and "limt" in typo.json()["error"]


def test_reset_clears_everything_of_its_scope_and_only_that(port):
    a, b = Tenant(port), Tenant(port)
    for t in (a, b):
        t.control("POST", "/clock", json={"set": T0})
        t.control("POST", "/faults", json={"vendor": "bitbar", "path": "/nowhere", "status": 500})
        t.post("/happo/api/reports/base-sha/compare/change-sha", auth=HAPPO, json={})
        t.control("POST", "/happo/comparisons/base-sha/change-sha/review", json={"status": "failure"})
    assert a.control("GET", "/outbox").json()["count"] > 0
    r = a.control("POST", "/reset")
    assert r.status_code == 200 and r.json()["kept"] == []
    assert a.control("GET", "/outbox").json()["count"] == 0
    assert a.control("GET", "/requests").json()["count"] == 0
    assert a.control("GET", "/faults").json()["faults"] == []
    assert a.control("GET", "/clock").json()["source"] == "server"
    assert a.control("GET", "/state", params={"vendor": "happo"}).json()["state"]["tables"].get("comparisons", []) == []
    assert b.control("GET", "/outbox").json()["count"] > 0
    assert len(b.control("GET", "/faults").json()["faults"]) == 1
    assert b.control("GET", "/clock").json()["now"] == T0
    assert b.get("/happo/api/reports/base-sha/compare/change-sha/status", auth=HAPPO).json()["status"] == "failure"


def test_control_bodies_are_json_whatever_the_content_type_and_strict_about_keys(port):
    a = Tenant(port)
    form = {"Content-Type": "application/x-www-form-urlencoded"}  # what curl -d sends
    r = a.control("POST", "/clock", data='{"set": "2030-01-01T00:00:00Z"}', headers=form)
    assert r.status_code == 200 and r.json()["now"] == T0
    for body, key in (({"time": 2, "status": 500}, "time"), ({"status": "500"}, "status"),
                      ({"status": 500, "times": 0}, "times"), ({"status": 500, "delay_ms": -1}, "delay_ms")):
        r = a.control("POST", "/faults", json=body)
        assert r.status_code == 400 and r.json()["error"].startswith(f"{key}:"), (body, r.text)
    for body, key in (({"advance": 5}, "advance"), ({"advance_seconds": "5"}, "advance_seconds"),
                      ({"advance_seconds": 1e12}, "advance_seconds"), ({"set": 5}, "set"), ({"mode": "fast"}, "mode")):
        r = a.control("POST", "/clock", json=body)
        assert r.status_code == 400 and r.json()["error"].startswith(f"{key}:"), (body, r.text)
    assert a.control("GET", "/clock").json()["now"] == T0  # refused calls changed nothing
    assert a.control("GET", "/faults").json()["faults"] == []


# -- the README's commands, verbatim ---------------------------------------------------------------
def readme_curls() -> list[str]:
    text = (Path(ROOT) / "README.md").read_text(encoding="utf-8")
    found = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S):
        found += [line.strip() for line in block.splitlines() if line.strip().startswith("curl ")]
    found += [span for span in re.findall(r"`(curl [^`]+)`", text) if "://" in span or "localhost:" in span]
    return found


def test_every_curl_command_of_the_readme_answers_below_400(port):
    commands = readme_curls()
    assert len(commands) >= 8
    for command in commands:
        served = command.replace("localhost:8080", f"127.0.0.1:{port}")
        served = re.sub(r"127\.0\.0\.1:808(\d)", lambda m: f"127.0.0.1:{port + int(m.group(1))}", served)
        done = subprocess.run([*shlex.split(served), "-sS", "-o", "/dev/null", "-w", "%{http_code}"],
                              capture_output=True, text=True, timeout=30)
        assert done.returncode == 0, (command, done.stderr)
        assert 200 <= int(done.stdout) < 400, (command, done.stdout)
