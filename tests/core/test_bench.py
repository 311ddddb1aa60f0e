"""`make bench`'s load: a rendered scenario never asks the same path twice, so no answer of it can come from the
read cache (two wrk threads counting alike once made about half of them cache hits)."""

from __future__ import annotations

import shutil
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.bench import Scenario, _python_load, _wrk


class _Recorder(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as wrk expects
    disable_nagle_algorithm = True  # (head and body are two writes: no 40 ms wait for a delayed ACK)
    paths: Counter = Counter()
    lock = threading.Lock()

    def do_GET(self):  # noqa: N802 - http.server's name
        with self.lock:
            self.paths[self.path] += 1
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def recorder():
    _Recorder.paths = Counter()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], _Recorder.paths
    server.shutdown()
    server.server_close()


RENDERED = Scenario("a rendered read", "read", "GET", "/api/things?limit=20", {}, rendered=True)


@pytest.mark.parametrize("load", ["wrk", "python"])
def test_a_rendered_scenario_never_repeats_a_path_across_threads_or_runs(recorder, load):
    port, paths = recorder
    if load == "wrk":
        assert shutil.which("wrk"), "wrk is missing: `make test` installs it (Debian's wrk)"
        drive = _wrk
    else:
        drive = _python_load
    for _ in range(2):  # as make bench runs it: a warm-up, then the measured run
        drive(port, RENDERED, 1, 4)  # (wrk counts whole seconds)
    assert sum(paths.values()) > 20
    repeated = {path: n for path, n in paths.items() if n > 1}
    assert not repeated, f"{len(repeated)} paths asked more than once, e.g. {list(repeated.items())[:3]}"
    assert all(path.startswith("/api/things?limit=20&bench=") for path in paths)
