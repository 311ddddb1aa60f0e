"""Backup downloads: the archive behind a backup's `url`, served where the real service hands out a
pre-signed S3 URL (unreachable offline), with S3's answers to an expired or edited link."""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

from flask import Response, request

from ...core import context
from ...core.auth import public
from . import errors
from .blueprint import blueprint
from .model import backups

WHOLE = re.compile(r"[0-9]{1,12}")


# the id is any text, as an S3 key is: a key that names no backup is S3's NoSuchKey, never the API's 404
@blueprint.get("/backups/<backup_id>/<file_name>")
@public
def download_backup(backup_id, file_name):
    state = context.state()
    backup = backups.find(state, int(backup_id)) if WHOLE.fullmatch(backup_id) else None
    now = context.now().timestamp()
    if backup is None or backup["file_name"] != file_name or backup["done_epoch"] > now:
        raise errors.backup_not_found()
    expires = request.args.get("Expires", "")
    if not WHOLE.fullmatch(expires) or request.args.get("Signature") != backups.signature(backup, int(expires)):
        raise errors.backup_signature_mismatch()
    if int(expires) < now:
        raise errors.backup_url_expired()
    return Response(backups.archive(backup), 200, mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{backup["file_name"]}"'})


def s3_error(status: int, code: str, message: str) -> Response:
    body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code>'
            f"<Message>{escape(message)}</Message></Error>")
    return Response(body, status, mimetype="application/xml")
