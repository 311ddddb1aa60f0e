"""The web console at /_mock/ui: one page over the public control API (and the vendors' own APIs as the
demo user), its assets package data read once, no CDN, no build step."""

from __future__ import annotations

import hashlib
import mimetypes
from pathlib import Path

from flask import Blueprint, Response, request

STATIC = Path(__file__).parent / "static"

console_blueprint = Blueprint("console", __name__)

_assets: dict[str, tuple[bytes, str, str]] = {}


def _load() -> dict[str, tuple[bytes, str, str]]:
    """name -> (bytes, content type, ETag), read on the first request for the console, then kept."""
    if not _assets:
        for path in sorted(STATIC.iterdir()):
            if path.is_file():
                data = path.read_bytes()
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                if kind.startswith("text/") or kind in ("application/javascript", "image/svg+xml"):
                    kind += "; charset=utf-8"
                _assets[path.name] = (data, kind, '"' + hashlib.sha256(data).hexdigest()[:16] + '"')
    return _assets


def is_console_asset(method: str, path: str) -> bool:
    """The page and its files carry no data, so they load without the control token (a browser cannot send
    one on navigation); every call the page makes then carries it."""
    return method in ("GET", "HEAD") and (path == "/ui" or path.startswith("/ui/"))


def _send(name: str) -> Response:
    asset = _load().get(name)
    if asset is None:
        return Response('{"error": "no such console file"}', 404, content_type="application/json")
    data, kind, etag = asset
    if request.headers.get("If-None-Match") == etag:
        return Response(b"", 304, headers={"ETag": etag})
    # revalidated on every load: a new package version never meets an old script in the browser's cache
    return Response(data, 200, content_type=kind, headers={"ETag": etag, "Cache-Control": "no-cache",
                                                           "X-Content-Type-Options": "nosniff"})


@console_blueprint.get("/")
def index():
    return _send("index.html")


@console_blueprint.get("/<name>")
def asset(name: str):
    return _send(name)
