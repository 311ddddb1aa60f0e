"""Connection-level faults (WireMock's kinds), random delays and a dribbled body, as a `requests` client sees
them from the served process (core/front.py); other tenants' requests on the same server are unaffected."""

from __future__ import annotations

import time

import pytest
import requests

BITBAR = {"Authorization": "Basic Yml0YmFyLWRlbW8ta2V5Og=="}  # bitbar-demo-key:
ME = "/bitbar/api/v2/me"

pytestmark = pytest.mark.slow


def _rule(base: str, **rule) -> dict:
    r = requests.post(f"{base}/_mock/faults", json={"vendor": "bitbar", "path": "/api/v2/me", **rule}, timeout=5)
    assert r.status_code == 201, r.text
    return r.json()


def _get(base: str, tenant: str, **kw) -> requests.Response:
    return requests.get(f"{base}{ME}", headers={**BITBAR, "X-Mock-Tenant": tenant}, **kw)


FAULTS = [
    ("connection_reset", requests.ConnectionError, "Connection reset by peer"),
    ("empty_response", requests.ConnectionError, "Remote end closed connection without response"),
    ("random_data_then_close", requests.ConnectionError, "Connection aborted"),
    ("malformed_chunk", requests.exceptions.ChunkedEncodingError, "InvalidChunkLength"),
]


def _journaled(base: str, tenant: str) -> list[dict]:
    return requests.get(f"{base}/_mock/requests", params={"tenant": tenant}, timeout=5).json()["requests"]


@pytest.mark.parametrize("fault, error, says", FAULTS)
@pytest.mark.parametrize("server", ["granian", "dev"])
def test_each_connection_fault_breaks_only_its_tenants_requests_and_is_journaled(served, server, fault, error, says):
    port, _ = served("--vendors", "bitbar", *(("--dev",) if server == "dev" else ()))
    base = f"http://127.0.0.1:{port}"
    rule = _rule(base, fault=fault, tenant="broken", times=2)
    assert "status" not in rule or rule["status"] is None
    for _ in range(2):
        with pytest.raises(error, match=says):
            _get(base, "broken", timeout=5)
        other = _get(base, "other", timeout=5)  # same server, another tenant: its real answer
        assert other.status_code == 200 and "<email>" in other.text
    assert _get(base, "broken", timeout=5).status_code == 200  # `times` used up: the rule is gone
    assert requests.get(f"{base}/_mock/health", timeout=5).status_code == 200
    # each broken request is in the journal with no status and the fault named, then the answered one
    entries = _journaled(base, "broken")
    assert [(e["status"], e["connection_fault"], e["fault"]) for e in entries] == \
        [(None, fault, rule["id"])] * 2 + [(200, None, None)]
    assert entries[0]["path"] == ME and entries[0]["vendor"] == "bitbar" and entries[0]["response"]["status"] is None
    assert [e["status"] for e in _journaled(base, "other")] == [200, 200]


def test_a_dribbled_body_times_out_a_short_read_timeout_and_arrives_whole_for_a_patient_client(served):
    port, _ = served("--vendors", "bitbar")
    base = f"http://127.0.0.1:{port}"
    _rule(base, tenant="slow", chunked_dribble={"chunks": 4, "ms": 2000})
    whole = _get(base, "other", timeout=5)
    assert whole.status_code == 200
    started = time.monotonic()
    head = _get(base, "slow", timeout=0.3, stream=True)  # the head comes at once
    assert head.status_code == 200 and time.monotonic() - started < 0.3
    with pytest.raises(requests.exceptions.ConnectionError, match="Read timed out"):
        head.content  # each piece of the body comes 500 ms after the last
    started = time.monotonic()
    r = _get(base, "slow", timeout=5)
    took = time.monotonic() - started
    assert r.status_code == 200 and r.content == whole.content  # the vendor's own answer, all of it
    assert took >= 1.9 and took < 4  # the dribble spreads the body over its 2 s


def test_a_dribbled_injected_status_and_a_uniform_delay(served):
    port, _ = served("--vendors", "bitbar")
    base = f"http://127.0.0.1:{port}"
    _rule(base, tenant="t", status=503, chunked_dribble={"chunks": 2, "ms": 400}, times=1)
    started = time.monotonic()
    r = _get(base, "t", timeout=5)
    assert r.status_code == 503 and "Injected fault" in r.text and time.monotonic() - started >= 0.35
    rule = _rule(base, tenant="u", status=500, delay_ms={"uniform": [200, 600]})
    assert rule["delay_ms"] == {"uniform": [200, 600]}
    for _ in range(3):
        started = time.monotonic()
        assert _get(base, "u", timeout=5).status_code == 500
        assert 0.19 <= time.monotonic() - started < 1.5


BAD_RULES = [
    ({"fault": "socket_timeout"}, "fault"),
    ({"fault": "connection_reset", "status": 500}, "fault"),
    ({"fault": "empty_response", "headers": {"X-A": "1"}}, "fault"),
    ({"delay_ms": {"uniform": [500, 100]}}, "delay_ms"),
    ({"delay_ms": {"uniform": [0, 60001]}}, "delay_ms"),
    ({"delay_ms": {"normal": [1, 2]}}, "delay_ms"),
    ({"delay_ms": "100"}, "delay_ms"),
    ({"chunked_dribble": {"chunks": 0, "ms": 100}}, "chunked_dribble"),
    ({"chunked_dribble": {"chunks": 2}}, "chunked_dribble"),
    ({"chunked_dribble": {"chunks": 2, "ms": 10, "bytes": 1}}, "chunked_dribble"),
]


def test_bad_fault_rules_get_a_400_naming_the_key_and_add_nothing(served):
    port, _ = served("--vendors", "bitbar")
    base = f"http://127.0.0.1:{port}/_mock/faults"
    for rule, key in BAD_RULES:
        r = requests.post(base, json=rule, timeout=5)
        assert r.status_code == 400, (rule, r.text)
        assert r.json()["error"].startswith(key), (rule, r.text)
    r = requests.post(base, json={"path": "/x"}, timeout=5)
    assert r.status_code == 400 and "a status, a delay_ms, a fault or a chunked_dribble" in r.text
    assert requests.get(base, timeout=5).json() == {"faults": []}
