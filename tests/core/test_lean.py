"""The request path's shortcuts answer as the long way would: the trimmed Flask cycle (mockserver/core/lean.py)
as Flask's own (forms read as werkzeug reads them, routes taken from the table answer as matched ones, refusals
are never kept as routes, plain answers carry werkzeug's status line and headers), and JSON bodies read first
by orjson (core/contract.py) as the json module reads them."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest
import requests
from werkzeug import urls  # noqa: F401 (registers the decoding error handler werkzeug's form parser names)

BITBAR = {"Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded"}
AUTH = ("bitbar-demo-key", "")


def _werkzeug_name(body: bytes) -> str | None:
    """The `name` werkzeug's own url-encoded parser reads from `body` (None: absent or unreadable)."""
    try:
        pairs = parse_qsl(body.decode(), keep_blank_values=True, errors="werkzeug.url_quote")
    except ValueError:
        return None
    return next((value for key, value in pairs if key == "name"), None)  # (a repeated field: its first value)


@pytest.mark.parametrize("body", [b"name=plain", b"name=%FF%FE", b"name=a+b%20c", b"name=\xff\xfe", b"=&&=x",
                                  b"name=one&name=two"])
def test_a_form_body_is_read_as_werkzeugs_parser_reads_it(server, tenant, body):
    r = requests.post(f"{server.vendor_url('bitbar')}/api/v2/me/projects", data=body, auth=AUTH,
                      headers={**BITBAR, "X-Mock-Tenant": tenant}, timeout=10)
    expected = _werkzeug_name(body)
    if expected:
        assert r.status_code == 201, r.text
        assert r.json()["name"] == expected
    else:  # the vendor's own 400 naming the field, never a 500
        assert r.status_code == 400, r.text
        assert r.json()["message"].startswith("name:")


def test_routes_taken_from_the_table_answer_as_matched_ones(server, tenant):
    base, headers = server.vendor_url("bitbar"), {"Accept": "application/json", "X-Mock-Tenant": tenant}
    for _ in range(3):  # the first match fills the table, the next ones read it
        me = requests.get(f"{base}/api/v2/me", auth=AUTH, headers=headers, timeout=10)
        assert me.status_code == 200 and me.json()["id"]
        gone = requests.get(f"{base}/api/v2/no-such-thing", auth=AUTH, headers=headers, timeout=10)
        assert gone.status_code == 404 and gone.json()["statusCode"] == 404
        wrong = requests.delete(f"{base}/api/v2/devices", auth=AUTH, headers=headers, timeout=10)
        assert wrong.status_code == 405 and "GET" in wrong.headers["Allow"]
        head = requests.head(f"{base}/api/v2/me", auth=AUTH, headers=headers, timeout=10)
        assert head.status_code == 200 and head.content == b""
        assert int(head.headers["Content-Length"]) == len(me.content)


def test_flasks_signals_still_reach_a_listener():
    """Signals nobody listens to are not sent; one that is listened to is, in Flask's order, with its arguments."""
    from flask import signals

    from mockserver.app import create_app
    from mockserver.settings import Settings

    app = create_app(Settings(vendors=("bitbar",))).core.vendor_apps["bitbar"]
    heard = []
    names = ("appcontext_pushed", "request_started", "request_finished", "request_tearing_down",
             "appcontext_tearing_down", "appcontext_popped")

    def listener(name):
        def heard_one(sender, **extra):
            heard.append((name, sender is app, extra.get("response").status_code if "response" in extra else None))
        return heard_one

    listeners = {name: listener(name) for name in names}  # (blinker holds receivers weakly: kept alive here)
    for name, receiver in listeners.items():
        getattr(signals, name).connect(receiver, app)
    try:
        answer = app.test_client().get("/api/v2/me", headers={"Accept": "application/json",
                                                              "Authorization": "Basic Yml0YmFyLWRlbW8ta2V5Og=="})
    finally:
        for name, receiver in listeners.items():
            getattr(signals, name).disconnect(receiver, app)
    assert answer.status_code == 200
    assert heard == [("appcontext_pushed", True, None), ("request_started", True, None),
                     ("request_finished", True, 200), ("request_tearing_down", True, None),
                     ("appcontext_tearing_down", True, None), ("appcontext_popped", True, None)]
    heard.clear()
    assert app.test_client().get("/api/v2/me").status_code == 401 and heard == []  # (no listener left)


def test_a_plain_answer_has_werkzeugs_status_line_and_headers(server, tenant):
    """An answer of bytes with only its Content-Type is built without werkzeug's checks, and reads as it did."""
    from flask import Response

    from mockserver.core.lean import LeanResponse

    for status in (200, 201, 404, 422, 599):
        lean = LeanResponse(b'{"a": 1}', status=status, content_type="application/json")
        plain = Response(b'{"a": 1}', status=status, content_type="application/json")
        assert (lean.status, lean.status_code, lean.headers.to_wsgi_list(), lean.get_data()) == \
            (plain.status, plain.status_code, plain.headers.to_wsgi_list(), plain.get_data())
    headers = {**BITBAR, "X-Mock-Tenant": tenant}
    made = requests.post(f"{server.vendor_url('bitbar')}/api/v2/me/projects", data=b"name=lean", auth=AUTH,
                         headers=headers, timeout=10)
    gone = requests.get(f"{server.vendor_url('bitbar')}/api/v2/me/projects/987654321", auth=AUTH, headers=headers,
                        timeout=10)
    for answer, status, reason in ((made, 201, "CREATED"), (gone, 404, "NOT FOUND")):
        assert (answer.status_code, answer.reason) == (status, reason), answer.text
        assert answer.headers["Content-Type"] == "application/json"
        assert int(answer.headers["Content-Length"]) == len(answer.content)


SIPFRONT = {"Authorization": "Basic c2lwZnJvbnQtZGVtby1wdWJsaWM6c2lwZnJvbnQtZGVtby1zZWNyZXQ=",
            "Content-Type": "application/json"}


@pytest.mark.parametrize("body, named", [
    (b'{"id": 12345678901234567890123}', "No test with id 12345678901234567890123"),  # (beyond 64 bits: not a float)
    (b'{"id": 9223372036854775808}', "No test with id 9223372036854775808"),
    ('{"test.name": "caf\u00e9"}'.encode("utf-16"), "No test named 'caf\u00e9'"),  # (UTF-16, with its BOM)
    (b'\xef\xbb\xbf{"test.name": "bom"}', "No test named 'bom'"),
])
def test_json_bodies_are_read_as_the_json_module_reads_them(server, tenant, body, named):
    r = requests.post(f"{server.vendor_url('sipfront')}/api/v2/tests/run", data=body,
                      headers={**SIPFRONT, "X-Mock-Tenant": tenant}, timeout=10)
    assert r.status_code == 404, r.text
    assert named in r.text
