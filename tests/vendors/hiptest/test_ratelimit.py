"""The rate limit (off by default, on by setting or control API, counted on the mock clock) and 423."""

from __future__ import annotations

import requests

from mockserver.settings import Settings
from tests.conftest import vendor_client
from tests.harness import start_server

from .conftest import CASH, DEMO_HEADERS, doc


def _switch(control, server, tenant, body):
    return control.post(f"{server.url}/_mock/hiptest/rate_limit", params={"tenant": tenant}, json=body, timeout=10)


def test_off_by_default(api):
    for _ in range(30):
        assert api.get("/api/projects").status_code == 200


def test_switched_on_at_run_time_and_counted_on_the_mock_clock(api, control, server, frozen):
    r = _switch(control, server, api.tenant, {"limit": 3})
    assert r.status_code == 200 and r.json()["enabled"] is True and r.json()["limit"] == 3
    for _ in range(3):
        assert api.get("/api/projects").status_code == 200
    r = api.get("/api/projects")
    assert r.status_code == 429
    assert r.headers["Retry-After"] == "60"
    assert r.json()["errors"][0].startswith("Too Many Requests")
    # sign-in counts too: the limit is per client address, not per token
    r = api.post("/api/auth/sign_in", json={"email": "demo@example.com", "password": "demo-password"})
    assert r.status_code == 429
    frozen(30)
    assert api.get("/api/projects").headers["Retry-After"] == "30"
    frozen(31)
    assert api.get("/api/projects").status_code == 200
    # the clock set back an hour: hits "from the future" no longer hold requests back
    control.post(f"{server.url}/_mock/clock", json={"set": "2024-03-01T11:00:00Z"}, timeout=10)
    for _ in range(3):
        assert api.get("/api/projects").status_code == 200
    assert api.get("/api/projects").status_code == 429


def test_switched_off_and_cleared_through_the_control_api(api, control, server, frozen):
    _switch(control, server, api.tenant, {"limit": 1})
    assert api.get("/api/projects").status_code == 200
    assert api.get("/api/projects").status_code == 429
    r = _switch(control, server, api.tenant, {"limit": 1, "clear": True})
    assert r.status_code == 200
    assert api.get("/api/projects").status_code == 200
    assert _switch(control, server, api.tenant, {"limit": 0}).json()["enabled"] is False
    for _ in range(5):
        assert api.get("/api/projects").status_code == 200
    shown = control.get(f"{server.url}/_mock/hiptest/rate_limit", params={"tenant": api.tenant}, timeout=10).json()
    assert shown == {"limit": None, "enabled": False, "window_seconds": 60, "source": "control"}
    for bad in ({}, {"limit": -1}, {"limit": "200"}, {"limit": 1, "other": 2}):
        assert _switch(control, server, api.tenant, bad).status_code == 400
    # other tenants keep their own switch
    assert control.get(f"{server.url}/_mock/hiptest/rate_limit", timeout=10).json()["source"] == "settings"


def test_a_reset_of_the_tenant_empties_its_window(api, control, server, frozen):
    _switch(control, server, api.tenant, {"limit": 1})
    assert api.get("/api/projects").status_code == 200
    assert api.get("/api/projects").status_code == 429
    reset = control.post(f"{server.url}/_mock/reset", params={"tenant": api.tenant, "vendor": "hiptest"}, timeout=10)
    assert reset.status_code == 200
    _switch(control, server, api.tenant, {"limit": 1})  # the reset put the switch back to the settings' (off)
    assert api.get("/api/projects").status_code == 200


def test_switched_on_by_the_setting():
    running = start_server(Settings(vendors=("hiptest",), vendor_options={"hiptest": {"rate_limit": 2}}))
    try:
        client = vendor_client(running, "hiptest")
        client.session.headers.update(DEMO_HEADERS)
        assert [client.get("/api/projects").status_code for _ in range(3)] == [200, 200, 429]
        shown = requests.get(f"{running.url}/_mock/hiptest/rate_limit", params={"tenant": client.tenant}, timeout=10)
        assert shown.json() == {"limit": 2, "enabled": True, "window_seconds": 60, "source": "settings"}
    finally:
        running.stop()


def test_tests_answer_423_while_a_new_run_generates(api, control, server, frozen):
    r = control.post(f"{server.url}/_mock/hiptest/generation", params={"tenant": api.tenant}, json={"seconds": 20},
                     timeout=10)
    assert r.json() == {"seconds": 20.0}
    run = api.post(f"/api/projects/{CASH}/test_runs", json=doc({"name": "Big"})).json()["data"]
    path = f"/api/projects/{CASH}/test_runs/{run['id']}/test_snapshots"
    r = api.get(path)
    assert r.status_code == 423 and r.json()["errors"]
    frozen(21)
    assert len(api.get(path).json()["data"]) == 6
    assert control.post(f"{server.url}/_mock/hiptest/generation", json={"seconds": -1}, timeout=10).status_code == 400
