"""Every port of the served process on the production server: reason phrases, keep-alive, one store."""

from __future__ import annotations

import http.client
import json

import pytest

from tests.served import wait_health

pytestmark = pytest.mark.slow  # servers started as processes

HIPTEST = {"access-token": "hiptest-demo-token", "client": "hiptest-demo-client", "uid": "demo@example.com",
           "Accept": "application/vnd.api+json; version=1"}
BITBAR = {"Authorization": "Basic Yml0YmFyLWRlbW8ta2V5Og==", "Accept": "application/json"}  # bitbar-demo-key:


def _get(conn: http.client.HTTPConnection, path: str, headers: dict) -> http.client.HTTPResponse:
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    response.read()
    return response


def test_a_vendor_port_says_429_too_many_requests_on_a_kept_alive_connection(served):
    # the Hiptest Ruby client retries only on this exact reason phrase
    port, _ = served("--vendors", "hiptest", "--vendor-option", "hiptest.rate_limit=1")
    for where, prefix in ((port + 1, ""), (port, "/hiptest")):
        conn = http.client.HTTPConnection("127.0.0.1", where, timeout=10)
        headers = {**HIPTEST, "X-Mock-Tenant": f"limited-{where}"}
        first = _get(conn, f"{prefix}/api/projects", headers)
        local = conn.sock.getsockname()
        second = _get(conn, f"{prefix}/api/projects", headers)
        assert (first.status, first.reason) == (200, "OK")
        assert (second.status, second.reason) == (429, "Too Many Requests"), where
        assert conn.sock is not None and conn.sock.getsockname() == local, "the connection was not kept alive"
        conn.close()


def test_every_vendor_port_keeps_the_connection_alive_with_standard_reasons(served):
    port, _ = served()
    for offset in range(1, 6):
        conn = http.client.HTTPConnection("127.0.0.1", port + offset, timeout=10)
        found = _get(conn, "/_mock/health", {})
        local = conn.sock.getsockname()
        missing = _get(conn, "/no/such/path", {})
        assert (found.status, found.reason) == (200, "OK")
        assert (missing.status, missing.reason) == (404, "Not Found")
        assert conn.sock is not None and conn.sock.getsockname() == local
        assert missing.getheader("server") == found.getheader("server") == "granian"
        conn.close()


def test_the_main_port_and_a_vendor_port_share_one_store(served):
    port, _ = served("--vendors", "bitbar")
    tenant = {"X-Mock-Tenant": "shared-store"}
    form = {**BITBAR, **tenant, "Content-Type": "application/x-www-form-urlencoded"}
    own = http.client.HTTPConnection("127.0.0.1", port + 4, timeout=10)
    main = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    for writer, prefix, reader, other, name in ((own, "", main, "/bitbar", "via-own-port"),
                                                (main, "/bitbar", own, "", "via-main-port")):
        writer.request("POST", f"{prefix}/api/v2/me/projects", body=f"name={name}", headers=form)
        created = writer.getresponse()
        project = json.loads(created.read())
        assert created.status in (200, 201), project
        reader.request("GET", f"{other}/api/v2/me/projects/{project['id']}", headers={**BITBAR, **tenant})
        read = reader.getresponse()
        assert (read.status, json.loads(read.read())["name"]) == (200, name)


def test_dev_serves_every_port_too(served):
    port, proc = served("--dev", "--vendors", "bitbar")
    wait_health(f"http://127.0.0.1:{port + 4}", proc)
    conn = http.client.HTTPConnection("127.0.0.1", port + 4, timeout=10)
    assert _get(conn, "/api/v2/devices?limit=1", BITBAR).status == 200
