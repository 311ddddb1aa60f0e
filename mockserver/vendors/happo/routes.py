"""The one Happo blueprint: authentication and shared request helpers; handlers live in api_*.py and pages.py."""

from __future__ import annotations


from flask import Blueprint, g, request

from ...core import context
from ...core.errors import VendorError
from .auth import authenticate
from .model.reports import project_for
from .model.world import World, from_request

bp = Blueprint("happo", __name__)

# pages, images and upload targets are opened by browsers and S3-style uploaders that carry no API credentials
PUBLIC = set()


# upload targets authenticate by the signature in their URL (as S3 presigned URLs do): checked with auth,
# so a forged URL is a 403 whatever the body, before the contract looks at the body
SIGNED: dict = {}


def public(view):
    PUBLIC.add(f"{bp.name}.{view.__name__}")
    return view


def signed(check):
    """A public upload target whose `check(world, accountId, hash, signature)` raises 403 for a forged URL."""
    def register(view):
        SIGNED[f"{bp.name}.{view.__name__}"] = check
        return public(view)
    return register


@bp.before_request
def _authenticate():
    if request.endpoint in SIGNED:
        args = request.view_args or {}
        SIGNED[request.endpoint](current_world(), args.get("accountId"), args.get("hash"),
                                 request.args.get("signature", ""))
        return None
    if request.endpoint in PUBLIC:
        return None
    world = current_world()
    g.happo_account = authenticate(world.state, world.permissive)
    return None


def current_world() -> World:
    if "happo_world" not in g:
        g.happo_world = from_request()
    return g.happo_world


def account() -> dict:
    return g.happo_account


# `data` checked against components/schemas/<component> of openapi/happo.yaml: for what the contract
# cannot reach before the view (a JSON document inside a file part or a string field, each bulk item)
spec_checked = context.check_schema


def checked_body(**defaults) -> dict:
    """The JSON body as the contract checked it before the view (openapi/happo.yaml declares every field:
    names, types, required ones); an absent optional body is {}. `defaults` are the spec's defaults."""
    data = g.get("body")
    if data is None and (request.content_length or request.get_data(cache=True)):
        # the contract leaves octet-stream bodies to the view (and, when not enforcing, other types): not JSON
        raise VendorError(400, f"Request body must be JSON (application/json), not {request.mimetype or 'untyped'}")
    return {**defaults, **(data if isinstance(data, dict) else {})}


def project(data: dict | None = None) -> dict:
    name = (data or {}).get("project") or request.args.get("project")
    return project_for(current_world(), account(), name)


from . import api_jobs, api_reports, api_snaps, pages  # noqa: E402,F401  (they register on bp)
