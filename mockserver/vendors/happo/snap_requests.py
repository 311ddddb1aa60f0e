"""Snap requests: the renders the real clients ask for, one by one, in bulk, extending a report or with
results already made (not in the public docs: what the real clients call)."""

from __future__ import annotations

import json

from flask import request

from ...core import context
from ...core.bodies import schema_of
from ...core.errors import VendorError
from ...core.negotiation import json_response
from . import errors, schemas
from .blueprint import account, blueprint, checked_body, current_world, project, spec_checked
from .model import rendering

SNAP_REQUEST = schema_of(schemas.SnapRequestOut)


def _seconds() -> float:
    value = context.vendor_options().get("render_seconds", rendering.DEFAULT_RENDER_SECONDS)
    return float(value) if isinstance(value, (int, float)) else rendering.DEFAULT_RENDER_SECONDS


def _payload(text: str) -> dict:
    """A SnapPayload (openapi/happo.yaml): JSON inside a file part or a string field, so the contract sees
    only that it is there; parsed and checked against the spec here."""
    try:
        payload = json.loads(text)
    except RecursionError:
        raise errors.payload_too_deep() from None
    except ValueError as exc:
        raise errors.payload_not_json(exc) from None
    spec_checked("SnapPayload", payload)
    return payload


@blueprint.post("/api/snap-requests")
def create_snap_request():
    params, form = context.checked()  # the multipart text fields; the payload part stands in by its file name
    form = form or {}
    kind = form["type"]
    upload = request.files.get("payload")
    text = upload.read().decode("utf-8", errors="replace") if upload is not None else request.form.get("payload")
    if not text:  # an empty part: the contract only sees that the part is there
        raise errors.payload_missing()
    payload = _payload(text)
    world = current_world()
    proj = project(form)
    snap_request = rendering.create(world, account(), proj, kind, form.get("targetName"), payload,
                                    form.get("payloadHash") or params.get("payloadHash"), _seconds())
    return json_response({"requestId": snap_request["id"]})


@blueprint.post("/api/snap-requests/bulk")
def bulk_snap_requests():
    data = checked_body()
    world = current_world()
    proj = project(data)
    results = []
    for item in data["items"]:
        # each item fails alone with an `error` result at its position (the clients retry just that one),
        # so the spec's BulkSnapRequest is checked here per item rather than by the contract for the body
        try:
            spec_checked("BulkSnapRequest", item)
            payload = _payload(item["payloadString"])
        except VendorError as err:
            results.append({"error": err.message})
            continue
        created = rendering.create(world, account(), proj, item["type"], item.get("targetName"), payload,
                                   item.get("payloadHash"), _seconds())
        results.append({"requestId": created["id"]})
    return json_response({"results": results})


@blueprint.post("/api/snap-requests/extends-report")
def extends_report():
    data = checked_body()
    created = rendering.extends_report(current_world(), account(), project(data), data)
    return json_response({"requestId": created["id"]})


@blueprint.post("/api/snap-requests/with-results")
def with_results():
    data = checked_body()
    created = rendering.with_results(current_world(), account(), project(data), data["snaps"])
    return json_response({"requestId": created["id"]})


@blueprint.get("/api/snap-requests/<int:requestId>")
def get_snap_request(requestId):
    world = current_world()
    snap_request = rendering.get(world, account(), requestId)
    out = rendering.view(world, snap_request)
    # clients poll this every 5 s: the answer holds until the render is done, then until the state changes
    context.valid_until(None if out["status"] == "done" else rendering.request_done_at(snap_request))
    return json_response(SNAP_REQUEST.dump(out))
