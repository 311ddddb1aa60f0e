"""The one Sipfront blueprint and what its resource modules share: Sipfront's reply envelope, launch and
upload bodies read as the dotted keys they stand for, and the lookups that answer the vendor's 404s."""

from __future__ import annotations

from flask import Blueprint, request

from ...core import context
from ...core.bodies import schema_of
from ...core.negotiation import json_response
from . import errors, model

blueprint = Blueprint("sipfront", __name__)
API = "/api/v2"


def reply(key: str, schema, data, status: int = 200, many: bool = False):
    """Sipfront's envelope: the payload under its key next to the HTTP status."""
    return json_response({key: schema_of(schema, many=many).dump(data), "status": status}, status)


def body_params() -> dict:
    """The body the contract checked (form or multipart fields, or a JSON object whose nested objects are
    read as the dotted keys they stand for); with --no-validate-requests, a multipart body sent to an
    operation that documents none still has its text fields read."""
    body = context.checked()[1]
    if body is not None:  # (a form's fields are text or lists, never objects: flattened, they are as they were)
        return _flatten(body)
    if request.mimetype == "multipart/form-data":
        return {key: values if len(values) > 1 else values[0] for key, values in request.form.lists()}
    return {}


def _flatten(data: dict, prefix: str = "") -> dict:
    out = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, f"{name}."))
        else:
            out[name] = value
    return out


def session_or_404(state, key: str, now) -> dict:
    """`:id`/`:sid` as the session UUID the status URLs carry, or the session's numeric id."""
    run = model.find_session(state, key, now)
    if run is None:
        raise errors.run_not_found(key)
    return run


def test_or_404(state, test_id: int) -> dict:
    test = state.get("tests", test_id)
    if test is None:
        raise errors.test_not_found(test_id)
    return test


def sessions_of_test_or_404(state, test_id: int, now) -> list[dict]:
    """The test's sessions that have started, oldest first (404 for an unknown test)."""
    test_or_404(state, test_id)
    return model.sessions_of_test(state, test_id, now)


def project_run_or_404(state, run_uuid: str, now) -> dict:
    prun = model.find_project_run(state, run_uuid, now)
    if prun is None:
        raise errors.project_run_not_found(run_uuid)
    return prun
