"""Reading credentials off a request; each vendor decides what they must be."""

from __future__ import annotations

import base64
import binascii

from flask import request


class Malformed(Exception):
    """The Authorization header is there but cannot be read."""


def scheme_and_value() -> tuple[str, str] | None:
    header = request.headers.get("Authorization", "").strip()
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    return scheme.lower(), value.strip()


def basic_credentials() -> tuple[str, str] | None:
    """(user, password) from `Authorization: Basic ...`; None when absent; Malformed when unreadable."""
    found = scheme_and_value()
    if not found or found[0] != "basic":
        return None
    try:
        decoded = base64.b64decode(found[1], validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise Malformed("Basic credentials are not valid base64") from None
    if ":" not in decoded:
        raise Malformed("Basic credentials lack the ':' separator")
    user, _, password = decoded.partition(":")
    return user, password


def bearer_token() -> str | None:
    """The token of `Authorization: Bearer ...` (scheme case-insensitive); None when absent."""
    found = scheme_and_value()
    if not found or found[0] != "bearer" or not found[1]:
        return None
    return found[1]
