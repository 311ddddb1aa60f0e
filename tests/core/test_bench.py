"""`make bench`'s load: a rendered scenario never asks the same path twice, so no answer of it can come from the
read cache (two wrk threads counting alike once made about half of them cache hits)."""

from __future__ import annotations

import shutil
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.bench import HALVES, Scenario, _alternated, _python_load, _wrk


class _Recorder(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as wrk expects
    disable_nagle_algorithm = True  # (head and body are two writes: no 40 ms wait for a delayed ACK)
    paths: Counter = Counter()
    lock = threading.Lock()
    arrivals: list = []  # (server port, path) in the order requests came, across servers

    def do_GET(self):  # noqa: N802 - http.server's name
        with self.lock:
            self.paths[self.path] += 1
            self.arrivals.append((self.server.server_address[1], self.path))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def recorder():
    _Recorder.paths = Counter()
    _Recorder.arrivals = []
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


@pytest.mark.parametrize("load", ["wrk", "python"])
def test_the_bare_app_and_the_mock_take_turns_and_their_turns_add_up(recorder, load):
    """make bench drives the bare app and the mock in turns (bare, mock, bare, mock), so a change in the machine's
    speed during a scenario falls on both; each figure covers every turn."""
    bare_port, _ = recorder
    mock = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    mock.daemon_threads = True
    threading.Thread(target=mock.serve_forever, daemon=True).start()
    drive = _wrk if load == "wrk" else _python_load
    try:
        # (an odd number of seconds, as make bench's default 5: each turn must still be whole seconds for wrk)
        base, got = _alternated(drive, bare_port, mock.server_address[1], RENDERED, 1, 2)
    finally:
        mock.shutdown()
        mock.server_close()
    served_by = [port for port, _ in _Recorder.arrivals]
    turns = [port for n, port in enumerate(served_by) if n == 0 or served_by[n - 1] != port]
    assert turns == [bare_port, mock.server_address[1]] * HALVES
    for figures, port in ((base, bare_port), (got, mock.server_address[1])):
        # every answered request of every turn (wrk leaves out those in flight when a turn ends: a connection each)
        assert 0 <= served_by.count(port) - figures["requests"] <= 2 * HALVES
    assert base["rps"] > 0 and got["rps"] > 0 and base["non_2xx"] == got["non_2xx"] == 0
    assert len(set(_Recorder.paths)) == len(_Recorder.arrivals)  # (no path repeated across the turns either)
