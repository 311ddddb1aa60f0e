"""HTTP Basic with an API key pair (public key as user, secret as password) on every route."""

from __future__ import annotations

from ...core import context
from ...core.auth import Malformed, basic_credentials
from . import errors


def require_api_key() -> None:
    """What SipfrontVendor.authenticate runs before every view: a known key pair, or a 401 with the challenge."""
    try:
        credentials = basic_credentials()
    except Malformed as exc:
        raise errors.malformed_credentials(str(exc)) from None
    if credentials is None:
        raise errors.no_credentials()
    if context.permissive():
        return
    public_key, secret = credentials
    known = context.state().extra.get("credentials", [])
    if not any(c["public_key"] == public_key and c["secret"] == secret for c in known):
        raise errors.wrong_credentials()
