"""Server settings seen through the Bitbar surface: upload size limit and permissive auth."""

from __future__ import annotations

import pytest

from mockserver.settings import Settings
from tests.conftest import vendor_client
from tests.harness import start_server

from .conftest import ME, PROJECT


@pytest.fixture(scope="module")
def small_server():
    running = start_server(Settings(max_upload_mb=1, auth="permissive", vendor_ports=False, vendors=("bitbar",)))
    yield running
    running.stop()


@pytest.fixture
def client(small_server):
    c = vendor_client(small_server, "bitbar")
    c.session.headers["Accept"] = "application/json"
    return c


def test_upload_above_max_upload_mb_is_413_in_the_vendor_shape(client):
    r = client.post(f"{ME}/projects/{PROJECT}/files/application", auth=("bitbar-demo-key", ""),
                    files={"file": ("big.apk", b"x" * (1024 * 1024 + 10))})
    assert r.status_code == 413 and r.json()["statusCode"] == 413
    down = client.get(f"{ME}/projects/{PROJECT}/files/application", auth=("bitbar-demo-key", ""))
    assert down.content == b"PK sample application bytes"


def test_permissive_auth_accepts_any_key_but_not_none(client):
    assert client.get(ME, auth=("any-key-at-all", "")).json()["id"] == 31595291
    assert client.get(ME, params={"access_token": "made-up"}).status_code == 200
    assert client.get(ME).status_code == 401
    assert client.get(ME, headers={"Authorization": "Basic !!"}).status_code == 401
