"""Finding the caller's records by id; anything not theirs (or absent) is the same 404."""

from __future__ import annotations

from flask import g

from ...core import context
from ...core.errors import VendorError


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


def project(project_id: int, owner: bool = False) -> dict:
    found = context.state().get("projects", project_id)
    if found is None or not (found["userId"] == user_id() or (not owner and shared_with_me(found))):
        raise _missing("Project", project_id)
    return found


def run(project_id: int, run_id: int) -> dict:
    project(project_id)
    found = context.state().get("runs", run_id)
    if found is None or found["projectId"] != project_id:
        raise _missing("Test run", run_id)
    return found


def device_run(project_id: int, run_id: int, device_run_id: int) -> dict:
    run(project_id, run_id)
    found = context.state().get("deviceRuns", device_run_id)
    if found is None or found["runId"] != run_id:
        raise _missing("Device run", device_run_id)
    return found


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
    found = context.state().get("files", file_id)
    if found is None or found["userId"] != user_id():
        raise _missing("File", file_id)
    return found


def owned(table: str, what: str, ident: int) -> dict:
    found = context.state().get(table, ident)
    if found is None or found.get("userId") != user_id():
        raise _missing(what, ident)
    return found
