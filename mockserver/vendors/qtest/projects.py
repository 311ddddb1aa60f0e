"""What the qTest Jenkins plugin's configuration page reads (its ConfigService): the site's /version (the URL
check), the projects the API key sees, a project's releases, and the test cycles under a container."""

from __future__ import annotations

from ...core import context
from ...core.auth import public
from ...core.negotiation import json_response
from . import errors
from .blueprint import blueprint, ok, project, wire
from .model import suites
from .schemas import ProjectOut, ReleaseOut, TestCycleOut

# the plugin takes the URL for a qTest site only when /version names "test-conductor" (the Manager's app)
VERSION = {"name": "test-conductor", "version": "11.0.0"}


def _render_project(found: dict) -> dict:
    # fixtures carry only id and name; the rest is what a fresh active project shows
    return {"links": suites.link(context.base_url(), f"/api/v3/projects/{found['id']}"), "id": found["id"],
            "name": found["name"], "description": found.get("description", ""), "status_id": 101,
            "start_date": found.get("start_date", "2015-01-01T00:00:00+00:00"), "automation": True}


@blueprint.get("/version")
@public
def version():
    return json_response(VERSION)


@blueprint.get("/api/v3/projects")
def list_projects():
    wire()
    # every fixture user is assigned to every project, so assigned=true and false list the same
    rows = sorted(context.state().peek_values("projects"), key=lambda p: p["id"])  # (only read)
    return ok(ProjectOut, [_render_project(p) for p in rows])


@blueprint.get("/api/v3/projects/<int:projectId>")
def get_project(projectId):
    return ok(ProjectOut, _render_project(project(projectId)))


@blueprint.get("/api/v3/projects/<int:projectId>/releases")
def list_releases(projectId):
    wire()
    project(projectId)
    # releases carry no closed state in the fixtures: includeClosed changes nothing
    rows = sorted(context.state().where("releases", "project_id", projectId), key=lambda r: r["id"])
    base = context.base_url()
    return ok(ReleaseOut, [suites.render_release(base, r, n + 1) for n, r in enumerate(rows)])


@blueprint.get("/api/v3/projects/<int:projectId>/test-cycles")
def list_test_cycles(projectId):
    params = wire()[0]
    project(projectId)
    state = context.state()
    parent_type, parent_id = params.get("parentType"), params.get("parentId")
    if parent_type is None and parent_id is not None:
        parent_type = "release"  # the swagger's default container type for a parentId alone
    if parent_type not in (None, "root"):
        if parent_id is None:
            raise errors.parent_id_missing(parent_type)
        if suites.find_parent(state, projectId, parent_type, parent_id) is None:
            raise errors.parent_not_found(parent_type, parent_id)
    expand = (params.get("expand") or "") == "descendants"
    base = context.base_url()
    found = suites.cycles_under(state, projectId, parent_type, parent_id)
    return ok(TestCycleOut, [suites.render_cycle(state, base, c, n + 1, expand) for n, c in enumerate(found)])
