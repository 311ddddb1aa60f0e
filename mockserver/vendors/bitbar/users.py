"""OAuth tokens, the account (`me`), frameworks, notifications and access groups."""

from __future__ import annotations

from ...core.errors import VendorError
from ...core.negotiation import empty
from . import auth, schemas as s
from .model import lookups
from .blueprint import blueprint, dump, dump_list, given, me, me_route, public, state


@blueprint.route("/oauth/token", methods=["GET", "POST"])
@public
def oauth_token():
    return dump(s.TokenOut, auth.issue_token(given("client_id", "grant_type")), root="token")


@me_route("")
def get_me():
    user = me()
    return dump(s.UserOut, {**user, "name": f"{user['firstName']} {user['lastName']}".strip(),
                            "mainUser": True, "enabled": True}, root="user")


@me_route("/available-frameworks")
def list_frameworks():
    return dump_list(s.FrameworkOut, sorted(state().table("frameworks").values(), key=lambda f: f["id"]))


# -- notifications --------------------------------------------------------------------------
def _my_notifications(project_id=None, only_project=False):
    rows = [n for n in state().table("notifications").values() if n["userId"] == lookups.user_id()]
    if only_project:
        rows = [n for n in rows if n["project"] == project_id]
    return sorted(rows, key=lambda n: n["id"])


def _create_notification(project_id, status):
    found = given("email", "type")
    data = {"email": found["email"], "type": found["type"]}
    for other in _my_notifications(project_id, only_project=True):
        if other["email"].lower() == data["email"].lower():
            raise VendorError(409, f"Notification for {data['email']} already exists")
    record = state().insert("notifications", {"id": None, "userId": lookups.user_id(), "project": project_id, **data})
    return dump(s.NotificationOut, record, status, root="notification")


@me_route("/notifications")
def list_notifications():
    return dump_list(s.NotificationOut, _my_notifications())


@me_route("/notifications", methods=("POST",))
def create_notification():
    return _create_notification(None, 201)


@me_route("/projects/<int:projectId>/notifications")
def list_project_notifications(projectId):
    lookups.project(projectId)
    return dump_list(s.NotificationOut, _my_notifications(projectId, only_project=True))


@me_route("/projects/<int:projectId>/notifications", methods=("POST",))
def create_project_notification(projectId):
    lookups.project(projectId)
    return _create_notification(projectId, 200)  # the doc's table says 200 here, unlike the global create


@me_route("/notification/<int:id>")
def get_notification(id):
    return dump(s.NotificationOut, lookups.owned("notifications", "Notification", id), root="notification")


@me_route("/notification/<int:id>", methods=("POST",))
def update_notification(id):
    record = lookups.owned("notifications", "Notification", id)
    record["type"] = given("type")["type"]
    return dump(s.NotificationOut, record, 202, root="notification")


@me_route("/notification/<int:id>", methods=("DELETE",))
def delete_notification(id):
    lookups.owned("notifications", "Notification", id)
    state().delete("notifications", id)
    return empty()


# -- access groups --------------------------------------------------------------------------
def _group(accessGroupId):
    return lookups.owned("accessGroups", "Access group", accessGroupId)


def _group_out(group):
    return {**group, "userEmail": me()["email"]}


@me_route("/access-groups")
def list_access_groups():
    rows = [_group_out(g) for g in state().table("accessGroups").values() if g["userId"] == lookups.user_id()]
    return dump_list(s.AccessGroupOut, sorted(rows, key=lambda g: g["id"]))


@me_route("/access-groups", methods=("POST",))
def create_access_group():
    found = given("name")
    data = {"name": found["name"], "scope": found.get("scope", "USER")}
    record = state().insert("accessGroups", {"id": None, "userId": lookups.user_id(), "users": [], "resources": [],
                                              "createTime": auth.now_ms(), **data})
    return dump(s.AccessGroupOut, _group_out(record), 201, root="accessGroup")


@me_route("/access-groups/<int:accessGroupId>")
def get_access_group(accessGroupId):
    return dump(s.AccessGroupOut, _group_out(_group(accessGroupId)), root="accessGroup")


@me_route("/access-groups/<int:accessGroupId>", methods=("POST",))
def update_access_group(accessGroupId):
    group = _group(accessGroupId)
    group.update(given())
    return dump(s.AccessGroupOut, _group_out(group), root="accessGroup")


@me_route("/access-groups/<int:accessGroupId>", methods=("DELETE",))
def delete_access_group(accessGroupId):
    _group(accessGroupId)
    state().delete("accessGroups", accessGroupId)
    return empty()


@me_route("/access-groups/<int:accessGroupId>/users")
def list_access_group_users(accessGroupId):
    return dump_list(s.AccessGroupUserOut, _group(accessGroupId)["users"])


@me_route("/access-groups/<int:accessGroupId>/users", methods=("POST",))
def add_access_group_user(accessGroupId):
    group = _group(accessGroupId)
    email = given("email")["email"]
    user = lookups.user_by_email(email)
    if any(m["id"] == user["id"] for m in group["users"]):
        raise VendorError(409, f"User {email} is already in the access group")
    group["users"].append({"id": user["id"], "email": user["email"]})
    return dump(s.AccessGroupOut, _group_out(group), 201, root="accessGroup")


def _member(group, memberId):
    return lookups.in_list(group["users"], memberId, "Access group user")


@me_route("/access-groups/<int:accessGroupId>/users/<int:memberId>")
def get_access_group_user(accessGroupId, memberId):
    return dump(s.AccessGroupUserOut, _member(_group(accessGroupId), memberId), root="user")


@me_route("/access-groups/<int:accessGroupId>/users/<int:memberId>", methods=("DELETE",))
def delete_access_group_user(accessGroupId, memberId):
    group = _group(accessGroupId)
    group["users"].remove(_member(group, memberId))
    return empty()


@me_route("/access-groups/<int:accessGroupId>/resources")
def list_access_group_resources(accessGroupId):
    return dump_list(s.AccessGroupResourceOut, _group(accessGroupId)["resources"])


def _resource(group, resourceId):
    return lookups.in_list(group["resources"], resourceId, "Access group resource")


@me_route("/access-groups/<int:accessGroupId>/resources/<int:resourceId>")
def get_access_group_resource(accessGroupId, resourceId):
    return dump(s.AccessGroupResourceOut, _resource(_group(accessGroupId), resourceId), root="resource")


@me_route("/access-groups/<int:accessGroupId>/resources/<int:resourceId>", methods=("DELETE",))
def delete_access_group_resource(accessGroupId, resourceId):
    group = _group(accessGroupId)
    group["resources"].remove(_resource(group, resourceId))
    return empty()


def share(kind: str, resource_id: int):
    """POST me/{projects,device-groups,files}/{id}/share: put the resource into an access group."""
    group = _group(given("accessGroupId")["accessGroupId"])
    if any(r["type"] == kind and r["resourceId"] == resource_id for r in group["resources"]):
        raise VendorError(409, f"{kind} {resource_id} is already shared with this access group")
    group["resources"].append({"id": state().next_id("accessResources"), "resourceId": resource_id, "type": kind})
    return dump(s.AccessGroupOut, _group_out(group), 201, root="accessGroup")

