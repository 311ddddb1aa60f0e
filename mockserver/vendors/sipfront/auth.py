"""HTTP Basic with an API key pair (public key as user, secret as password) on every route."""

from __future__ import annotations

from ...core import context
from ...core.auth import Malformed, basic_credentials
from ...core.errors import VendorError

CHALLENGE = {"WWW-Authenticate": 'Basic realm="Sipfront API"'}


def require_api_key() -> None:
    try:
        credentials = basic_credentials()
    except Malformed as exc:
        raise VendorError(401, "Unauthorized", headers=CHALLENGE, description=str(exc)) from None
    if credentials is None:
        raise VendorError(401, "Unauthorized", headers=CHALLENGE,
                          description="Authenticate with HTTP Basic: your public key as user, your secret as password")
    if context.permissive():
        return
    public_key, secret = credentials
    known = context.state().extra.get("credentials", [])
    if not any(c["public_key"] == public_key and c["secret"] == secret for c in known):
        raise VendorError(401, "Unauthorized", headers=CHALLENGE, description="Invalid API key or secret")
