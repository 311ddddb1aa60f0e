"""The served process's asyncio front (core/front.py): stalled bodies, delay faults and huge bodies hold
no worker thread; health and other tenants keep answering, and each bad request gets the vendor's error."""

from __future__ import annotations

import base64
import json
import socket
import statistics
import threading
import time
from pathlib import Path

import pytest
import requests

from mockserver.settings import Settings, from_env

BITBAR_KEY = b"Basic Yml0YmFyLWRlbW8ta2V5Og=="  # bitbar-demo-key:
BITBAR = {"Authorization": BITBAR_KEY.decode()}
BITBAR_OFFSET = 4


def _health_ms(port: int, times: int = 5) -> float:
    """Median time (ms) /_mock/health takes to answer 200 on a fresh connection each time."""
    took = []
    for _ in range(times):
        started = time.perf_counter()
        assert requests.get(f"http://127.0.0.1:{port}/_mock/health", timeout=2).status_code == 200
        took.append((time.perf_counter() - started) * 1000)
    return statistics.median(took)


def _stall(port: int, path: bytes) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(b"POST " + path + b" HTTP/1.1\r\nHost: x\r\nAuthorization: " + BITBAR_KEY
                 + b"\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\nname=x")
    return sock


def _answer(sock: socket.socket) -> bytes:
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except OSError:
        pass
    return data


