"""GET and POST /api/v2/appimages: the app images mobile tests install, and uploading one (a multipart
file part or a download url)."""

from __future__ import annotations

import hashlib
import posixpath
from urllib.parse import urlparse

from flask import request

from ...core import context
from ...core.filenames import safe_name
from . import errors
from .blueprint import API, blueprint, body_params, reply
from .model import format_time
from .schemas import AppImageOut

_EXTENSIONS = {".apk": "android", ".aab": "android", ".ipa": "ios", ".app": "ios"}


@blueprint.get(f"{API}/appimages")
def list_appimages():
    images = sorted(context.state().peek_values("appimages"), key=lambda a: a["id"])
    return reply("appimages", AppImageOut, images, many=True)


@blueprint.post(f"{API}/appimages")
def upload_appimage():
    strangers = [name for name in request.files if name != "file"]
    if strangers:
        raise errors.stray_file_part(strangers[0])
    # the contract sees a multipart part only as a field value, so it cannot tell the file part from a
    # text field named `file`: a text `file` carries no image
    if "file" in request.form:
        raise errors.file_as_text_field()
    fields = body_params()  # checked by the contract: name, platform, url and filename as the spec declares them
    upload = request.files.get("file")
    if upload is not None:
        content = upload.read()
        filename = fields.get("filename") or upload.filename
        size, digest, url = len(content), hashlib.sha256(content).hexdigest(), None
        if not content:
            raise errors.empty_upload()
    elif fields.get("url"):
        url = fields["url"]
        filename = fields.get("filename") or urlparse(url).path
        size, digest = 0, ""
    else:
        raise errors.image_missing()
    # only the base name is kept (whichever of the three gave it); nothing usable left (`..`) is no name
    filename = safe_name(filename)
    if not filename:
        raise errors.filename_missing()
    platform = fields.get("platform") or _EXTENSIONS.get(posixpath.splitext(filename)[1].lower())
    if platform is None:
        raise errors.platform_unknown()
    image = context.state().insert("appimages", {
        "name": fields.get("name") or filename,
        "filename": filename,
        "platform": platform,
        "size": size,
        "sha256": digest,
        "url": url,
        "created_at": format_time(context.now()),
    })
    # a created record is answered 201, the standard code the doc promises
    return reply("appimage", AppImageOut, image, status=201)
