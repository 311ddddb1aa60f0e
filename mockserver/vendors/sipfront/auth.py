"""HTTP Basic with an API key pair (public key as user, secret as password) on every route."""

from __future__ import annotations

import base64

from ...core import context
from ...core.auth import Malformed, basic_credentials
from ...core.credentials import basic_user
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
    for known in context.state().extra.get("credentials", ()):  # (a loop: no generator made per request)
        if known["public_key"] == public_key and known["secret"] == secret:
            return
    raise errors.wrong_credentials()


def tenant_credential(environ) -> str | None:
    """The public key (the Basic user) that names a tenant under --tenant-from-credentials."""
    return basic_user(environ)


def basic_header(public_key: str, secret: str) -> dict[str, str]:
    """What a client sends to sign in with a key pair."""
    token = base64.b64encode(f"{public_key}:{secret}".encode("utf-8")).decode("ascii")
    return {"Authorization": f"Basic {token}"}


# the key pair of the default fixtures' demo user (fixtures/sipfront.yaml, README)
DEMO_HEADERS = basic_header("sipfront-demo-public", "sipfront-demo-secret")
