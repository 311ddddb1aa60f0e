"""Static packages: the zipped examples the clients upload once per hash, directly or through a signed URL
(not in the public docs: what the real clients call)."""

from __future__ import annotations

from flask import Response, request

from ...core.auth import public
from ...core.negotiation import json_response
from . import errors
from .blueprint import account, blueprint, current_world, signed_by_url
from .model import assets


@blueprint.get("/api/snap-requests/assets-data/<hash>")
def asset_data(hash):
    found = assets.asset(current_world(), account(), hash)
    if found is None:
        raise errors.assets_not_found(hash)
    return json_response({"path": found["path"], "uploadedAt": found["uploadedAt"]})


@blueprint.post("/api/snap-requests/assets/<hash>")
def upload_asset(hash):
    upload = request.files.get("payload")
    if upload is None:
        raise errors.file_part_missing("payload")
    record = assets.store_asset(current_world(), account(), hash, upload.read())
    return json_response({"path": record["path"]})


@blueprint.get("/api/snap-requests/assets/<hash>/signed-url")
def asset_signed_url(hash):
    return json_response(assets.signed_url(current_world(), account(), hash))


@blueprint.post("/api/snap-requests/assets/<hash>/signed-url/finalize")
def finalize_asset(hash):
    record = assets.finalize_signed(current_world(), account(), hash)
    return json_response({"path": record["path"]})


@blueprint.put("/uploads/assets/<int:accountId>/<hash>")
@public(check=signed_by_url(assets.check_signed))
def signed_asset_put(accountId, hash):
    md5 = assets.put_signed(current_world(), accountId, hash, request.args.get("signature", ""), request.get_data())
    # S3 answers a PUT with the body's md5 as the ETag; happo 6 checks it
    return Response(b"", status=200, headers={"ETag": f'"{md5}"'})
