"""One error-body style for bad input, whether the contract refuses it before the handler or the handler
does: `error` is "<field path>: <message>", `details` nests the field's messages, and the messages are
marshmallow's words (the handlers' own), never the schema validator's."""

from __future__ import annotations

import json
import re

import pytest

from tests.vendors.happo.conftest import snap

# the validator's phrasing; a quoted pattern after "does not match" is the schema's, not marshmallow's
VALIDATOR_WORDS = re.compile(r"is not of type|is not one of|does not match [\\\"']|is a required property|"
                             r"Additional properties|is shorter than|is less than|is not valid under|\$\.")


def _payload(text):
    return {"payload": ("payload.json", text, "application/json")}


def _leaf(details, path):
    node = details
    for part in path.split("."):
        node = node[part]
    return node


@pytest.mark.parametrize("call, path, message", [
    # refused by the contract
    (lambda api: api.post("/api/reports/s1", json={"snaps": [snap(width="wide")]}, validate=False),
     "snaps.0.width", "Not a valid integer."),
    (lambda api: api.post("/api/reports/s1", json={"snaps": [snap(url=None)]}, validate=False),
     "snaps.0.url", "Field may not be null."),
    (lambda api: api.post("/api/snap-requests", data={"type": "nonsense", "payloadHash": "h"},
                          files=_payload("{}"), validate=False),
     "type", None),
    # refused by the handler
    (lambda api: api.post("/api/snap-requests", data={"type": "browser-chrome"}, files={"dummy": ("x", "y")},
                          validate=False),
     "payload", "Missing data for required field."),
    (lambda api: api.post("/api/snap-requests", data={"type": "browser-chrome"}, files=_payload("{broken"),
                          validate=False),
     "payload", None),
    (lambda api: api.post("/api/snap-requests", data={"type": "browser-chrome"},
                          files=_payload(json.dumps({"viewport": "big"})), validate=False),
     "viewport", "String does not match expected pattern."),
])
def test_bad_input_gets_one_body_style(api, call, path, message):
    r = call(api)
    assert r.status_code == 400, r.text
    body = r.json()
    assert set(body) == {"error", "details"}, body
    leaf = _leaf(body["details"], path)
    assert body["error"] == f"{path}: {leaf[0]}"
    if message is not None:
        assert leaf[0] == message
    assert not VALIDATOR_WORDS.search(r.text), r.text
