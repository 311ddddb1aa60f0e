"""Projects and their configuration: the defaults a new project gets, and what a run takes from it."""

from __future__ import annotations

ROLES = ("application", "data", "test")
# the OS a project type tests on (a GENERIC project takes either), and the OS each config mode is for (the doc)
PROJECT_OS = {"ANDROID": "ANDROID", "IOS": "IOS", "CTS": "ANDROID", "UIAUTOMATOR": "ANDROID"}
MODE_OS = {"FULL_RUN": "ANDROID", "APP_CRAWLER": "ANDROID", "CTS": "ANDROID", "UIAUTOMATOR": "ANDROID", "IOS": "IOS"}


def project_os(project: dict) -> str | None:
    return PROJECT_OS.get(project["type"])


def default_group_id(state, os_type: str) -> int | None:
    """The free public group of that OS (the doc's "Free devices group" default)."""
    # every new project asks: kept per table version, as a public group (no user's) is never changed in place
    # (a group is changed only by its owner, and no group's userId changes: the index of it relies on that too)
    version = state.version("deviceGroups")
    kept = state.scratch.get(_DEFAULT_GROUPS)
    if kept is None or kept[0] != version:
        kept = state.scratch[_DEFAULT_GROUPS] = (version, {})
    found = kept[1].get(os_type, _UNKNOWN)
    if found is _UNKNOWN:
        public = state.where("deviceGroups", "userId", None)
        match = [g for g in public if g["osType"] == os_type] or public
        found = kept[1][os_type] = min(g["id"] for g in match) if match else None
    return found


_DEFAULT_GROUPS = "bitbar.default_groups"  # (the key of the world's scratch holding (version, {osType: id}))
_UNKNOWN = object()


def default_config(state, project: dict) -> dict:
    ios = project_os(project) == "IOS"
    return {"id": state.next_id("configs"), "projectId": project["id"], "scheduler": "PARALLEL",
            "mode": "IOS" if ios else "FULL_RUN", "autoScreenshots": False, "screenshotDir": "",
            "limitationType": None, "limitationValue": "", "withAnnotation": "", "withoutAnnotation": None,
            "applicationUsername": "", "applicationPassword": "",
            "usedDeviceGroupId": default_group_id(state, "IOS" if ios else "ANDROID"), "creditsPrice": 0,
            "deviceLanguageCode": "en_US", "hookURL": "", "uiAutomatorTestClasses": None, "launchApp": False,
            "instrumentationRunner": "", "checkApp": False}


def new_project(state, user_id: int, data: dict, at: int) -> dict:
    """A project of `user_id` created at `at` from `data` (name, type, description), with its default config."""
    record = state.insert("projects", {"id": None, "userId": user_id, "name": data["name"],
                                       "description": data.get("description", ""), "type": data["type"],
                                       "common": False, "sharedById": None, "createTime": at,
                                       "files": dict.fromkeys(ROLES)})
    record["config"] = default_config(state, record)
    return record


def forget_device_group(state, group_id: int) -> None:
    """A deleted device group: projects that ran on it go back to the doc's default (the free group of their
    OS), and access groups stop listing it. Every project is read; only those changed are copied."""
    projects = state.table("projects")
    for key in [key for key, project in state.peek("projects") if project["config"]["usedDeviceGroupId"] == group_id]:
        project = projects[key]
        project["config"]["usedDeviceGroupId"] = default_group_id(state, project_os(project) or "ANDROID")
    for access in state.table("accessGroups").values():
        kept = [r for r in access["resources"] if not (r["type"] == "DEVICE_GROUP" and r["resourceId"] == group_id)]
        if len(kept) != len(access["resources"]):
            access["resources"] = kept


def config_out(project: dict) -> dict:
    """The project's config; a run can start once it has an application."""
    return {**project["config"], "runAvailable": project["files"]["application"] is not None}
