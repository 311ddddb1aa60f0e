"""POST /oauth/token and GET /oauth/status."""

from __future__ import annotations

from datetime import datetime, timezone

from flask import g

from ...core import context
from ...core.auth import public
from ...core.bodies import params
from . import auth, errors
from .blueprint import blueprint, ok, options, wire
from .model import dates
from .schemas import TokenOut, TokenStatusOut

# DOCS-SPEC: tokens from the API & SDK page never expire; report them as valid until year 9999
NEVER = datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone.utc)


@blueprint.post("/oauth/token", endpoint="token")
@public(check=auth.client)  # no token yet: the site's optional Basic header is checked instead
def token():
    wire()  # the contract: grant_type one of password/refresh_token, every parameter a string
    site = auth.client()
    opts = options()
    # the query string (as the Jenkins plugin sends them) or the body, form or JSON, which wins
    args = params()
    grant = args.get("grant_type") or "password"
    if grant == "password":
        auth.check_password(args.get("username"), args.get("password"))
        issued = auth.issue(args["username"], opts)
    elif grant == "refresh_token":
        refresh = args.get("refresh_token")
        issued = auth.issue(auth.use_refresh_token(refresh), opts, refresh_token=refresh)
    else:
        raise errors.unsupported_grant_type(grant)
    return ok(TokenOut, {
        "access_token": issued["access_token"],
        "token_type": "bearer",
        "refresh_token": issued["refresh_token"],
        "scope": opts["scope"],
        # the swagger leaves `agent` undescribed; the site/client name of the Basic header fits best
        "agent": site[0] if site and site[0] else "qtest-api",
        "expires_in": auth.seconds_left(issued),
    })


@blueprint.get("/oauth/status")
def token_status():
    record = g.token  # QtestVendor.authenticate found it
    until = dates.parse(record["expires_at"]) if record.get("expires_at") else NEVER
    left = until - context.now()
    return ok(TokenStatusOut, {
        "expiration": dates.epoch_ms(until),
        "validityInMilliseconds": max(int(left.total_seconds() * 1000), 0),
    })
