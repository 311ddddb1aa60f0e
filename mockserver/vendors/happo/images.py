"""E2E images: the upload URL a client asks for, the signed upload target, the uploaded image."""

from __future__ import annotations

from flask import Response, request

from ...core import context
from ...core.auth import public
from ...core.negotiation import json_response
from . import errors
from .blueprint import account, blueprint, current_world, signed_by_url
from .model import assets


@blueprint.get("/api/images/<hash>/upload-url")
def image_upload_url(hash):
    return json_response(assets.upload_url(current_world(), account(), hash))


@blueprint.post("/uploads/images/<int:accountId>/<hash>")
@public(check=signed_by_url(assets.check_image_upload))
def image_upload(accountId, hash):
    upload = request.files.get("file")
    if upload is None:
        raise errors.file_part_missing("file")
    data = upload.read()
    world = current_world()  # (the signature was checked before the body was read: signed_by_url)
    if not context.check_stored(assets.stored_image_bytes(world, (accountId, hash)), len(data)):
        raise errors.storage_full(context.settings().max_stored_mb)
    out = assets.store_image(world, accountId, hash, request.args.get("signature", ""), data,
                             upload.mimetype or "image/png")
    return json_response(out)


@blueprint.get("/images/<int:accountId>/<hash>")
@public
def uploaded_image(accountId, hash):
    image = current_world().state.get("images", (accountId, hash))
    if image is None:
        raise errors.image_not_found(hash)
    return Response(image["data"], content_type=image["contentType"])
