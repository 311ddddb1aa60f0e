"""Shared fixtures: one server with all five vendors for the whole session, a client per test."""

from __future__ import annotations

import pytest
import requests

from mockserver.settings import vendor_names
from tests.harness import VendorClient, new_tenant, start_server

# what `make test-fast` leaves out: real clients, fuzzing, whole-spec sweeps, servers started as processes
SLOW = ("tests/clients/", "tests/contract/test_fuzz.py", "tests/contract/test_specs.py",
        "tests/contract/test_hostile_inputs.py", "tests/core/test_cli.py", "tests/core/test_sixth_vendor.py",
        "tests/core/test_fixture_formats.py", "tests/console/test_browser.py", "tests/core/test_fleet.py")


def pytest_collection_modifyitems(config, items):
    root = config.rootpath
    for item in items:
        where = item.path.relative_to(root).as_posix()
        if where.startswith(SLOW) or item.path.name.startswith("test_generate"):  # fixture sets made at scale
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def server():
    running = start_server()
    yield running
    running.stop()


@pytest.fixture
def control(server):
    """requests.Session for the /_mock control API; the clock is put back to real time afterwards."""
    session = requests.Session()
    yield session
    session.post(f"{server.url}/_mock/clock", json={"mode": "real"}, timeout=10)
    session.delete(f"{server.url}/_mock/faults", timeout=10)


@pytest.fixture
def tenant():
    return new_tenant()


def vendor_client(server, vendor: str, tenant: str | None = None) -> VendorClient:
    from tests.contract.validate import validator_for

    return VendorClient(server.vendor_url(vendor), vendor, tenant, validator_for(vendor))


def _client_fixture(name: str):
    @pytest.fixture(name=name)
    def client(server):
        return vendor_client(server, name)
    return client


# a `<vendor>` fixture per registered vendor: a client for it, validating every answer against its spec
for _name in vendor_names():
    globals()[f"_{_name}_client"] = _client_fixture(_name)
