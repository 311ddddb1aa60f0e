"""The one Happo blueprint: authentication and shared request helpers; handlers live in api_*.py and pages.py."""

from __future__ import annotations

from flask import Blueprint, g, request

from ...core.bodies import json_body, load
from .auth import authenticate
from .reports import project_for
from .world import World, from_request

bp = Blueprint("happo", __name__)

# pages, images and upload targets are opened by browsers and S3-style uploaders that carry no API credentials
PUBLIC = set()


def public(view):
    PUBLIC.add(f"{bp.name}.{view.__name__}")
    return view


@bp.before_request
def _authenticate():
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


def body(schema) -> dict:
    """The JSON body validated; an absent body counts as {} since every documented field is optional."""
    return load(schema, json_body(required=False) or {})


def project(data: dict | None = None) -> dict:
    name = (data or {}).get("project") or request.args.get("project")
    return project_for(current_world(), account(), name)


from . import api_jobs, api_reports, api_snaps, pages  # noqa: E402,F401  (they register on bp)
