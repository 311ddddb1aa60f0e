"""E-mail notifications of finished runs, the account's and a project's."""

from __future__ import annotations

from ...core.negotiation import empty
from . import errors
from . import schemas as s
from .blueprint import caller, dump, dump_list, given, me, me_route, state


def _my_notifications(project_id=None, only_project=False):
    rows = state().where("notifications", "userId", me()["id"])
    if only_project:
        rows = [n for n in rows if n["project"] == project_id]
    return sorted(rows, key=lambda n: n["id"])


def _create_notification(project_id, status):
    found = given("email", "type")
    data = {"email": found["email"], "type": found["type"]}
    for other in _my_notifications(project_id, only_project=True):
        if other["email"].lower() == data["email"].lower():
            raise errors.notification_exists(data["email"])
    record = state().insert("notifications", {"id": None, "userId": me()["id"], "project": project_id, **data})
    return dump(s.NotificationOut, record, status, root="notification")


def _notification(id):
    return caller().owned("notifications", id, errors.notification_not_found)


@me_route("/notifications")
def list_notifications():
    return dump_list(s.NotificationOut, _my_notifications())


@me_route("/notifications", methods=("POST",))
def create_notification():
    return _create_notification(None, 201)


@me_route("/projects/<int:projectId>/notifications")
def list_project_notifications(projectId):
    caller().project(projectId)
    return dump_list(s.NotificationOut, _my_notifications(projectId, only_project=True))


@me_route("/projects/<int:projectId>/notifications", methods=("POST",))
def create_project_notification(projectId):
    caller().project(projectId)
    return _create_notification(projectId, 200)  # the doc's table says 200 here, unlike the global create


@me_route("/notification/<int:id>")
def get_notification(id):
    return dump(s.NotificationOut, _notification(id), root="notification")


@me_route("/notification/<int:id>", methods=("POST",))
def update_notification(id):
    record = _notification(id)
    record["type"] = given("type")["type"]
    return dump(s.NotificationOut, record, 202, root="notification")


@me_route("/notification/<int:id>", methods=("DELETE",))
def delete_notification(id):
    _notification(id)
    state().delete("notifications", id)
    return empty()
