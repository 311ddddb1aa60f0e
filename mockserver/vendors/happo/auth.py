"""Who is calling: `Basic base64(apiKey:apiSecret)` or the HS256 JWT the Happo clients sign; pull-request tokens."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import warnings

import jwt
from flask import g

from ...core import context
from ...core.auth import Malformed, basic_credentials, bearer_token, scheme_and_value
from ...core.credentials import basic_user, bearer
from ...core.state import State
from . import errors


def secret_for(state: State, key: str) -> tuple[dict | None, str | None]:
    """(account, secret) of an API key, or of a pull-request URL that got a token."""
    # by the index of keys (never changed once stored; a credential tenant's seed stores its account again):
    # neither read account by account nor copied into the tenant's world
    for account in state.where("accounts", "apiKey", key):
        return account, account["apiSecret"]
    token = state.get("prTokens", key)
    if token is not None:
        return state.get("accounts", token["accountId"]), token["secret"]
    return None, None


def tenant_credential(environ) -> str | None:
    """The API key that names a tenant under --tenant-from-credentials: the Basic user, or the `kid` of the
    JWT the Happo clients sign (its signature is checked later, by `authenticate`)."""
    token = bearer(environ)
    if token is None:
        return basic_user(environ)
    return _kid(token.partition(".")[0])


@functools.lru_cache(maxsize=1024)  # a client signs every request anew, but always under the same JWT header
def _kid(segment: str) -> str | None:
    try:
        header = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (ValueError, TypeError):  # (binascii.Error and JSONDecodeError are ValueErrors)
        return None
    kid = header.get("kid") if isinstance(header, dict) else None
    return kid if isinstance(kid, str) else None


def _fallback_account(state: State) -> dict:
    return min(state.table("accounts").values(), key=lambda a: a["id"])


def _verify_jwt(state: State, token: str, permissive: bool) -> dict:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise errors.malformed_jwt() from None
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise errors.jwt_lacks_kid()
    if header.get("alg") != "HS256":
        raise errors.jwt_not_hs256()
    account, secret = secret_for(state, kid)
    context.uncacheable()  # exp is judged by the wall clock, which the read cache cannot see
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # short demo secrets are what the clients sign with
        try:
            if secret is None:
                if not permissive:
                    raise errors.unknown_api_key(kid)
                # permissive: any well-formed token passes, but its exp still counts
                payload = jwt.decode(token, options={"verify_signature": False, "verify_exp": True})
                account = _fallback_account(state)
            else:
                # exp is signed from the client's wall clock, so PyJWT's wall-clock check is the right judge
                payload = jwt.decode(token, secret.encode("utf-8"), algorithms=["HS256"])
        except jwt.ExpiredSignatureError:
            raise errors.jwt_expired() from None
        except jwt.InvalidSignatureError:
            raise errors.jwt_signature_mismatch() from None
        except jwt.PyJWTError as exc:
            raise errors.invalid_jwt(exc) from None
    if not isinstance(payload, dict) or payload.get("key") != kid:
        raise errors.jwt_key_mismatch()
    return account


def authenticate(state: State, permissive: bool) -> dict:
    """The calling account; every failure is a 401."""
    found = scheme_and_value()
    if found is None:
        raise errors.missing_authorization()
    if found[0] == "bearer":
        token = bearer_token()
        if token is None:
            raise errors.empty_bearer_token()
        return _verify_jwt(state, token, permissive)
    if found[0] == "basic":
        try:
            key, secret = basic_credentials()
        except Malformed as exc:
            raise errors.malformed_basic(str(exc)) from None
        if not key or not secret:
            raise errors.basic_needs_key_and_secret()
        account, expected = secret_for(state, key)
        if expected is not None and hmac.compare_digest(expected.encode(), secret.encode()):
            return account
        if permissive:
            return account or _fallback_account(state)
        raise errors.invalid_key_or_secret()
    raise errors.unsupported_scheme(found[0])


def admit() -> None:
    """Vendor.authenticate: the calling account, kept for the views (`caller()`); every failure is a 401."""
    g.happo_account = authenticate(context.state(), context.permissive())


def caller() -> dict:
    """The account `admit` let in."""
    return g.happo_account


def issue_pr_token(state: State, pr_url: str) -> str:
    """The secret a pull-request URL signs with in place of an API key (`secret_for` finds it again)."""
    owner = min(state.table("accounts").values(), key=lambda a: a["id"], default=None)
    if owner is None:
        raise errors.no_pr_token_account()
    # the service trusts a PR of a repository it is installed on; the mock gives every PR to its first account
    secret = hmac.new(owner["apiSecret"].encode(), pr_url.encode(), hashlib.sha256).hexdigest()
    state.table("prTokens")[pr_url] = {"prUrl": pr_url, "secret": secret, "accountId": owner["id"]}
    return secret
