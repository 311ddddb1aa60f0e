"""The one Blueprint of Hiptest; handlers live in the modules imported at the bottom."""

from __future__ import annotations

from flask import Blueprint, g, request

from ...core import context
from . import auth, ratelimit

bp = Blueprint("hiptest", __name__)
PUBLIC_ENDPOINTS = {"hiptest.sign_in"}


@bp.before_request
def _guard():
    ratelimit.check()
    if request.endpoint not in PUBLIC_ENDPOINTS:
        auth.authenticate()


@bp.after_request
def _expiry(response):
    token = g.get("hiptest_token")
    if token is not None:
        response.headers["expiry"] = str(token["expiry"])
    return response


def options(**extra) -> dict:
    """Serialiser options: flags from the query string plus the mock clock, read only by the
    resources that depend on time (so the others stay cacheable reads)."""
    return {"now_epoch": lambda: context.now().timestamp(), **extra}


def flag(name: str) -> bool:
    """A query flag: present (`?show_passrate`) or true-ish; `false`/`0` turn it off."""
    if name not in request.args:
        return False
    return request.args.get(name, "").strip().lower() not in ("false", "0", "no")


from . import session_api, projects_api, library_api, tags_api, attachments_api, runs_api, execution_api  # noqa: E402,F401
