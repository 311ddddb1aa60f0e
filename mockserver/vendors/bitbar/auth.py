"""Who is calling: API key as Basic user, or an OAuth access token (Bearer or ?access_token=)."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from urllib.parse import parse_qs

from flask import request
from flask.globals import _cv_app

from ...core import context
from ...core.auth import Malformed, basic_credentials, bearer_token
from ...core.credentials import MARK, any_password, basic_user, bearer, mark
from . import errors
from .model.lookups import user_with_email

CLIENT_ID = "testdroid-cloud-api"


def tenant_credential(environ) -> str | None:
    """The API key (the Basic user) that names a tenant under --tenant-from-credentials; an OAuth token
    (which `current_user` reads first) only when a credential's tenant issued it (core/credentials.py)."""
    query = environ.get("QUERY_STRING", "")
    token = (parse_qs(query).get("access_token", [None])[0] if "access_token=" in query else None) or bearer(environ)
    if token:
        return token if MARK in token else None
    return basic_user(environ)


def sign_in_credential(fields: dict) -> str | None:
    """What names the tenant of an /oauth/token call: the user name of a password grant (in lower case: the
    sign-in ignores its case), the token of a refresh grant when a credential's tenant issued it (no key
    is ever a refresh token here, unlike qTest's)."""
    grant = fields.get("grant_type")
    found = fields.get({"password": "username", "refresh_token": "refresh_token"}.get(grant, ""))
    if not isinstance(found, str):
        return None
    return found.lower() if grant == "password" else found if MARK in found else None


def _users() -> dict:
    return context.state().table("users")


def _token_user(token: str) -> dict:
    tokens = context.state().extra.setdefault("tokens", {})
    entry = tokens.get(token)
    if entry is None:
        if context.permissive() and _users():
            return next(iter(_users().values()))
        raise errors.unauthorized()
    if entry["expiresMs"] <= context.now_ms():
        raise errors.token_expired(token)
    context.valid_until(datetime.fromtimestamp(entry["expiresMs"] / 1000, timezone.utc))  # the token holds till then
    return _users()[entry["userId"]]


def current_user() -> dict:
    """The authenticated user, or a 401 in the vendor's shape."""
    req = request._get_current_object()  # (once: each access through the proxy costs a lookup)
    query = req.environ.get("QUERY_STRING", "")
    # (the query is parsed only when it may name the token: it is the rare way to send one)
    token = (req.args.get("access_token") if "access_token" in query or "%" in query else None) or bearer_token()
    if token:
        return _token_user(token)
    try:
        basic = basic_credentials()
    except Malformed:
        raise errors.unauthorized() from None
    if basic is None or not basic[0]:
        raise errors.unauthorized()
    # by the index of keys (a key never changes once stored, but for a credential tenant's seed, which stores
    # the user again): a 100k-user set is not read, nor copied into the tenant, user by user
    found = context.state().where("users", "apiKey", basic[0])
    if found:
        return found[0]
    if context.permissive() and _users():
        return next(iter(_users().values()))
    raise errors.unauthorized()


def authenticate() -> None:
    """Vendor.authenticate: the caller becomes `g.bitbar_user`; a path naming another user
    (/api/v2/users/{userId}/...) is that user's 404."""
    user = current_user()
    _cv_app.get().g.bitbar_user = user
    asked = (request._get_current_object().view_args or {}).get("userId")
    if asked is not None and asked != user["id"]:
        raise errors.user_not_found(asked)


def _new_token() -> str:
    raw = context.state().next_token("oauth", 32)
    return mark(str(uuid.UUID(hex=raw)))  # (a credential's tenant follows)


def issue_token(params: dict) -> dict:
    """POST/GET /oauth/token: password and refresh_token grants (Spring OAuth 2 semantics)."""
    state = context.state()
    sim = state.extra["simulation"]
    if params["client_id"] != CLIENT_ID:
        raise errors.bad_client_credentials()
    tokens = state.extra.setdefault("tokens", {})
    refresh_tokens = state.extra.setdefault("refreshTokens", {})
    if params["grant_type"] == "password":
        # cross-field, and the fields may come from the query or the body: the spec cannot tie them
        if not params.get("username") or "password" not in params:
            raise errors.password_grant_incomplete()
        user = user_with_email(state, params["username"])
        if user is None or (user["password"] != params["password"] and not context.permissive()
                            and not any_password(user["email"], params["password"])):
            raise errors.bad_credentials()
        refresh = _new_token()
        refresh_tokens[refresh] = {"userId": user["id"]}
    else:
        refresh = params.get("refresh_token") or ""
        entry = refresh_tokens.get(refresh)
        if entry is None:
            raise errors.invalid_refresh_token(refresh)
        user = _users()[entry["userId"]]
    access = _new_token()
    tokens[access] = {"userId": user["id"], "expiresMs": context.now_ms() + sim["tokenSeconds"] * 1000}
    return {
        "access_token": access,
        "token_type": "bearer",
        "refresh_token": refresh,
        "expires_in": sim["tokenSeconds"],
        "scope": "read write",
    }
