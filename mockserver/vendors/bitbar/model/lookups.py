"""Finding the caller's records by id; anything not theirs (or absent) is the same 404."""

from __future__ import annotations

from flask import g

from ....core import context
from ....core.errors import VendorError


def _missing(what: str, ident) -> VendorError:
    return VendorError(404, f"{what} with id {ident} not found")


def user_id() -> int:
    return g.bitbar_user["id"]


def shared_with_me(project: dict) -> bool:
    return any(s["projectId"] == project["id"] and s["userId"] == user_id()
               for s in context.state().table("sharings").values())


def visible_projects() -> list[dict]:
    return [p for p in context.state().table("projects").values()
            if p["userId"] == user_id() or shared_with_me(p)]


FORBIDDEN = "User is not authorized to access this resource"


def project(project_id: int, owner: bool = False) -> dict:
    """A project the caller sees; `owner` actions on a project shared with them are a 403."""
    found = context.state().get("projects", project_id)
    if found is None or not (found["userId"] == user_id() or shared_with_me(found)):
        raise _missing("Project", project_id)
    if owner and found["userId"] != user_id():
        raise VendorError(403, FORBIDDEN)
    return found


def child(table: str, ident: int, what: str, **parent) -> dict:
    """The record `ident` of `table` whose fields match `parent` (e.g. projectId=...), else a 404."""
    found = context.state().get(table, ident)
    if found is None or any(found.get(key) != value for key, value in parent.items()):
        raise _missing(what, ident)
    return found


def in_list(items: list[dict], ident: int, what: str) -> dict:
    found = next((item for item in items if item["id"] == ident), None)
    if found is None:
        raise _missing(what, ident)
    return found


def user_by_email(email: str) -> dict:
    found = next((u for u in context.state().table("users").values() if u["email"].lower() == email.lower()), None)
    if found is None:
        raise VendorError(404, f"User with email {email} not found")
    return found


def run(project_id: int, run_id: int) -> dict:
    project(project_id)
    return child("runs", run_id, "Test run", projectId=project_id)


def device_run(project_id: int, run_id: int, device_run_id: int) -> dict:
    run(project_id, run_id)
    return child("deviceRuns", device_run_id, "Device run", runId=run_id)


def device(device_id: int) -> dict:
    found = context.state().get("devices", device_id)
    if found is None:
        raise _missing("Device", device_id)
    return found


def device_group(group_id: int, owned: bool = True) -> dict:
    found = context.state().get("deviceGroups", group_id)
    if found is None or (found["userId"] != user_id() and (owned or found["userId"] is not None)):
        raise _missing("Device group", group_id)
    return found


def file(file_id: int) -> dict:
    return child("files", file_id, "File", userId=user_id())


def owned(table: str, what: str, ident: int) -> dict:
    return child(table, ident, what, userId=user_id())
