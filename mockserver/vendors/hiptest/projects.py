"""Projects and their backups (asynchronous on the mock clock)."""

from __future__ import annotations

from ...core import context
from . import errors
from .blueprint import blueprint, folder_or_root, options, project, render, respond, rows, stamp
from .model import backups
from .model.resources import serializer


@blueprint.get("/api/projects")
def list_projects():
    state = context.state()
    # newest first, which gives the seed's example order (61344 before 46292)
    items = sorted(rows(state, "projects"), key=lambda p: (p["created_at"], p["id"]), reverse=True)
    return render(state, "projects", items, allowed_includes=("scenarios-folder",), options=options())


@blueprint.get("/api/projects/<int:project_id>")
def show_project(project_id):
    state = context.state()
    return render(state, "projects", project(state, project_id),
                  allowed_includes=("scenarios-folder",), options=options())


@blueprint.get("/api/projects/<int:project_id>/scenarios-folder")
def project_scenarios_folder(project_id):
    """Where the project's `scenarios-folder` relationship's `related` link leads: its root folder."""
    state = context.state()
    project(state, project_id)
    return render(state, "folders", folder_or_root(state, project_id, None), allowed_includes=("tags",),
                  options=options())


@blueprint.post("/api/projects/<int:project_id>/backups")
def create_backup(project_id):
    state = context.state()
    found = project(state, project_id)
    now = context.now().timestamp()
    # documented: one backup at a time for all the projects of an organisation
    if backups.running(state, now):
        raise errors.backup_in_progress()
    backups.start(state, project_id, now, stamp()[:10].replace("-", ""))
    return render(state, "projects", found, status=202, options=options())


@blueprint.get("/api/projects/<int:project_id>/backups/last")
def last_backup(project_id):
    state = context.state()
    project(state, project_id)
    view = backups.last_view(state, project_id, context.now().timestamp(), context.page_base_url())
    return respond(serializer(state).document("backups", view))
