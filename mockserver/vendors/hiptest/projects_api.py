"""Projects and their backups (asynchronous on the mock clock)."""

from __future__ import annotations

from datetime import datetime, timezone

from ...core import context
from ...core.errors import VendorError
from .jsonapi import Serializer, render, respond
from .records import find, rows, stamp
from .routes import bp, options

BACKUP_SECONDS = 30
URL_SECONDS = 600


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


def _backups(state) -> dict:
    return state.extra.setdefault("backups", {})


def _backup_view(state, project_id) -> dict | None:
    """The last finished backup, flagged while a newer one runs; None before the first one ends."""
    now = context.now().timestamp()
    finished = [b for b in _backups(state).get(project_id, []) if b["done_epoch"] <= now]
    if not finished:
        return None
    last = finished[-1]
    done = datetime.fromtimestamp(last["done_epoch"], timezone.utc)
    return {
        "id": last["id"], "project_id": project_id,
        "new_backup_in_progress": any(b["done_epoch"] > now for b in _backups(state)[project_id]),
        "updated_at": done.strftime("%Y-%m-%dT%H:%M:%S.") + f"{done.microsecond // 1000:03d}Z",
        "file_name": last["file_name"], "file_size": last["file_size"],
        # the real link is a pre-signed S3 URL valid 10 minutes; the mock stores no archive behind it
        "url": (f"https://attachments-hiptest-production.s3.amazonaws.com/backups/{last['file_name']}"
                f"?AWSAccessKeyId=MOCK&Expires={int(now) + URL_SECONDS}&Signature=MOCK"),
    }


@bp.post("/api/projects/<int:project_id>/backups")
def create_backup(project_id):
    state = context.state()
    project = find(state, "projects", project_id)
    now = context.now().timestamp()
    # documented: one backup at a time for all the projects of an organisation
    if any(b["done_epoch"] > now for backups in _backups(state).values() for b in backups):
        raise VendorError(409, "A backup is already in progress")
    size = 1024 + 256 * sum(1 for s in state.table("scenarios").values() if s["project_id"] == project_id)
    day = stamp()[:10].replace("-", "")
    _backups(state).setdefault(project_id, []).append({
        "id": state.next_id("backups"), "done_epoch": now + BACKUP_SECONDS,
        "file_name": f"project_{project_id}_{day}.zip", "file_size": size,
    })
    return render(state, "projects", project, status=202, options=options())


@bp.get("/api/projects/<int:project_id>/backups/last")
def last_backup(project_id):
    state = context.state()
    find(state, "projects", project_id)
    return respond(Serializer(state).document("backups", _backup_view(state, project_id)))
