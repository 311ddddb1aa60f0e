"""Happo test helpers: an authenticated client, the outbox of the test's tenant, snapshot builders."""

from __future__ import annotations

import time
import warnings

import jwt
import pytest

KEY, SECRET = "happo-demo-key", "happo-demo-secret"


@pytest.fixture
def api(happo):
    happo.session.auth = (KEY, SECRET)
    return happo


def token(key=KEY, secret=SECRET, kid=None, exp_in=300, **payload):
    body = {"key": key, **payload}
    if exp_in is not None:
        body["exp"] = int(time.time()) + exp_in
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the demo secrets are short, as real clients' often are
        return jwt.encode(body, secret, algorithm="HS256", headers={"kid": key if kid is None else kid})


def snap(component="Button", variant="default", target="chrome", url="https://cdn.example.com/a.png", **kw):
    return {"component": component, "variant": variant, "target": target, "url": url, "width": 300, "height": 200, **kw}


@pytest.fixture
def outbox(server, control):
    def read(client, kind=None):
        params = {"vendor": "happo", "tenant": client.tenant}
        if kind:
            params["kind"] = kind
        return control.get(f"{server.url}/_mock/outbox", params=params, timeout=10).json()["outbox"]
    return read


@pytest.fixture
def clock(server, control):
    """Freezes the mock clock (renders finish only when the test says so); `control` puts it back."""
    assert control.post(f"{server.url}/_mock/clock", json={"mode": "frozen"}, timeout=10).status_code == 200

    def advance(seconds):
        r = control.post(f"{server.url}/_mock/clock", json={"advance_seconds": seconds}, timeout=10)
        assert r.status_code == 200
    return advance
