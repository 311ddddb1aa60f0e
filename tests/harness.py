"""Test harness: a real server on loopback ports, and clients that talk HTTP to it.

Every vendor test uses `VendorClient`, which sends requests under a tenant of its own (so tests
never see each other's changes) and validates every response against the vendor's OpenAPI spec
when the spec exists (see tests/contract/validate.py).
"""

from __future__ import annotations

import logging
import threading
import uuid
from dataclasses import dataclass, field

import requests
from werkzeug.serving import make_server

from mockserver.app import create_app
from mockserver.core.httpd import RequestHandler
from mockserver.pytest_plugin import free_port_block  # noqa: F401  (the tests' bench and stress use it too)
from mockserver.settings import Settings


def free_server_ports() -> int:
    """A main port with every registered vendor's own port (main + port_offset) free after it."""
    from mockserver.vendors import registry

    return free_port_block(1 + max(v.port_offset for v in registry().values()))


@dataclass
class RunningServer:
    settings: Settings
    app: object
    servers: list = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://{self.settings.host}:{self.settings.port}"

    @property
    def core(self):
        return self.app.core

    def vendor_url(self, vendor: str) -> str:
        return f"{self.url}/{vendor}"

    def port_url(self, vendor: str) -> str:
        return f"http://{self.settings.host}:{self.settings.vendor_port(vendor)}"

    def stop(self) -> None:
        for s in self.servers:
            s.shutdown()
            s.server_close()


logging.getLogger("werkzeug").setLevel(logging.WARNING)


def start_server(
    settings: Settings | None = None, vendors: dict | None = None, fixtures: dict | None = None
) -> RunningServer:
    settings = settings or Settings()
    app = None
    for _ in range(20):
        settings.port = free_server_ports()
        app = app or create_app(settings, vendors=vendors, fixtures=fixtures)
        running = RunningServer(settings, app)
        apps = [(settings.port, app)]
        if settings.vendor_ports:
            apps += [(settings.vendor_port(name), port_app) for name, port_app in app.ports.items()]
        try:
            for port, wsgi in apps:
                running.servers.append(make_server(settings.host, port, wsgi, threaded=True,
                                                   request_handler=RequestHandler))
        except (OSError, SystemExit):  # another process took a port between probing and binding (werkzeug
            # exits on EADDRINUSE rather than raising): try another block
            for httpd in running.servers:
                httpd.server_close()
            continue
        for httpd in running.servers:
            threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return running
    raise RuntimeError("could not bind a block of ports")


def new_tenant(prefix: str = "t") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


class VendorClient:
    """requests against one vendor's root, under one tenant, responses checked against the spec."""

    def __init__(self, base_url: str, vendor: str, tenant: str | None = None, validator=None):
        self.base_url = base_url.rstrip("/")
        self.vendor = vendor
        self.tenant = tenant or new_tenant(vendor)
        self.session = requests.Session()
        self.session.headers["X-Mock-Tenant"] = self.tenant
        self.validator = validator

    def url(self, path: str) -> str:
        return self.base_url + path

    @property
    def page_base(self) -> str:
        """How links to pages a browser opens begin: the root and the tenant (core/tenancy.py)."""
        return f"{self.base_url}/_tenant/{self.tenant.replace('/', '~')}"

    def request(self, method: str, path: str, validate: bool = True, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", 30)
        response = self.session.request(method, self.url(path), **kwargs)
        if validate and self.validator is not None:
            self.validator.check(response)
        return response

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def put(self, path, **kw):
        return self.request("PUT", path, **kw)

    def patch(self, path, **kw):
        return self.request("PATCH", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)


def grown_app(vendor: str, grow):
    """(the app, a werkzeug client of it) of `vendor` alone on the default fixtures as `grow(data)` changed them
    (what a test of a big table adds to the set), served in process."""
    from werkzeug.test import Client

    from mockserver.app import load_vendors
    from mockserver.core.fixtures import load_all
    from mockserver.settings import DEFAULT_FIXTURES

    vendors = load_vendors([vendor])
    data = load_all(DEFAULT_FIXTURES, vendors)
    grow(data[vendor])
    server = create_app(Settings(vendors=(vendor,)), vendors=vendors, fixtures=data)
    return server, Client(server)


def assert_holds_few(server, vendor: str, most: int, after: str) -> None:
    """The default tenant holds at most `most` records of `vendor` of its own (what it copied, changed or added)."""
    held = server.core.store.own_records()["default"][vendor]
    assert held <= most, f"the default tenant holds {held} records of its own after {after}"
