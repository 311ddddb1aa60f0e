"""What the real clients call besides the documented endpoints: snap-requests, assets, async reports,
image uploads and pull-request tokens (clients.md §2.4-2.8)."""

from __future__ import annotations

import hashlib
import hmac
import json
import re

from flask import request

from ...core import context
from ...core.bodies import schema_of
from ...core.errors import VendorError
from ...core.negotiation import json_response
from . import schemas
from .model import assets, rendering
from .model.reports import report_url
from .routes import (
    account,
    bp,
    checked_body,
    current_world,
    project,
    public,
    spec_checked,
)

SNAP_REQUEST = schema_of(schemas.SnapRequestOut)
PR_URL = re.compile(r"^https?://[^/\s]+/[^/\s]+/[^/\s]+/pull/[0-9]+/?$")


def _seconds() -> float:
    value = context.vendor_options().get("render_seconds", rendering.DEFAULT_RENDER_SECONDS)
    return float(value) if isinstance(value, (int, float)) else rendering.DEFAULT_RENDER_SECONDS


def _payload(text: str) -> dict:
    """A SnapPayload (openapi/happo.yaml): JSON inside a file part or a string field, so the contract sees
    only that it is there; parsed and checked against the spec here."""
    try:
        payload = json.loads(text)
    except RecursionError:
        raise VendorError(400, "payload is not valid JSON: nested too deeply") from None
    except ValueError as exc:
        raise VendorError(400, f"payload is not valid JSON: {exc}") from None
    spec_checked("SnapPayload", payload)
    return payload


@bp.post("/api/snap-requests")
def create_snap_request():
    params, form = context.checked()  # the multipart text fields; the payload part stands in by its file name
    form = form or {}
    kind = form["type"]
    upload = request.files.get("payload")
    text = upload.read().decode("utf-8", errors="replace") if upload is not None else request.form.get("payload")
    if not text:  # an empty part: the contract only sees that the part is there
        raise VendorError(400, "payload: Missing data for required field.")
    payload = _payload(text)
    world = current_world()
    proj = project(form)
    snap_request = rendering.create(world, account(), proj, kind, form.get("targetName"), payload,
                                    form.get("payloadHash") or params.get("payloadHash"), _seconds())
    return json_response({"requestId": snap_request["id"]})


@bp.post("/api/snap-requests/bulk")
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


@bp.post("/api/snap-requests/extends-report")
def extends_report():
    data = checked_body()
    created = rendering.extends_report(current_world(), account(), project(data), data)
    return json_response({"requestId": created["id"]})


@bp.post("/api/snap-requests/with-results")
def with_results():
    data = checked_body()
    created = rendering.with_results(current_world(), account(), project(data), data["snaps"])
    return json_response({"requestId": created["id"]})


@bp.get("/api/snap-requests/<int:requestId>")
def get_snap_request(requestId):
    world = current_world()
    snap_request = rendering.get(world, account(), requestId)
    out = rendering.view(world, snap_request)
    # clients poll this every 5 s: the answer holds until the render is done, then until the state changes
    context.valid_until(None if out["status"] == "done" else rendering.request_done_at(snap_request))
    return json_response(SNAP_REQUEST.dump(out))


# -- static packages ------------------------------------------------------------------------------


@bp.get("/api/snap-requests/assets-data/<hash>")
def asset_data(hash):
    found = assets.asset(current_world(), account(), hash)
    if found is None:
        raise VendorError(404, f"No assets found for hash {hash}")
    return json_response({"path": found["path"], "uploadedAt": found["uploadedAt"]})


@bp.post("/api/snap-requests/assets/<hash>")
def upload_asset(hash):
    upload = request.files.get("payload")
    if upload is None:
        raise VendorError(400, "payload: a multipart file field is required")
    record = assets.store_asset(current_world(), account(), hash, upload.read())
    return json_response({"path": record["path"]})


@bp.get("/api/snap-requests/assets/<hash>/signed-url")
def asset_signed_url(hash):
    return json_response(assets.signed_url(current_world(), account(), hash))


@bp.post("/api/snap-requests/assets/<hash>/signed-url/finalize")
def finalize_asset(hash):
    record = assets.finalize_signed(current_world(), account(), hash)
    return json_response({"path": record["path"]})


# -- async reports --------------------------------------------------------------------------------


@bp.post("/api/async-reports/<sha>")
def create_async_report(sha):
    data = checked_body()
    data["requestIds"] = [int(r) for r in data["requestIds"]]  # JSON integers may arrive as 1.0
    world = current_world()
    proj = project(data)
    report = rendering.async_report(world, account(), proj, sha, data)
    return json_response({"id": report["id"], "url": report_url(world, proj, sha)})


@bp.post("/api/async-reports/<sha>/finalize")
def finalize_async_report(sha):
    data = checked_body()
    world = current_world()
    proj = project(data)
    report = rendering.finalize(world, proj, sha, data)
    return json_response({"id": report["id"], "sha": sha, "finalizedAt": report["finalizedAt"]})


# -- e2e images and pull-request tokens -----------------------------------------------------------


@bp.get("/api/images/<hash>/upload-url")
def image_upload_url(hash):
    return json_response(assets.upload_url(current_world(), account(), hash))


@bp.post("/api/pull-request-token")
@public
def pull_request_token():
    data = checked_body()
    if not PR_URL.match(data["prUrl"]):
        raise VendorError(400, "prUrl: must be a pull request URL", fields={"prUrl": ["must be a pull request URL"]})
    state = current_world().state
    owner = min(state.table("accounts").values(), key=lambda a: a["id"], default=None)
    if owner is None:
        raise VendorError(404, "No account can take pull-request tokens")
    # the service trusts a PR of a repository it is installed on; the mock gives every PR to its first account
    secret = hmac.new(owner["apiSecret"].encode(), data["prUrl"].encode(), hashlib.sha256).hexdigest()
    state.table("prTokens")[data["prUrl"]] = {"prUrl": data["prUrl"], "secret": secret, "accountId": owner["id"]}
    return json_response({"secret": secret})
