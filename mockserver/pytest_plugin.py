"""The pytest plugin (entry point `pytest11`): the mock in a test suite, one tenant per test.

    def test_me(mockserver, mock_tenant):
        r = requests.get(mockserver.base_url("bitbar") + "/api/v2/me",
                         headers={**mockserver.credentials("bitbar"), **mock_tenant.headers})
        assert r.status_code == 200 and mock_tenant.count(vendor="bitbar") == 1

`mockserver` (session) starts the real server on free loopback ports the first time a test asks for it
(`mockserver serve` in a subprocess by default; `--mockserver-mode thread` serves the app in threads of
the test process), or uses the one at `--mockserver-url`. `mock_tenant` gives each test a tenant of its
own, so tests (and pytest-xdist workers sharing one server) never see each other's data, clock, faults,
journal or outbox. Loaded in every pytest run of an environment that has the package: it only registers
options and fixtures, and starts nothing until a test asks for `mockserver`.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid

import pytest

from .client import MockControl, MockControlError

START_TIMEOUT = 30.0
TOKEN_ENV = "MOCKSERVER_CONTROL_TOKEN"


def pytest_addoption(parser):
    group = parser.getgroup("mockserver", "the mockserver fixtures (mockserver, mock_tenant)")
    group.addoption("--mockserver-url", default=os.environ.get("MOCKSERVER_URL"),
                    help="use the server already running at this URL (its main port) instead of starting one "
                         "(env MOCKSERVER_URL)")
    group.addoption("--mockserver-fixtures", default=None,
                    help="fixtures folder of the server the plugin starts (default: the package's)")
    group.addoption("--mockserver-vendors", default=None,
                    help="comma-separated vendors the server the plugin starts enables (default: all)")
    group.addoption("--mockserver-mode", choices=("subprocess", "thread"), default="subprocess",
                    help="start the server as a `mockserver serve` subprocess (default) or in threads of the "
                         "test process")


class MockServer:
    """The running mock: its URLs, the demo credentials, and `control` (a MockControl for every tenant)."""

    def __init__(self, url: str, token: str | None = None, vendor_ports: dict[str, int] | None = None):
        self.url = url.rstrip("/")
        self.control = MockControl(self.url, token=token)
        self._vendor_ports = vendor_ports or {}

    def __repr__(self) -> str:
        return f"MockServer({self.url!r})"

    def base_url(self, vendor: str) -> str:
        """The vendor's prefixed base URL (``http://127.0.0.1:PORT/<vendor>``)."""
        return f"{self.url}/{vendor}"

    def port_url(self, vendor: str) -> str:
        """The vendor's own port (for clients whose base URL cannot carry a path); only for a server the
        plugin started."""
        if vendor not in self._vendor_ports:
            raise LookupError(f"no own port known for {vendor!r}: the plugin did not start this server "
                              "or the vendor is not enabled; use base_url()")
        return f"{self.url.rsplit(':', 1)[0]}:{self._vendor_ports[vendor]}"

    def credentials(self, vendor: str) -> dict[str, str]:
        """Headers that make a request the default fixtures' demo user of `vendor`."""
        from .vendors import registry

        return dict(registry()[vendor].demo_headers)

    def tenant(self, name: str) -> MockTenant:
        """A control client scoped to tenant `name`."""
        return MockTenant(self.url, tenant=name, token=self.control.token)


class MockTenant(MockControl):
    """A MockControl scoped to one tenant, with its `name` and the `headers` that select it."""

    @property
    def name(self) -> str:
        return self.tenant

    def tenant_url(self, vendor: str) -> str:
        """The vendor's base URL with the tenant in the path, for clients that cannot send a header."""
        return f"{self.url}/{vendor}/_tenant/{self.tenant.replace('/', '~')}"


def free_port_block(count: int) -> int:
    """A port such that it and the `count - 1` after it are free on 127.0.0.1 right now."""
    for _ in range(200):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = probe.getsockname()[1]
        if base + count > 65535:
            continue
        held = []
        try:
            for port in range(base, base + count):
                sock = socket.socket()
                held.append(sock)
                sock.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for sock in held:
                sock.close()
    raise RuntimeError("mockserver: no free block of loopback ports")


def _wait_healthy(control: MockControl, alive, deadline: float) -> bool:
    while time.monotonic() < deadline:
        if not alive():
            return False
        try:
            if control.health()["status"] == "ok":
                return True
        except (OSError, MockControlError, ValueError):
            pass
        time.sleep(0.05)
    return False


