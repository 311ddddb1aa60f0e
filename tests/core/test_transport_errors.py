"""Request heads too large for the mock, against the served process on both port kinds: a URL over 16 KB is
the vendor's own 414, headers over 64 KB its own 431, journaled like any answer (core/front.py). What granian's
HTTP parser refuses before any app code runs (a malformed head, 100 header fields, a 64 KB URL) is its own
empty 400/431/414, and the server goes on answering."""

from __future__ import annotations

import json
import re
import socket

import pytest
import requests

from mockserver.vendors import registry

pytestmark = pytest.mark.slow

LONG_QUERY = b"?q=" + b"a" * (17 * 1024)
BIG_HEADER = b"X-Big: " + b"h" * (65 * 1024) + b"\r\n"


def _raw(port: int, head: bytes) -> tuple[bytes, dict, bytes]:
    """Send a request head as written; the status line, the headers and the body of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    top, _, body = data.partition(b"\r\n\r\n")
    status, *lines = top.split(b"\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(b":") for line in lines)}
    return status, headers, body


def _shape(body: bytes):
    """What an error body looks like apart from its words: its JSON keys, or its XML with the texts blanked."""
    if body.startswith(b"<"):
        return re.sub(rb">[^<]*<", b"><", body)
    parsed = json.loads(body)
    return sorted(parsed) if isinstance(parsed, dict) else type(parsed)


def _get(path: bytes, extra: bytes = b"") -> bytes:
    return b"GET " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + extra + b"\r\n"


def test_a_long_url_and_huge_headers_get_each_vendors_own_error_on_both_port_kinds(served):
    port, _ = served()
    vendors = registry()
    for index, name in enumerate(vendors):
        probe = vendors[name].probe.encode()
        for where, path in ((port, b"/" + name.encode() + probe), (port + vendors[name].port_offset, probe)):
            # the vendor's own error shape, as its 404 for an unknown path shows it
            _, shape, not_found = _raw(where, _get(path.rstrip(b"/") + b"/no-such-thing-here"))
            for status, head in ((b"414", _get(path + LONG_QUERY)), (b"431", _get(path, BIG_HEADER))):
                line, headers, body = _raw(where, head)
                assert line.split()[1] == status, (name, where, line)
                assert headers[b"content-type"] == shape[b"content-type"], (name, headers)
                message = b"URI Too Long" if status == b"414" else b"Request Header Fields Too Large"
                assert message in body and _shape(body) == _shape(not_found), (name, body)
        # journaled, as any answer of the vendor's
        found = requests.get(f"http://127.0.0.1:{port}/_mock/requests",
                             params={"vendor": name, "status": 431}, timeout=10).json()
        assert found["count"] == 2, (name, index, found["count"])
    # the control API (no vendor to speak for) answers in its own shape
    for where in (port, port + 1):
        line, _, body = _raw(where, _get(b"/_mock/health" + LONG_QUERY))
        assert line.split()[1] == b"414" and body == b'{"error": "URI Too Long"}'
        line, _, body = _raw(where, _get(b"/_mock/health", BIG_HEADER))
        assert line.split()[1] == b"431" and body == b'{"error": "Request Header Fields Too Large"}'
    # just under the limits, a request is answered as usual
    ok = requests.get(f"http://127.0.0.1:{port}/_mock/health", params={"q": "a" * (15 * 1024)},
                      headers={"X-Big": "h" * (60 * 1024)}, timeout=10)
    assert ok.status_code == 200


@pytest.mark.parametrize("head, status", [
    (_get(b"/bitbar/api/v2/me", b"X-Nul: a\x00b\r\n"), b"400"),
    (_get(b"/bitbar/api/v2/me", b"no colon here\r\n"), b"400"),
    (_get(b"/bitbar/api/v2/me", b"".join(b"X-H%d: v\r\n" % i for i in range(100))), b"431"),
    (_get(b"/bitbar/api/v2/me?q=" + b"a" * (64 * 1024)), b"414"),
])
def test_what_granian_refuses_itself_is_its_empty_answer_and_the_server_goes_on(served, head, status):
    port, _ = served("--vendors", "bitbar")
    line, headers, body = _raw(port, head)
    assert line.split()[1] == status and body == b"" and headers[b"content-length"] == b"0"
    assert requests.get(f"http://127.0.0.1:{port}/_mock/health", timeout=5).status_code == 200
