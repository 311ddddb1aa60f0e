"""Tenant eviction against the served process (`mockserver serve`): 10,000 distinct tenants leave the store at
its cap and the process's memory flat, and a tenant evicted while its request is in flight gets that request
answered (never a 500) while the rest of the port keeps answering."""

from __future__ import annotations

import http.client
import json
import socket
import statistics
import threading
import time
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.slow  # a server process of its own

BITBAR = {"Authorization": "Basic Yml0YmFyLWRlbW8ta2V5Og==", "Accept": "application/json",  # bitbar-demo-key:
          "Content-Type": "application/json"}
CAP = 20


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def _writes(port: int, names: list[str], statuses: list[int]) -> None:
    """One new project per tenant named, over one kept-alive connection (no socket per request)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for name in names:
        conn.request("POST", "/bitbar/api/v2/me/projects", body=json.dumps({"name": "p"}),
                     headers={**BITBAR, "X-Mock-Tenant": name})
        response = conn.getresponse()
        response.read()
        statuses.append(response.status)
    conn.close()


def test_ten_thousand_tenants_leave_the_store_at_its_cap_and_memory_flat(served):
    port, proc = served("--vendors", "bitbar", "--max-tenants", str(CAP), "--log-level", "warning")
    statuses: list[int] = []
    rss = {}
    for label, start, end in (("warm-up", 0, 2_000), ("flood", 2_000, 10_000)):
        workers = [threading.Thread(target=_writes, args=(port, [f"flood-{i}" for i in range(start + k, end, 4)],
                                                          statuses)) for k in range(4)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        rss[label] = _rss_mb(proc.pid)
    assert len(statuses) == 10_000 and set(statuses) == {201}
    listed = requests.get(f"http://127.0.0.1:{port}/_mock/tenants", timeout=10).json()
    assert listed["count"] == CAP and listed["evicted"] == 10_000 - CAP
    growth = rss["flood"] - rss["warm-up"]
    print(f"served RSS after 2,000 tenants {rss['warm-up']:.1f} MB, after 10,000 {rss['flood']:.1f} MB")
    assert growth < 16, rss  # 8,000 more tenants, none of them kept: no growth with their number


def _hiptest_push(port: int, tenant: str, cases: int) -> bytes:
    """hiptest-publisher's push of a junit report of `cases` test cases: its raw request."""
    report = ("<testsuite name='s'>" + "".join(f"<testcase classname='c' name='t{i}'/>" for i in range(cases))
              + "</testsuite>").encode()
    body = (b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"r.xml\"\r\n"
            b"Content-Type: application/xml\r\n\r\n" + report + b"\r\n--b--\r\n")
    return (f"POST /hiptest/import_test_results/cash-secret-token/junit HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"X-Mock-Tenant: {tenant}\r\nContent-Type: multipart/form-data; boundary=b\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body


def _status(sock: socket.socket) -> int:
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return int(data.split(b" ", 2)[1])


def test_a_tenant_evicted_while_its_request_is_in_flight_gets_its_answer_and_the_port_goes_on(served):
    port, _ = served("--vendors", "hiptest", "--max-tenants", "2", "--log-level", "warning")
    base = f"http://127.0.0.1:{port}"
    headers = {"Accept": "application/vnd.api+json; version=1", "access-token": "hiptest-demo-token",
               "client": "hiptest-demo-client", "uid": "demo@example.com"}
    # a push that keeps the victim's world busy (its lock held) for a second or more (0.3 s per 60,000 cases here)
    push = socket.create_connection(("127.0.0.1", port), timeout=60)
    push.sendall(_hiptest_push(port, "victim", 400_000))
    time.sleep(0.3)  # read by the front by now, and parsed under the tenant's lock
    answers: dict[str, int] = {}

    def newcomer(name: str) -> None:  # a GET that could be a kept read: the front checks it in its event loop
        answers[name] = requests.get(f"{base}/hiptest/api/projects", headers={**headers, "X-Mock-Tenant": name},
                                     timeout=60).status_code

    first = threading.Thread(target=newcomer, args=("first",))
    first.start()
    first.join()
    second = threading.Thread(target=newcomer, args=("second",))  # the third tenant: it evicts the victim
    second.start()
    health = []
    while second.is_alive():  # the eviction waits for the victim's request; the port's loop does not
        started = time.perf_counter()
        assert requests.get(f"{base}/_mock/health", timeout=5).status_code == 200
        health.append((time.perf_counter() - started) * 1000)
        time.sleep(0.02)
    second.join()
    assert _status(push) == 200  # the victim's request in flight completed as if nothing happened
    push.close()
    assert answers == {"first": 200, "second": 200}
    assert len(health) >= 5, health  # the newcomer did wait for the victim's request: it was in flight
    assert statistics.median(health) < 100 and max(health) < 500, health
    listed = requests.get(f"{base}/_mock/tenants", timeout=10).json()
    assert "victim" not in [row["tenant"] for row in listed["tenants"]] and listed["evicted"] >= 1


def test_tenants_evicting_each_other_under_load_never_get_a_5xx(served):
    port, _ = served("--vendors", "bitbar", "--max-tenants", "3", "--log-level", "warning")
    statuses: list[int] = []
    names = [f"churn-{i % 8}" for i in range(400)]  # 8 tenants over a cap of 3: each evicted over and over
    workers = [threading.Thread(target=_writes, args=(port, names[k::6], statuses)) for k in range(6)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    listed = requests.get(f"http://127.0.0.1:{port}/_mock/tenants", timeout=10).json()
    assert len(statuses) == 400 and set(statuses) == {201}, sorted(set(statuses))
    assert listed["evicted"] > 100 and listed["count"] <= 3
