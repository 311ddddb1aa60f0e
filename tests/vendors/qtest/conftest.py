"""qTest test helpers: an authenticated client, the mock clock and the tenant's state."""

from __future__ import annotations

import pytest

DEMO_TOKEN = "qtest-demo-token"
DOC_GUID = "9CA1C201-EE4D-421B-88B6-8D5E6416C23E"


@pytest.fixture
def api(qtest):
    """The per-test qTest client, carrying the fixtures' ready bearer token."""
    qtest.session.headers["Authorization"] = f"bearer {DEMO_TOKEN}"
    return qtest


@pytest.fixture
def clock(server, control):
    class Clock:
        def set(self, when: str):
            r = control.post(f"{server.url}/_mock/clock", json={"set": when}, timeout=10)
            assert r.status_code == 200, r.text

        def advance(self, seconds: float):
            r = control.post(f"{server.url}/_mock/clock", json={"advance_seconds": seconds}, timeout=10)
            assert r.status_code == 200, r.text

    return Clock()


@pytest.fixture
def mock_state(server, control, qtest):
    def read() -> dict:
        r = control.get(f"{server.url}/_mock/state", params={"vendor": "qtest", "tenant": qtest.tenant}, timeout=10)
        assert r.status_code == 200, r.text
        return r.json()["state"]

    return read


@pytest.fixture
def load_fixtures(server, control, qtest):
    """Replace this test's tenant's fixtures (YAML text) through the control API."""
    def load(text: str):
        r = control.post(f"{server.url}/_mock/fixtures", params={"vendor": "qtest", "tenant": qtest.tenant},
                         data=text, headers={"Content-Type": "application/yaml"}, timeout=10)
        assert r.status_code == 200, r.text

    return load


def assert_message(response, status: int, *fragments: str):
    """An application error: the status, {"message": ...} naming each fragment, the request-id header."""
    assert response.status_code == status, response.text
    body = response.json()
    assert isinstance(body.get("message"), str)
    for fragment in fragments:
        assert fragment in body["message"], body
    assert response.headers.get("x-qtest-request-id")


def assert_oauth(response, status: int, error: str, description: str | None = None):
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == error
    if description is not None:
        assert body["error_description"] == description
    return body
