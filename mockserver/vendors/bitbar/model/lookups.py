"""Finding the caller's records by id; anything not theirs (or absent) is the same 404."""

from __future__ import annotations

from ..errors import (
    device_group_not_found,
    device_not_found,
    device_run_not_found,
    file_not_found,
    forbidden,
    project_not_found,
    run_not_found,
    user_email_not_found,
)


class Caller:
    """What the user `user_id` sees of `state`: each lookup answers the record or raises the vendor's error."""

    def __init__(self, state, user_id: int):
        self.state = state
        self.user_id = user_id

    def shared_with_me(self, project: dict) -> bool:
        # `common` is the doc's "available for anyone": every user gets what a sharing gives
        return project.get("common", False) or any(
            s["projectId"] == project["id"] for s in self.state.where("sharings", "userId", self.user_id))

    def visible_projects(self) -> list[dict]:
        """Own, shared with the caller or common (indexed: an update of the flag stores the project anew), by id."""
        st = self.state
        found = {p["id"]: p for p in st.where("projects", "userId", self.user_id)}
        found.update((p["id"], p) for p in st.where("projects", "common", True))
        for sharing in st.where("sharings", "userId", self.user_id):
            project = st.get("projects", sharing["projectId"])
            if project is not None:
                found[project["id"]] = project
        return [found[key] for key in sorted(found)]

    def project(self, project_id: int, owner: bool = False) -> dict:
        """A project the caller sees; `owner` actions on a project shared with them are a 403."""
        found = self.state.get("projects", project_id)
        if found is None or not (found["userId"] == self.user_id or self.shared_with_me(found)):
            raise project_not_found(project_id)
        if owner and found["userId"] != self.user_id:
            raise forbidden()
        return found

    def child(self, table: str, ident: int, missing, **parent) -> dict:
        """The record `ident` of `table` whose fields match `parent` (e.g. projectId=...), else `missing(ident)`."""
        found = self.state.get(table, ident)
        if found is None or any(found.get(key) != value for key, value in parent.items()):
            raise missing(ident)
        return found

    def owned(self, table: str, ident: int, missing) -> dict:
        """The caller's own record `ident` of `table`, else `missing(ident)`."""
        return self.child(table, ident, missing, userId=self.user_id)

    def user_by_email(self, email: str) -> dict:
        found = user_with_email(self.state, email)
        if found is None:
            raise user_email_not_found(email)
        return found

    def run(self, project_id: int, run_id: int, write: bool = False) -> dict:
        """A run of a project the caller sees; `write` actions are the project owner's or the run starter's.

        A user a project is shared with reads everything and starts runs, like the owner; changing the
        project or someone else's run is a 403, as project writes are.
        """
        project = self.project(project_id)
        found = self.child("runs", run_id, run_not_found, projectId=project_id)
        if write and self.user_id not in (project["userId"], found.get("startedById", found["userId"])):
            raise forbidden()
        return found

    def project_device_group(self, project: dict, group_id: int) -> dict:
        """The group a project's config names: the owner's (so users it is shared with can run), or a public one."""
        found = self.state.get("deviceGroups", group_id)
        if found is None or found["userId"] not in (None, self.user_id, project["userId"]):
            raise device_group_not_found(group_id)
        return found

    def device_run(self, project_id: int, run_id: int, device_run_id: int) -> dict:
        self.run(project_id, run_id)
        return self.child("deviceRuns", device_run_id, device_run_not_found, runId=run_id)

    def device(self, device_id: int) -> dict:
        found = self.state.get("devices", device_id)
        if found is None:
            raise device_not_found(device_id)
        return found

    def device_group(self, group_id: int, owned: bool = True) -> dict:
        """The caller's device group; with `owned` False a public one too."""
        found = self.state.get("deviceGroups", group_id)
        if found is None or (found["userId"] != self.user_id and (owned or found["userId"] is not None)):
            raise device_group_not_found(group_id)
        return found

    def file(self, file_id: int) -> dict:
        return self.owned("files", file_id, file_not_found)


def user_with_email(state, email: str) -> dict | None:
    """The first user (in table order) whose e-mail is `email` in any case: every user is read, none copied.
    (No index: the match ignores case.)"""
    email = email.lower()
    users = state.table("users")
    key = next((key for key, user in state.peek("users") if user["email"].lower() == email), None)
    return None if key is None else users[key]


def in_list(items: list[dict], ident: int, missing) -> dict:
    """The item of `items` with id `ident`, else `missing(ident)`."""
    found = next((item for item in items if item["id"] == ident), None)
    if found is None:
        raise missing(ident)
    return found
