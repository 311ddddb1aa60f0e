"""`mockserver serve` as a real subprocess on free loopback ports, for the tests that need the served process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.harness import free_server_ports

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = shutil.which("mockserver", path=str(Path(sys.executable).parent)) or "mockserver"


def run_cli(*args, timeout=60, env=None):
    return subprocess.run([SCRIPT, *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})}, cwd=ROOT)


def wait_health(url: str, proc, deadline: float = 30.0):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise AssertionError(f"server exited early: {proc.stdout.read()}")
        try:
            r = requests.get(f"{url}/_mock/health", timeout=1)
            if r.status_code == 200:
                return r
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{url} did not answer /_mock/health")


def start_served(*extra, env=None) -> tuple[int, subprocess.Popen]:
    """`mockserver serve` on a free block of ports (another block if one was taken meanwhile), healthy."""
    for _ in range(5):
        port = free_server_ports()
        proc = subprocess.Popen([SCRIPT, "serve", "--port", str(port), *extra], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, cwd=ROOT, env={**os.environ, **(env or {})})
        try:
            wait_health(f"http://127.0.0.1:{port}", proc)
        except AssertionError as exc:
            stop_served(proc)
            if "cannot bind" in str(exc):
                continue
            raise
        return port, proc
    raise AssertionError("no free block of ports")


def stop_served(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture
def served():
    """Start `mockserver serve` processes (`start_served`) for one test; all stopped after it."""
    procs = []

    def start(*extra, env=None):
        port, proc = start_served(*extra, env=env)
        procs.append(proc)
        return port, proc

    yield start
    for proc in procs:
        stop_served(proc)
