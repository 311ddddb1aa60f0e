"""SIGTERM stops `mockserver serve` cleanly at any moment, within 2 s, and frees every port it held:
half-way through start-up, idle, and with a delayed request in flight (which is cut, not waited for)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time

import pytest
import requests

from mockserver.vendors import registry
from tests.harness import free_server_ports
from tests.served import ROOT, SCRIPT, wait_health

pytestmark = pytest.mark.slow  # server processes of their own

WITHIN = 2.0


def _start(port: int) -> subprocess.Popen:
    return subprocess.Popen([SCRIPT, "serve", "--port", str(port)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, cwd=ROOT,
                            env={k: v for k, v in os.environ.items() if k not in ("HOST", "PORT")})


def _stop(proc: subprocess.Popen) -> tuple[int, float]:
    """SIGTERM, then (exit code, seconds until the process was gone)."""
    sent = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    try:
        code = proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        pytest.fail("SIGTERM did not stop the server within 10 s")
    return code, time.monotonic() - sent


def _assert_ports_free(port: int) -> None:
    for p in range(port, port + 1 + max(v.port_offset for v in registry().values())):
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(("127.0.0.1", p))  # raises while the stopped server (or a worker of it) holds it


def test_sigterm_during_start_up_exits_cleanly_and_frees_the_ports():
    port = free_server_ports()
    proc = _start(port)
    try:
        # the first line it writes (a fixture file loaded) is start-up: nothing answers yet
        first = proc.stdout.readline()
        assert "mockserver.fixtures" in first, first
        code, took = _stop(proc)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert code == 0, proc.stdout.read()
    assert took < WITHIN, f"{took:.2f} s"
    _assert_ports_free(port)


@pytest.mark.parametrize("after", [0.05, 0.3, 0.6])
def test_sigterm_at_any_moment_of_start_up_ends_the_process_within_2_s(after):
    port = free_server_ports()
    proc = _start(port)
    time.sleep(after)
    code, took = _stop(proc)
    # before Python has installed its handler the signal's default action ends it (-15); after, a clean 0
    assert code in (0, -signal.SIGTERM), proc.stdout.read()
    assert took < WITHIN, f"{took:.2f} s"
    _assert_ports_free(port)


def test_sigterm_cuts_a_delayed_request_and_exits_within_2_s():
    port = free_server_ports()
    proc = _start(port)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_health(base, proc)
        rule = requests.post(f"{base}/_mock/faults", json={"vendor": "bitbar", "delay_ms": 30000}, timeout=5)
        assert rule.status_code == 201, rule.text
        outcome: list = []

        def call():
            try:
                outcome.append(requests.get(f"{base}/bitbar/api/v2/me", timeout=40).status_code)
            except requests.ConnectionError as exc:
                outcome.append(exc)

        client = threading.Thread(target=call)
        client.start()
        time.sleep(0.5)  # the request is asleep in the front's event loop
        assert outcome == []
        code, took = _stop(proc)
        client.join(timeout=5)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert code == 0, proc.stdout.read()
    assert took < WITHIN, f"{took:.2f} s"
    assert len(outcome) == 1 and isinstance(outcome[0], requests.ConnectionError), outcome
    _assert_ports_free(port)


def test_sigterm_when_idle_exits_0_within_2_s():
    port = free_server_ports()
    proc = _start(port)
    wait_health(f"http://127.0.0.1:{port}", proc)
    code, took = _stop(proc)
    assert code == 0 and took < WITHIN, (code, took)
    _assert_ports_free(port)
