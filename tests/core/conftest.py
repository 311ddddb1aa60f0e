"""A server with only the demo vendor, so the core is tested apart from any real vendor."""

from __future__ import annotations

import copy

import pytest
import requests

from mockserver.settings import Settings
from tests.core.demo_vendor import DEMO, DEMO_FIXTURES
from tests.harness import new_tenant, start_server
from tests.served import served  # noqa: F401  (a fixture: `mockserver serve` subprocesses)

AUTH = {"Authorization": "Bearer demo-token"}


@pytest.fixture(scope="module")
def demo_server():
    running = start_server(
        Settings(vendor_ports=False, vendors=("demo",), max_upload_mb=1, journal_size=50),
        vendors={"demo": DEMO},
        fixtures={"demo": copy.deepcopy(DEMO_FIXTURES)},
    )
    yield running
    running.stop()


class Demo:
    """requests against the demo vendor under one tenant."""

    def __init__(self, server, tenant):
        self.server = server
        self.tenant = tenant
        self.s = requests.Session()
        self.s.headers.update({**AUTH, "X-Mock-Tenant": tenant})

    def __call__(self, method, path, **kw):
        kw.setdefault("timeout", 10)
        return self.s.request(method, f"{self.server.url}/demo{path}", **kw)

    def mock(self, method, path, **kw):
        kw.setdefault("timeout", 10)
        return requests.request(method, f"{self.server.url}/_mock{path}", **kw)


@pytest.fixture
def demo(demo_server):
    d = Demo(demo_server, new_tenant("demo"))
    yield d
    d.mock("POST", "/clock", json={"mode": "real"})
    d.mock("DELETE", "/faults")


@pytest.fixture(scope="session")
def generated(tmp_path_factory):
    """A small generated fixture set of every built-in vendor, in JSON (the form `fixtures generate` writes at
    scale): what tests of loading and building read beside the default set."""
    from mockserver.core.generate import generate
    from mockserver.vendors import registry

    root = tmp_path_factory.mktemp("generated")
    for name in registry():
        generate(name, 30, 4, root, "json")
    return root
