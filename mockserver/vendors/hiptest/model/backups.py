"""Project backups: asynchronous on the mock clock, one at a time for the whole organisation."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import datetime, timezone

BACKUP_SECONDS = 30
URL_SECONDS = 600


def backups(state) -> dict:
    """project id -> its backups, oldest first: {id, done_epoch, file_name, file_size, content}."""
    return state.extra.setdefault("backups", {})


def running(state, now: float) -> bool:
    """Whether a backup of any project is still in progress at `now` (epoch seconds)."""
    return any(b["done_epoch"] > now for kept in backups(state).values() for b in kept)


def start(state, project_id: int, now: float, day: str) -> dict:
    """A new backup of the project, done BACKUP_SECONDS later; `day` as YYYYMMDD names its file."""
    project = state.get("projects", project_id)
    scenarios = sorted((s["id"], s["name"]) for s in state.where("scenarios", "project_id", project_id))
    backup = {
        "id": state.next_id("backups"), "done_epoch": now + BACKUP_SECONDS,
        "file_name": f"project_{project_id}_{day}.zip",
        # what the project held when the backup started: the archive is rebuilt from it on download
        "content": {"project": {"id": project_id, "name": project["name"] if project else ""},
                    "scenarios": [{"id": sid, "name": name} for sid, name in scenarios]},
    }
    backup["file_size"] = len(archive(backup))
    backups(state).setdefault(project_id, []).append(backup)
    return backup


def archive(backup: dict) -> bytes:
    """The backup's zip, byte for byte the same each time (fixed entry times), so file-size holds."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zipped:
        entry = zipfile.ZipInfo("project.json", date_time=(1980, 1, 1, 0, 0, 0))
        zipped.writestr(entry, json.dumps(backup["content"], indent=2, sort_keys=True))
    return out.getvalue()


def find(state, backup_id: int) -> dict | None:
    return next((b for kept in backups(state).values() for b in kept if b["id"] == backup_id), None)


def signature(backup: dict, expires: int) -> str:
    """Stands for S3's signature: it binds the expiry to the object, so an edited Expires is refused."""
    return hashlib.sha256(f"{backup['id']}/{backup['file_name']}/{expires}".encode()).hexdigest()[:28]


def download_path(backup: dict) -> str:
    return f"/backups/{backup['id']}/{backup['file_name']}"


def last_view(state, project_id: int, now: float, base: str) -> dict | None:
    """The last finished backup, flagged while a newer one runs; None before the first one ends. Its url
    is on the mock at `base` (the real one is a pre-signed S3 URL, unreachable offline)."""
    finished = [b for b in backups(state).get(project_id, []) if b["done_epoch"] <= now]
    if not finished:
        return None
    last = finished[-1]
    expires = int(now) + URL_SECONDS
    done = datetime.fromtimestamp(last["done_epoch"], timezone.utc)
    return {
        "id": last["id"], "project_id": project_id,
        "new_backup_in_progress": any(b["done_epoch"] > now for b in backups(state)[project_id]),
        "updated_at": done.strftime("%Y-%m-%dT%H:%M:%S.") + f"{done.microsecond // 1000:03d}Z",
        "file_name": last["file_name"], "file_size": last["file_size"],
        # valid 10 minutes, as the real pre-signed S3 URL
        "url": (f"{base}{download_path(last)}?AWSAccessKeyId=MOCK&Expires={expires}"
                f"&Signature={signature(last, expires)}"),
    }
