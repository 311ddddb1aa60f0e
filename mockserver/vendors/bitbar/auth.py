"""Who is calling: API key as Basic user, or an OAuth access token (Bearer or ?access_token=)."""

from __future__ import annotations

from datetime import datetime, timezone

import uuid

from flask import request

from ...core import context
from ...core.auth import Malformed, basic_credentials, bearer_token
from ...core.errors import VendorError

UNAUTHORIZED = "Full authentication is required to access this resource"
CLIENT_ID = "testdroid-cloud-api"


def now_ms() -> int:
    return int(context.now().timestamp() * 1000)


def _users() -> dict:
    return context.state().table("users")


def _token_user(token: str) -> dict:
    tokens = context.state().extra.setdefault("tokens", {})
    entry = tokens.get(token)
    if entry is None:
        if context.permissive() and _users():
            return next(iter(_users().values()))
        raise VendorError(401, UNAUTHORIZED)
    if entry["expiresMs"] <= now_ms():
        raise VendorError(401, f"Access token expired: {token}")
    context.valid_until(datetime.fromtimestamp(entry["expiresMs"] / 1000, timezone.utc))  # the token holds till then
    return _users()[entry["userId"]]


def current_user() -> dict:
    """The authenticated user, or a 401 in the vendor's shape."""
    token = request.args.get("access_token") or bearer_token()
    if token:
        return _token_user(token)
    try:
        basic = basic_credentials()
    except Malformed:
        raise VendorError(401, UNAUTHORIZED) from None
    if basic is None or not basic[0]:
        raise VendorError(401, UNAUTHORIZED)
    for user in _users().values():
        if user["apiKey"] == basic[0]:
            return user
    if context.permissive() and _users():
        return next(iter(_users().values()))
    raise VendorError(401, UNAUTHORIZED)


def _new_token() -> str:
    raw = context.state().next_token("oauth", 32)
    return str(uuid.UUID(hex=raw))


def issue_token(params: dict) -> dict:
    """POST/GET /oauth/token: password and refresh_token grants (Spring OAuth 2 semantics)."""
    state = context.state()
    sim = state.extra["simulation"]
    if params["client_id"] != CLIENT_ID:
        raise VendorError(401, "Bad client credentials")
    tokens = state.extra.setdefault("tokens", {})
    refresh_tokens = state.extra.setdefault("refreshTokens", {})
    if params["grant_type"] == "password":
        # cross-field, and the fields may come from the query or the body: the spec cannot tie them
        if not params.get("username") or "password" not in params:
            raise VendorError(400, "username and password are required for grant_type=password")
        user = next((u for u in _users().values() if u["email"].lower() == params["username"].lower()), None)
        if user is None or (user["password"] != params["password"] and not context.permissive()):
            raise VendorError(400, "Bad credentials")
        refresh = _new_token()
        refresh_tokens[refresh] = {"userId": user["id"]}
    else:
        refresh = params.get("refresh_token") or ""
        entry = refresh_tokens.get(refresh)
        if entry is None:
            raise VendorError(400, f"Invalid refresh token: {refresh}")
        user = _users()[entry["userId"]]
    access = _new_token()
    tokens[access] = {"userId": user["id"], "expiresMs": now_ms() + sim["tokenSeconds"] * 1000}
    return {
        "access_token": access,
        "token_type": "bearer",
        "refresh_token": refresh,
        "expires_in": sim["tokenSeconds"],
        "scope": "read write",
    }