@pytest.mark.slow
def test_stalled_bodies_leave_health_answering_and_each_client_is_cut_with_the_vendors_408(served):
    port, _ = served("--body-timeout", "1", "--vendors", "bitbar")
    socks = [_stall(port, b"/bitbar/api/v2/me/projects") for _ in range(16)]
    socks += [_stall(port + BITBAR_OFFSET, b"/api/v2/me/projects") for _ in range(16)]
    started = time.monotonic()
    assert _health_ms(port) < 100
    answers = [_answer(s) for s in socks]
    assert time.monotonic() - started < 5
    for sock, answer in zip(socks, answers):
        sock.close()
        if answer:  # a 408 in Bitbar's XML error shape (or, allowed, a closed connection)
            head, _, body = answer.partition(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 408"), head
            assert b"<statusCode>408</statusCode>" in body
    assert sum(bool(a) for a in answers) >= 16


@pytest.mark.slow
def test_a_stalled_control_call_gets_a_plain_json_408(served):
    port, _ = served("--body-timeout", "1", "--vendors", "bitbar")
    sock = _stall(port, b"/_mock/fixtures")
    head, _, body = _answer(sock).partition(b"\r\n\r\n")
    sock.close()
    assert head.startswith(b"HTTP/1.1 408")
    assert json.loads(body) == {"error": "Request Timeout"}


@pytest.mark.slow
def test_delayed_requests_of_one_tenant_hold_no_thread_and_still_get_their_faults_answer(served):
    port, _ = served("--vendors", "bitbar", "--threads", "2")
    base = f"http://127.0.0.1:{port}"
    rule = {"vendor": "bitbar", "path": "/api/v2/me", "delay_ms": 3000, "status": 503, "tenant": "slow"}
    assert requests.post(f"{base}/_mock/faults", json=rule, timeout=5).status_code == 201
    answers = []

    def delayed():
        started = time.monotonic()
        r = requests.get(f"{base}/bitbar/api/v2/me", headers={**BITBAR, "X-Mock-Tenant": "slow"}, timeout=20)
        answers.append((r.status_code, r.text, time.monotonic() - started))

    clients = [threading.Thread(target=delayed) for _ in range(32)]
    for t in clients:
        t.start()
    time.sleep(0.5)  # every delayed request is in its delay now
    assert _health_ms(port) < 100
    other = []
    for _ in range(5):
        started = time.perf_counter()
        r = requests.get(f"{base}/bitbar/api/v2/me", headers={**BITBAR, "X-Mock-Tenant": "other"}, timeout=2)
        other.append((time.perf_counter() - started) * 1000)
        assert r.status_code == 200 and "<email>" in r.text
    assert statistics.median(other) < 100
    for t in clients:
        t.join(timeout=30)
    assert len(answers) == 32
    for status, text, took in answers:
        assert status == 503 and "<message>Injected fault</message>" in text
        assert took >= 2.9  # slept once, in the loop (not twice: the vendor app does not sleep again)
        assert took < 6
    journal = requests.get(f"{base}/_mock/requests", params={"tenant": "slow", "limit": 1}, timeout=5).json()
    assert journal["requests"][0]["status"] == 503 and journal["requests"][0]["duration_ms"] >= 2900


@pytest.mark.slow
def test_an_oversized_body_gets_the_vendors_413_declared_or_chunked(served):
    port, _ = served("--vendors", "bitbar", "--max-upload-mb", "1")
    url = f"http://127.0.0.1:{port + BITBAR_OFFSET}/api/v2/me/files"
    headers = {**BITBAR, "Content-Type": "application/octet-stream"}
    declared = requests.post(url, data=b"x" * (2 * 1024 * 1024), headers=headers, timeout=10)
    chunked = requests.post(url, data=iter([b"x" * 65536] * 32), headers=headers, timeout=10)
    for r in (declared, chunked):
        assert r.status_code == 413
        assert "<statusCode>413</statusCode>" in r.text and "Request Entity Too Large" in r.text
    fine = requests.post(f"http://127.0.0.1:{port}/bitbar/api/v2/me/projects", data={"name": "chunks"},
                         headers=BITBAR, timeout=10)
    assert fine.status_code == 201 and "<name>chunks</name>" in fine.text


def _one_answer(sock: socket.socket) -> tuple[bytes, bytes]:
    """One response read off a keep-alive connection: its head and its Content-Length's worth of body."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(next(line.split(b":", 1)[1] for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length:")))
    while len(body) < length:
        body += sock.recv(65536)
    assert len(body) == length, "more bytes than the answer declared"
    return head, body


def test_bodies_are_read_whole_however_they_arrive_and_the_connection_goes_on(served):
    # the front stops reading once a declared length has arrived: a body in pieces is still read whole, a
    # chunked one to its end, an empty one not waited for, and each leaves the connection fit for the next
    port, _ = served("--vendors", "bitbar")
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    start = (b"POST /bitbar/api/v2/me/projects HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\nAuthorization: "
             + BITBAR_KEY + b"\r\nContent-Type: application/x-www-form-urlencoded\r\n")
    try:
        sock.sendall(start + b"Content-Length: 14\r\n\r\nname")
        for piece in (b"=in-pi", b"eces"):
            time.sleep(0.05)
            sock.sendall(piece)
        head, body = _one_answer(sock)
        assert head.startswith(b"HTTP/1.1 201") and json.loads(body)["name"] == "in-pieces"
        sock.sendall(start + b"Transfer-Encoding: chunked\r\n\r\n5\r\nname=\r\n")
        for piece in (b"3\r\nchu\r\n", b"4\r\nnked\r\n", b"0\r\n\r\n"):
            time.sleep(0.05)
            sock.sendall(piece)
        head, body = _one_answer(sock)
        assert head.startswith(b"HTTP/1.1 201") and json.loads(body)["name"] == "chunked"
        sock.sendall(start + b"Content-Length: 0\r\n\r\n")
        head, body = _one_answer(sock)
        assert head.startswith(b"HTTP/1.1 400"), head  # Bitbar's own answer to a project without a name
        sock.sendall(b"GET /_mock/health HTTP/1.1\r\nHost: x\r\n\r\n")
        head, _ = _one_answer(sock)
        assert head.startswith(b"HTTP/1.1 200")
    finally:
        sock.close()
    bodies = [(entry["body"], entry["body_size"]) for entry in requests.get(
        f"http://127.0.0.1:{port}/_mock/requests", params={"limit": 3}, timeout=5).json()["requests"]]
    assert bodies == [("name=in-pieces", 14), ("name=chunked", 12), ("", 0)], bodies  # (a chunked one journaled too)


def test_body_timeout_is_range_checked_and_read_from_the_environment():
    assert from_env({"MOCKSERVER_BODY_TIMEOUT": "2.5"}).body_timeout == 2.5
    for bad in (0, -1, 3601, float("nan")):
        with pytest.raises(ValueError, match="body-timeout"):
            Settings(body_timeout=bad)


def test_every_port_runs_on_uvloop_and_still_answers(served):  # (Linux's /proc, as make test's apt-get)
    port, proc = served("--vendors", "bitbar")
    assert requests.get(f"http://127.0.0.1:{port}/_mock/health", timeout=5).status_code == 200
    r = requests.post(f"http://127.0.0.1:{port + BITBAR_OFFSET}/api/v2/me/projects", data={"name": "loop"},
                      headers=BITBAR, timeout=5)
    assert r.status_code == 201 and "<name>loop</name>" in r.text
    # the pinned uvloop is what granian's "auto" loop picks: its compiled loop is mapped into the process
    assert "uvloop/loop" in Path(f"/proc/{proc.pid}/maps").read_text()


@pytest.mark.slow
def test_kept_answers_are_told_apart_by_the_headers_the_front_picked_out(served):
    """The read cache's key comes from the header pairs the front read off the request: an answer kept for one
    Accept (or one credential) is never served for another, and a header that cannot change an answer (the
    User-Agent) gets the same answer."""
    port, proc = served("--vendors", "bitbar", "--no-vendor-ports")
    url = f"http://127.0.0.1:{port}/bitbar/api/v2/me"
    tenant = {"X-Mock-Tenant": "kept-headers"}

    def get(accept: str, agent: str = "a", key: bytes = BITBAR_KEY):
        return requests.get(url, headers={**tenant, "Authorization": key.decode(), "Accept": accept,
                                          "User-Agent": agent}, timeout=5)

    as_json, as_xml = get("application/json"), get("application/xml")
    assert as_json.headers["Content-Type"].startswith("application/json") and as_json.json()["id"]
    assert as_xml.headers["Content-Type"].startswith("application/xml") and as_xml.text.startswith("<?xml")
    again_json, again_xml = get("application/json", agent="b"), get("application/xml", agent="c")
    assert again_json.content == as_json.content and again_json.headers["Content-Type"] == as_json.headers[
        "Content-Type"]
    assert again_xml.content == as_xml.content
    stranger = get("application/json", key=b"Basic " + base64.b64encode(b"no-such-key:"))
    assert stranger.status_code == 401  # another credential: never the kept answer of the demo key
    journal = requests.get(f"http://127.0.0.1:{port}/_mock/requests?tenant=kept-headers", timeout=5).json()
    assert [(e["status"], e["response"]["headers"]["Content-Type"][:16]) for e in journal["requests"]] == [
        (200, "application/json"), (200, "application/xml"), (200, "application/json"), (200, "application/xml"),
        (401, "application/json")]  # kept answers are journaled as the rendered ones
