"""The one Happo blueprint and the request helpers its resource modules share (the caller, the world,
the checked body, the project a request names)."""

from __future__ import annotations

from flask import Blueprint, g, request

from ...core import context
from . import auth, errors
from .model.reports import project_for
from .model.world import World

blueprint = Blueprint("happo", __name__)

account = auth.caller  # the account Vendor.authenticate let in


def current_world() -> World:
    if "happo_world" not in g:
        g.happo_world = World(context.state(), context.now, context.base_url(), context.record_outbound,
                              context.permissive(), pages=context.page_base_url())
    return g.happo_world


def signed_by_url(check):
    """A `public(check=...)` for an upload target: its URL carries the signature (as S3 presigned URLs do),
    so `check(world, accountId, hash, signature)` answers a forged URL with a 403 whatever the body, before
    the contract looks at the body."""
    def run() -> None:
        args = request.view_args or {}
        check(current_world(), args.get("accountId"), args.get("hash"), request.args.get("signature", ""))
    return run


# `data` checked against components/schemas/<component> of openapi/happo.yaml: for what the contract
# cannot reach before the view (a JSON document inside a file part or a string field, each bulk item)
spec_checked = context.check_schema


def checked_body(**defaults) -> dict:
    """The JSON body as the contract checked it before the view (openapi/happo.yaml declares every field:
    names, types, required ones); an absent optional body is {}. `defaults` are the spec's defaults."""
    data = g.get("body")
    if data is None and (request.content_length or request.get_data(cache=True)):
        # the contract leaves octet-stream bodies to the view (and, when not enforcing, other types): not JSON
        raise errors.not_json(request.mimetype)
    return {**defaults, **(data if isinstance(data, dict) else {})}


def project(data: dict | None = None) -> dict:
    """The project the body or the query names, else the account's default one."""
    name = (data or {}).get("project") or request.args.get("project")
    return project_for(current_world(), account(), name)


def project_from_query_or_body() -> dict:
    # the docs give some GETs a `project` body param (the spec's ProjectOnly body); the query one works too
    if request.content_length or request.get_data(cache=True):
        context.uncacheable()  # the read cache (core/readcache.py) keys a GET by URL and headers, not body
    return project(checked_body())