def _vendors(config) -> tuple[str, ...]:
    from .settings import parse_vendors, vendor_names

    given = config.getoption("mockserver_vendors")
    return tuple(parse_vendors(given)) if given else vendor_names()


def _own_ports(port: int, vendors) -> dict[str, int]:
    from .vendors import registry

    return {name: port + registry()[name].port_offset for name in vendors}


def _span() -> int:
    from .vendors import registry

    return 1 + max(v.port_offset for v in registry().values())


def _start_subprocess(config, token: str | None):
    """`mockserver serve` on a free block of ports; a few tries when another process takes one first."""
    fixtures, vendors = config.getoption("mockserver_fixtures"), config.getoption("mockserver_vendors")
    log = tempfile.TemporaryFile()
    for _ in range(5):
        port = free_port_block(_span())
        cmd = [sys.executable, "-m", "mockserver.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
               "--log-level", "warning"]
        if fixtures:
            cmd += ["--fixtures", fixtures]
        if vendors:
            cmd += ["--vendors", vendors]
        log.seek(0)
        log.truncate()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        server = MockServer(f"http://127.0.0.1:{port}", token, _own_ports(port, _vendors(config)))
        if _wait_healthy(server.control, lambda: proc.poll() is None, time.monotonic() + START_TIMEOUT):
            return server, lambda: _stop(proc, log)
        _stop(proc, None)
        log.seek(0)
        output = log.read().decode("utf-8", "replace")
        if "cannot bind" not in output:  # not a port taken in between: trying again would fail the same way
            break
    log.close()
    raise RuntimeError(f"mockserver did not start ({' '.join(cmd)}):\n{output[-4000:]}")


def _stop(proc, log) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if log is not None:
        log.close()


def _start_thread(config, token: str | None):
    """The app in threads of this process, on Werkzeug's threaded server (as `serve --dev`): granian's
    workers install signal handlers, which only the main thread may."""
    import threading

    from werkzeug.serving import make_server

    from .app import create_app
    from .core.httpd import RequestHandler
    from .settings import Settings

    options = {"vendors": _vendors(config), "log_level": "warning", "control_token": token or ""}
    if config.getoption("mockserver_fixtures"):
        options["fixtures"] = config.getoption("mockserver_fixtures")
    app = None
    for _ in range(5):
        settings = Settings(port=free_port_block(_span()), **options)
        app = app or create_app(settings)
        apps = [(settings.port, app)] + [(settings.vendor_port(name), wsgi) for name, wsgi in app.ports.items()]
        servers = []
        try:
            for port, wsgi in apps:
                servers.append(make_server("127.0.0.1", port, wsgi, threaded=True, request_handler=RequestHandler))
        except (OSError, SystemExit):  # a port taken between probing and binding (werkzeug exits): another block
            for httpd in servers:
                httpd.server_close()
            continue
        for httpd in servers:
            threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()

        def stop(servers=servers):
            for httpd in servers:
                httpd.shutdown()
                httpd.server_close()

        return MockServer(f"http://127.0.0.1:{settings.port}", token, _own_ports(settings.port, settings.vendors)), stop
    raise RuntimeError("mockserver: could not bind a block of loopback ports")


@pytest.fixture(scope="session")
def mockserver(pytestconfig):
    """The mock server for the session: started on free loopback ports, or the one at --mockserver-url."""
    token = os.environ.get(TOKEN_ENV) or None
    url = pytestconfig.getoption("mockserver_url")
    if url:
        server = MockServer(url, token)
        try:
            server.control.health()
        except (OSError, MockControlError) as exc:
            raise RuntimeError(f"--mockserver-url {url}: no mockserver answers there ({exc})") from None
        yield server
        return
    start = _start_thread if pytestconfig.getoption("mockserver_mode") == "thread" else _start_subprocess
    server, stop = start(pytestconfig, token)
    try:
        yield server
    finally:
        stop()


def _worker(request) -> str:
    workerinput = getattr(request.config, "workerinput", None)  # set by pytest-xdist in its workers
    return workerinput["workerid"] if workerinput else "main"


@pytest.fixture
def mock_tenant(mockserver, request):
    """A tenant of this test's own (fresh data from the fixtures, its own clock, faults, journal and
    outbox); reset when the test ends, so its fault rules and journal do not pile up on a shared server."""
    tenant = mockserver.tenant(f"pytest-{_worker(request)}-{uuid.uuid4().hex[:12]}")
    yield tenant
    try:
        tenant.reset()
    except (OSError, MockControlError):
        pass  # the server went away: nothing left to clean
