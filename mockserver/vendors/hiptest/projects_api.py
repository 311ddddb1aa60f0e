"""Projects and their backups."""

from __future__ import annotations

from ...core import context
from ...core.errors import VendorError
from .jsonapi import render, respond, Serializer
from .records import find, rows, stamp
from .routes import bp, options

BACKUP_SECONDS = 30


@bp.get("/api/projects")
def list_projects():
    state = context.state()
    # newest first, which gives the seed's example order (61344 before 46292)
    items = sorted(rows(state, "projects"), key=lambda p: (p["created_at"], p["id"]), reverse=True)
    return render(state, "projects", items, allowed_includes=("scenarios-folder",), options=options())


@bp.get("/api/projects/<int:project_id>")
def show_project(project_id):
    state = context.state()
    return render(state, "projects", find(state, "projects", project_id),
                  allowed_includes=("scenarios-folder",), options=options())


def _backup_view(state, project_id) -> dict | None:
    backup = state.extra.setdefault("backups", {}).get(project_id)
    if backup is None:
        return None
    running = context.now().timestamp() < backup["done_epoch"]
    return {
        "id": backup["id"], "project_id": project_id, "new_backup_in_progress": running,
        "updated_at": backup["updated_at"],
        "file_name": None if running else backup["file_name"],
        "file_size": None if running else backup["file_size"],
        # the real link is a pre-signed S3 URL valid 10 minutes; the mock stores no archive
        "url": None if running else (f"https://hiptest-backups.s3.amazonaws.com/{backup['file_name']}"
                                     f"?X-Amz-Expires=600&X-Amz-Date={backup['updated_at']}"),
    }


@bp.post("/api/projects/<int:project_id>/backups")
def create_backup(project_id):
    state = context.state()
    project = find(state, "projects", project_id)
    current = _backup_view(state, project_id)
    if current and current["new_backup_in_progress"]:
        raise VendorError(409, "A backup is already in progress for this project")
    size = 1024 + 256 * sum(1 for s in state.table("scenarios").values() if s["project_id"] == project_id)
    state.extra["backups"][project_id] = {
        "id": state.next_id("backups"), "updated_at": stamp(),
        "done_epoch": context.now().timestamp() + BACKUP_SECONDS,
        "file_name": f"project-{project_id}-backup.zip", "file_size": size,
    }
    return render(state, "projects", project, status=202, options=options())


@bp.get("/api/projects/<int:project_id>/backups/last")
def last_backup(project_id):
    state = context.state()
    find(state, "projects", project_id)
    view = _backup_view(state, project_id)
    return respond(Serializer(state).document("backups", view))
