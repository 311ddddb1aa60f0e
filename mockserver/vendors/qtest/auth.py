"""How a qTest request proves who it is: OAuth bearer tokens on the mock clock, issued and refreshed
by the token endpoint, whose optional Basic header names the site's client."""

from __future__ import annotations

import math
from datetime import timedelta
from functools import lru_cache

from flask import request

from ...core import context
from ...core.auth import Malformed, basic_credentials
from ...core.credentials import any_password, mark
from . import errors
from .model import dates


def _uuid(state, kind: str) -> str:
    raw = state.next_token(kind, 32)
    return mark(f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:]}")  # (a credential's tenant follows)


def issue(username: str, opts: dict, refresh_token: str | None = None) -> dict:
    """A new access token (and, unless refreshing, a new refresh token) with the lifetimes of `opts`."""
    state = context.state()
    now = context.now()
    if refresh_token is not None:
        revoke_issued_with(state, refresh_token)
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


def revoke_issued_with(state, refresh_token: str) -> None:
    """Spring's DefaultTokenServices removes the access token a refresh token was last used for."""
    tokens = state.table("tokens")
    for value in [v for v, t in tokens.items() if t.get("refresh_token") == refresh_token]:
        state.delete("tokens", value)


def seconds_left(token: dict) -> int | None:
    if not token.get("expires_at"):
        return None
    # rounded up, so a token read in the same second it was issued still shows its whole lifetime
    return math.ceil((dates.parse(token["expires_at"]) - context.now()).total_seconds())


def check_password(username: str | None, password: str | None) -> None:
    if not username or not password:
        raise errors.bad_credentials()
    if context.permissive():
        return
    user = context.state().get("users", username)
    if user is None or (user["password"] != password and not any_password(username, password)):
        raise errors.bad_credentials()


def use_refresh_token(value: str | None) -> str:
    """The username a refresh token belongs to; 400 invalid_grant when unknown or expired."""
    if not value:
        raise errors.missing_refresh_token()
    state = context.state()
    record = state.get("refresh_tokens", value)
    api_token = state.get("tokens", value)
    if record is None and api_token is not None and not api_token.get("expires_at"):
        # assumed: the API & SDK page token, the Jenkins plugin's "API key", is what it refreshes with
        return api_token["username"]
    if record is None:
        if context.permissive():
            return "permissive-user"
        raise errors.invalid_refresh_token(value)
    if dates.parse(record["expires_at"]) <= context.now():
        raise errors.expired_refresh_token(value)
    return record["username"]


def client() -> tuple[str, str] | None:
    """The token endpoint's optional Basic site/client credentials; 401 invalid_client when unreadable.
    Spring checks this header before the endpoint reads a parameter (the view's @public check)."""
    try:
        return basic_credentials()
    except Malformed:
        raise errors.bad_client_credentials() from None


def presented_token() -> str | None:
    return _token(request.environ.get("HTTP_AUTHORIZATION", ""))


def tenant_credential(environ) -> str | None:
    """The API token (as `presented_token` reads it) that names a tenant under --tenant-from-credentials."""
    return _token(environ.get("HTTP_AUTHORIZATION", ""))


@lru_cache(maxsize=1024)  # (a client sends the same header on every call)
def _token(header: str) -> str | None:
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() == "bearer":
        return value.strip() or None
    if scheme and not value.strip():
        # the Java SDK sends the bare token as the whole header value
        return scheme
    return None


def sign_in_credential(fields: dict) -> str | None:
    """What names the tenant of a POST /oauth/token (core/credentials.py): the user name of a password
    grant, the refresh token (the Jenkins plugin's API key) of a refresh grant."""
    grant = fields.get("grant_type") or "password"
    found = fields.get("username" if grant == "password" else "refresh_token" if grant == "refresh_token" else "")
    return found if isinstance(found, str) else None


def require_token() -> dict:
    """The token record of this request, or the OAuth 401 the real service answers (Vendor.authenticate)."""
    value = presented_token()
    if value is None:
        raise errors.full_authentication_required()
    token = context.state().get("tokens", value)
    if token is None:
        if context.permissive():
            return {"access_token": value, "username": "permissive-user", "expires_at": None}
        raise errors.invalid_access_token(value)
    if token.get("expires_at"):
        expires = dates.parse(token["expires_at"])
        if expires <= context.now():
            raise errors.access_token_expired(value)
        context.valid_until(expires)  # the token holds till then
    return token
