"""Project backups: asynchronous on the mock clock, one at a time for the whole organisation."""

from __future__ import annotations

from datetime import datetime, timezone

BACKUP_SECONDS = 30
URL_SECONDS = 600


def backups(state) -> dict:
    """project id -> its backups, oldest first: {id, done_epoch, file_name, file_size}."""
    return state.extra.setdefault("backups", {})


def running(state, now: float) -> bool:
    """Whether a backup of any project is still in progress at `now` (epoch seconds)."""
    return any(b["done_epoch"] > now for kept in backups(state).values() for b in kept)


def start(state, project_id: int, now: float, day: str) -> dict:
    """A new backup of the project, done BACKUP_SECONDS later; `day` as YYYYMMDD names its file."""
    size = 1024 + 256 * sum(1 for s in state.table("scenarios").values() if s["project_id"] == project_id)
    backup = {
        "id": state.next_id("backups"), "done_epoch": now + BACKUP_SECONDS,
        "file_name": f"project_{project_id}_{day}.zip", "file_size": size,
    }
    backups(state).setdefault(project_id, []).append(backup)
    return backup


def last_view(state, project_id: int, now: float) -> dict | None:
    """The last finished backup, flagged while a newer one runs; None before the first one ends."""
    finished = [b for b in backups(state).get(project_id, []) if b["done_epoch"] <= now]
    if not finished:
        return None
    last = finished[-1]
    done = datetime.fromtimestamp(last["done_epoch"], timezone.utc)
    return {
        "id": last["id"], "project_id": project_id,
        "new_backup_in_progress": any(b["done_epoch"] > now for b in backups(state)[project_id]),
        "updated_at": done.strftime("%Y-%m-%dT%H:%M:%S.") + f"{done.microsecond // 1000:03d}Z",
        "file_name": last["file_name"], "file_size": last["file_size"],
        # the real link is a pre-signed S3 URL valid 10 minutes; the mock stores no archive behind it
        "url": (f"https://attachments-hiptest-production.s3.amazonaws.com/backups/{last['file_name']}"
                f"?AWSAccessKeyId=MOCK&Expires={int(now) + URL_SECONDS}&Signature=MOCK"),
    }
