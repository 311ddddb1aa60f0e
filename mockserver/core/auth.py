"""Reading credentials off a request; each vendor decides what they must be."""

from __future__ import annotations

import base64
import binascii
from functools import lru_cache

from flask import current_app, request
from flask.globals import _cv_request

PUBLIC_ATTR = "mock_public"


def public(view=None, *, check=None):
    """Mark a view that needs no API credentials (pages, presigned uploads, the sign-in itself).

    `check()`, if given, runs in the vendor's sign-in check's place: a signed URL, a client's Basic header.
    Used bare (`@public`) or with a check (`@public(check=...)`).
    """
    def mark(fn):
        setattr(fn, PUBLIC_ATTR, check or _nothing)
        return fn
    return mark(view) if view is not None else mark


def _nothing() -> None:
    return None


def admission(view, vendor):
    """What runs before `view` to let a request in: its public check, or the vendor's authentication."""
    return getattr(view, PUBLIC_ATTR, None) or vendor.authenticate


def is_public() -> bool:
    """Whether the view this request reached is marked public."""
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, PUBLIC_ATTR, None) is not None


class Malformed(Exception):
    """The Authorization header is there but cannot be read."""


def scheme_and_value() -> tuple[str, str] | None:
    return _scheme_and_value(_cv_request.get().request.environ.get("HTTP_AUTHORIZATION", ""))


# a client sends the same Authorization header on every call: it is split (and a Basic one decoded) once
@lru_cache(maxsize=1024)
def _scheme_and_value(header: str) -> tuple[str, str] | None:
    header = header.strip()
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    return scheme.lower(), value.strip()


def basic_credentials() -> tuple[str, str] | None:
    """(user, password) from `Authorization: Basic ...`; None when absent; Malformed when unreadable."""
    found = scheme_and_value()
    if not found or found[0] != "basic":
        return None
    decoded = _basic(found[1])
    if isinstance(decoded, str):
        raise Malformed(decoded)
    return decoded


@lru_cache(maxsize=1024)
def _basic(value: str) -> tuple[str, str] | str:
    """(user, password), or why they cannot be read."""
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return "Basic credentials are not valid base64"
    if ":" not in decoded:
        return "Basic credentials lack the ':' separator"
    user, _, password = decoded.partition(":")
    return user, password


def bearer_token() -> str | None:
    """The token of `Authorization: Bearer ...` (scheme case-insensitive); None when absent."""
    found = scheme_and_value()
    if not found or found[0] != "bearer" or not found[1]:
        return None
    return found[1]
