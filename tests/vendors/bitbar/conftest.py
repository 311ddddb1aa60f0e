"""Bitbar test helpers: an authenticated JSON client per test and a mock-clock driver."""

from __future__ import annotations

import pytest
import yaml

from mockserver.settings import DEFAULT_FIXTURES as FIXTURES_DIR

DEFAULT_FIXTURES = FIXTURES_DIR / "bitbar.yaml"

API_KEY = "bitbar-demo-key"
USER_ID = 31595291
PROJECT = 31945182
RUN = 31945210
DEVICE_RUN = 31949802
ME = "/api/v2/me"


@pytest.fixture
def bb(bitbar):
    """The bitbar VendorClient, authenticated with the demo API key, asking for JSON."""
    bitbar.session.auth = (API_KEY, "")
    bitbar.session.headers["Accept"] = "application/json"
    return bitbar


class Clock:
    def __init__(self, server, control):
        self.url = f"{server.url}/_mock/clock"
        self.control = control

    def set(self, when: str = "2030-01-01T00:00:00Z") -> None:
        assert self.control.post(self.url, json={"set": when}, timeout=10).status_code == 200

    def advance(self, seconds: float) -> None:
        assert self.control.post(self.url, json={"advance_seconds": seconds}, timeout=10).status_code == 200


@pytest.fixture
def started(bb, clock):
    """A run on group 4150 (Sony Z: 60 s SUCCEEDED, Z1: 60 s FAILED, Z3: 45 s WARNING), queue 5 s."""
    clock.set()
    assert bb.post(f"{ME}/projects/{PROJECT}/config", params={"usedDeviceGroupId": 4150}).status_code == 201
    r = bb.post(f"{ME}/projects/{PROJECT}/runs", params={"name": "Nightly"})
    assert r.status_code == 201
    return r.json()


@pytest.fixture
def clock(server, control):
    return Clock(server, control)


def load_fixtures(server, control, tenant: str, **simulation) -> None:
    """Give one tenant the default fixtures with some `simulation` knobs changed."""
    data = yaml.safe_load(DEFAULT_FIXTURES.read_text(encoding="utf-8"))
    data["simulation"].update(simulation)
    r = control.post(f"{server.url}/_mock/fixtures", params={"vendor": "bitbar", "tenant": tenant},
                     json=data, timeout=10)
    assert r.status_code == 200, r.text
