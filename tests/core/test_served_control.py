"""The control API's bounds and protection against the served process (`mockserver serve`): the flags
and their environment variables, as a container would set them."""

from __future__ import annotations

import os
import subprocess

import pytest
import requests

from tests.core.test_cli import ROOT, SCRIPT, wait_health
from tests.harness import free_server_ports, new_tenant

pytestmark = pytest.mark.slow  # server processes of their own

BITBAR = {"auth": ("bitbar-demo-key", ""), "headers": {"Accept": "application/json"}}


@pytest.fixture
def serve():
    procs = []

    def start(*extra, env=None):
        for _ in range(5):
            port = free_server_ports()
            proc = subprocess.Popen([SCRIPT, "serve", "--port", str(port), *extra], stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True, cwd=ROOT, env={**os.environ, **(env or {})})
            procs.append(proc)
            try:
                wait_health(f"http://127.0.0.1:{port}", proc)
            except AssertionError as exc:
                if "cannot bind" in str(exc):
                    continue
                raise
            return port, proc
        raise AssertionError("no free block of ports")

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_max_tenants_and_journal_bytes_flags_hold(serve):
    port, _ = serve("--max-tenants", "3", "--journal-mb", "1")
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


def test_max_tenants_from_the_environment_and_refused_when_out_of_range(serve):
    port, _ = serve(env={"MOCKSERVER_MAX_TENANTS": "7", "MOCKSERVER_JOURNAL_MB": "2"})
    listed = requests.get(f"http://127.0.0.1:{port}/_mock/tenants", timeout=10).json()
    assert listed["max_tenants"] == 7 and listed["journal"]["max_bytes"] == 2 * 1024 * 1024
    for flag in ("--max-tenants", "--journal-mb"):
        done = subprocess.run([SCRIPT, "serve", flag, "0"], capture_output=True, text=True, timeout=60, cwd=ROOT)
        assert done.returncode == 2 and f"{flag[2:]} must be at least 1" in done.stderr, done.stderr
