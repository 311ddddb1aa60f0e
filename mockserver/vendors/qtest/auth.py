"""OAuth tokens: issuing, refreshing and checking bearer tokens on the mock clock."""

from __future__ import annotations

import math
from datetime import timedelta

from flask import request

from ...core import context
from ...core.errors import VendorError
from . import dates, options

FULL_AUTH = "Full authentication is required to access this resource"


def oauth_error(status: int, error: str, description: str, challenge: bool = False) -> VendorError:
    """Spring Security OAuth2's error body, which qTest's token layer answers with."""
    headers = {}
    if challenge:
        headers["WWW-Authenticate"] = f'Bearer realm="oauth", error="{error}", error_description="{description}"'
    return VendorError(status, description, headers=headers, oauth_error=error)


def _uuid(state, kind: str) -> str:
    raw = state.next_token(kind, 32)
    return f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:]}"


def issue(username: str, refresh_token: str | None = None) -> dict:
    state = context.state()
    opts = options.current()
    now = context.now()
    token = {
        "access_token": _uuid(state, "access_token"),
        # Spring's default token services reuse the refresh token on refresh
        "refresh_token": refresh_token or _uuid(state, "refresh_token"),
        "username": username,
        "issued_at": dates.stored(now),
        "expires_at": dates.stored(now + timedelta(seconds=opts["access_token_seconds"])),
    }
    state.table("tokens")[token["access_token"]] = token
    if refresh_token is None:
        state.table("refresh_tokens")[token["refresh_token"]] = {
            "refresh_token": token["refresh_token"],
            "username": username,
            "expires_at": dates.stored(now + timedelta(seconds=opts["refresh_token_seconds"])),
        }
    return token


def seconds_left(token: dict) -> int | None:
    if not token.get("expires_at"):
        return None
    # rounded up, so a token read in the same second it was issued still shows its whole lifetime
    return math.ceil((dates.parse(token["expires_at"]) - context.now()).total_seconds())


def check_password(username: str | None, password: str | None) -> None:
    if not username or not password:
        raise oauth_error(400, "invalid_grant", "Bad credentials")
    if context.permissive():
        return
    user = context.state().get("users", username)
    if user is None or user["password"] != password:
        raise oauth_error(400, "invalid_grant", "Bad credentials")


def use_refresh_token(value: str | None) -> str:
    """The username a refresh token belongs to; 400 invalid_grant when unknown or expired."""
    if not value:
        raise oauth_error(400, "invalid_grant", "Missing refresh token")
    record = context.state().get("refresh_tokens", value)
    if record is None:
        if context.permissive():
            return "permissive-user"
        raise oauth_error(400, "invalid_grant", f"Invalid refresh token: {value}")
    if dates.parse(record["expires_at"]) <= context.now():
        raise oauth_error(400, "invalid_grant", f"Invalid refresh token (expired): {value}")
    return record["username"]


def presented_token() -> str | None:
    header = request.headers.get("Authorization", "").strip()
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer":
        return value.strip() or None
    if scheme and not value.strip():
        # the Java SDK sends the bare token as the whole header value
        return scheme
    return None


def require_token() -> dict:
    """The token record of this request, or the OAuth 401 the real service answers."""
    value = presented_token()
    if value is None:
        raise oauth_error(401, "unauthorized", FULL_AUTH, challenge=True)
    token = context.state().get("tokens", value)
    if token is None:
        if context.permissive():
            return {"access_token": value, "username": "permissive-user", "expires_at": None}
        raise oauth_error(401, "invalid_token", f"Invalid access token: {value}", challenge=True)
    if token.get("expires_at"):
        expires = dates.parse(token["expires_at"])
        if expires <= context.now():
            raise oauth_error(401, "invalid_token", f"Access token expired: {value}", challenge=True)
        context.valid_until(expires)  # the token holds till then
    return token
