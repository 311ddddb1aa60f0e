"""Who is calling: `Basic base64(apiKey:apiSecret)` or the HS256 JWT the Happo clients sign."""

from __future__ import annotations

import hmac
import warnings

import jwt

from ...core import context
from ...core.auth import Malformed, basic_credentials, bearer_token, scheme_and_value
from ...core.errors import VendorError
from ...core.state import State


def _unauthorized(message: str) -> VendorError:
    return VendorError(401, message)


def secret_for(state: State, key: str) -> tuple[dict | None, str | None]:
    """(account, secret) of an API key, or of a pull-request URL that got a token."""
    for account in state.table("accounts").values():
        if account["apiKey"] == key:
            return account, account["apiSecret"]
    token = state.get("prTokens", key)
    if token is not None:
        return state.get("accounts", token["accountId"]), token["secret"]
    return None, None


def _fallback_account(state: State) -> dict:
    return min(state.table("accounts").values(), key=lambda a: a["id"])


def _verify_jwt(state: State, token: str, permissive: bool) -> dict:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise _unauthorized("Malformed JWT") from None
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise _unauthorized("JWT header lacks the kid (API key)")
    if header.get("alg") != "HS256":
        raise _unauthorized("JWT must be signed with HS256")
    account, secret = secret_for(state, kid)
    context.uncacheable()  # exp is judged by the wall clock, which the read cache cannot see
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # short demo secrets are what the clients sign with
        try:
            if secret is None:
                if not permissive:
                    raise _unauthorized(f"Unknown API key {kid!r}")
                # permissive: any well-formed token passes, but its exp still counts
                payload = jwt.decode(token, options={"verify_signature": False, "verify_exp": True})
                account = _fallback_account(state)
            else:
                # exp is signed from the client's wall clock, so PyJWT's wall-clock check is the right judge
                payload = jwt.decode(token, secret.encode("utf-8"), algorithms=["HS256"])
        except jwt.ExpiredSignatureError:
            raise _unauthorized("JWT has expired") from None
        except jwt.InvalidSignatureError:
            raise _unauthorized("JWT signature does not match the API secret") from None
        except jwt.PyJWTError as exc:
            raise _unauthorized(f"Invalid JWT: {exc}") from None
    if not isinstance(payload, dict) or payload.get("key") != kid:
        raise _unauthorized("JWT payload key does not match the kid header")
    return account


def authenticate(state: State, permissive: bool) -> dict:
    """The calling account; every failure is a 401."""
    found = scheme_and_value()
    if found is None:
        raise _unauthorized("Missing Authorization header")
    if found[0] == "bearer":
        token = bearer_token()
        if token is None:
            raise _unauthorized("Empty bearer token")
        return _verify_jwt(state, token, permissive)
    if found[0] == "basic":
        try:
            key, secret = basic_credentials()
        except Malformed as exc:
            raise _unauthorized(str(exc)) from None
        if not key or not secret:
            raise _unauthorized("Basic credentials need apiKey:apiSecret")
        account, expected = secret_for(state, key)
        if expected is not None and hmac.compare_digest(expected.encode(), secret.encode()):
            return account
        if permissive:
            return account or _fallback_account(state)
        raise _unauthorized("Invalid API key or secret")
    raise _unauthorized(f"Unsupported authorization scheme {found[0]!r}")
