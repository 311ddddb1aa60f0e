"""A served process whose worker dies does not linger half alive: the mock is one process (no worker process to
die alone: an OOM kill takes it all, and the container restarts it), and a port whose granian worker stops on its
own ends the process at once with a non-zero status (serve.py)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.harness import free_server_ports
from tests.served import ROOT, wait_health

pytestmark = pytest.mark.slow

# `mockserver serve`, but the worker of the second port (the first vendor's) is told to stop after 1.5 s, as a
# worker that crashed inside granian returns: the rest of the process is the real one
DYING = """
import sys, threading
from granian._granian import WorkerSignal
from granian.server.mt import MTServer
real = MTServer._spawn_asgi_worker

def spawn(index, sig, *args, **kw):
    if index == 2:
        own = WorkerSignal()
        threading.Timer(1.5, own.set).start()
        sig = own
    return real(index, sig, *args, **kw)

MTServer._spawn_asgi_worker = staticmethod(spawn)
from mockserver.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_the_mock_is_one_process_with_no_worker_process_to_die_alone(served):
    port, proc = served("--vendors", "bitbar")
    assert requests.get(f"http://127.0.0.1:{port + 4}/api/v2/me",
                        headers={"Authorization": "Basic Yml0YmFyLWRlbW8ta2V5Og=="}, timeout=5).status_code == 200
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
    assert children == []  # every port is a thread of this process: killed, it is gone whole (exit non-zero)
    proc.kill()
    assert proc.wait(timeout=10) != 0


def test_a_port_whose_worker_stops_ends_the_process_at_once_non_zero():
    port = free_server_ports()
    proc = subprocess.Popen([sys.executable, "-c", DYING, "serve", "--port", str(port), "--vendors", "hiptest"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        wait_health(f"http://127.0.0.1:{port}", proc)
        started = time.monotonic()
        code = proc.wait(timeout=15)
        took = time.monotonic() - started
        _, err = proc.communicate()
    finally:
        if proc.poll() is None:
            proc.kill()
    assert code == 3, err
    assert took < 5  # at once: it does not wait for the other ports to drain
    assert f"the server of 127.0.0.1:{port + 1} stopped; exiting with status 3" in err
