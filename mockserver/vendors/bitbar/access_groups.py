"""Access groups: users and the resources (projects, device groups, files) shared with them."""

from __future__ import annotations

from ...core import context
from ...core.negotiation import empty
from . import errors
from . import schemas as s
from .blueprint import access_group, access_group_out, caller, dump, dump_list, given, me, me_route, state
from .model.lookups import in_list


@me_route("/access-groups")
def list_access_groups():
    rows = [access_group_out(g) for g in state().where("accessGroups", "userId", me()["id"])]
    return dump_list(s.AccessGroupOut, sorted(rows, key=lambda g: g["id"]))


@me_route("/access-groups", methods=("POST",))
def create_access_group():
    found = given("name")
    data = {"name": found["name"], "scope": found.get("scope", "USER")}
    record = state().insert("accessGroups", {"id": None, "userId": me()["id"], "users": [], "resources": [],
                                              "createTime": context.now_ms(), **data})
    return dump(s.AccessGroupOut, access_group_out(record), 201, root="accessGroup")


@me_route("/access-groups/<int:accessGroupId>")
def get_access_group(accessGroupId):
    return dump(s.AccessGroupOut, access_group_out(access_group(accessGroupId)), root="accessGroup")


@me_route("/access-groups/<int:accessGroupId>", methods=("POST",))
def update_access_group(accessGroupId):
    group = access_group(accessGroupId)
    group.update(given())
    return dump(s.AccessGroupOut, access_group_out(group), root="accessGroup")


@me_route("/access-groups/<int:accessGroupId>", methods=("DELETE",))
def delete_access_group(accessGroupId):
    access_group(accessGroupId)
    state().delete("accessGroups", accessGroupId)
    return empty()


@me_route("/access-groups/<int:accessGroupId>/users")
def list_access_group_users(accessGroupId):
    return dump_list(s.AccessGroupUserOut, access_group(accessGroupId)["users"])


@me_route("/access-groups/<int:accessGroupId>/users", methods=("POST",))
def add_access_group_user(accessGroupId):
    group = access_group(accessGroupId)
    email = given("email")["email"]
    user = caller().user_by_email(email)
    if any(m["id"] == user["id"] for m in group["users"]):
        raise errors.access_group_user_exists(email)
    group["users"].append({"id": user["id"], "email": user["email"]})
    return dump(s.AccessGroupOut, access_group_out(group), 201, root="accessGroup")


def _member(group, memberId):
    return in_list(group["users"], memberId, errors.access_group_user_not_found)


@me_route("/access-groups/<int:accessGroupId>/users/<int:memberId>")
def get_access_group_user(accessGroupId, memberId):
    return dump(s.AccessGroupUserOut, _member(access_group(accessGroupId), memberId), root="user")


@me_route("/access-groups/<int:accessGroupId>/users/<int:memberId>", methods=("DELETE",))
def delete_access_group_user(accessGroupId, memberId):
    group = access_group(accessGroupId)
    group["users"].remove(_member(group, memberId))
    return empty()


@me_route("/access-groups/<int:accessGroupId>/resources")
def list_access_group_resources(accessGroupId):
    return dump_list(s.AccessGroupResourceOut, access_group(accessGroupId)["resources"])


def _resource(group, resourceId):
    return in_list(group["resources"], resourceId, errors.access_group_resource_not_found)


@me_route("/access-groups/<int:accessGroupId>/resources/<int:resourceId>")
def get_access_group_resource(accessGroupId, resourceId):
    return dump(s.AccessGroupResourceOut, _resource(access_group(accessGroupId), resourceId), root="resource")


@me_route("/access-groups/<int:accessGroupId>/resources/<int:resourceId>", methods=("DELETE",))
def delete_access_group_resource(accessGroupId, resourceId):
    group = access_group(accessGroupId)
    group["resources"].remove(_resource(group, resourceId))
    return empty()
