"""Flakes: the examples a project has seen flake, newest first, filtered and paged."""

from __future__ import annotations

from flask import g

from ...core.bodies import schema_of
from ...core.negotiation import json_response
from . import schemas
from .blueprint import blueprint, current_world, project
from .model import reports

FLAKES = schema_of(schemas.FlakeOut, many=True)


@blueprint.get("/api/flake")
def flake():
    proj = project()
    args = g.params  # integers of at least 1 where the spec says so, None when absent
    limit = 20 if args["limit"] is None else args["limit"]
    page_no = 1 if args["page"] is None else args["page"]
    return json_response(FLAKES.dump(reports.flakes(current_world(), proj, args, limit, page_no)))
