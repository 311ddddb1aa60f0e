"""Test suites (where uploaded results land), their containers, and the CI settings the Jenkins plugin saves."""

from __future__ import annotations

# a suite sits at the project root, under a release or under a test cycle (parentType of the API)
PARENT_TYPES = ("root", "release", "test-cycle")
# submit_automation_log's doc: without suitePerDay a new test run goes under this suite
DEFAULT_SUITE = "Automation Test Suite"


def _by_ref(rows, ref):
    """Of a project's rows (by `where`, in table order), the one of this id (a number or digits) or PID (TS-1, any
    case)."""
    for row in rows:
        if ref == row["id"] or (isinstance(ref, str) and ref.strip().upper() in (row["pid"].upper(), str(row["id"]))):
            return row
    return None


def find_suite(state, project_id: int, ref) -> dict | None:
    return _by_ref(state.where("test_suites", "project_id", project_id), ref)


def find_parent(state, project_id: int, parent_type: str, parent_id: int | None) -> dict | None:
    """The container a suite goes under; the root is every project's own."""
    if parent_type == "root":
        return {"id": 0, "project_id": project_id}
    table = "releases" if parent_type == "release" else "test_cycles"
    return _by_ref(state.where(table, "project_id", project_id), parent_id)


def cycles_under(state, project_id: int, parent_type: str | None, parent_id: int | None) -> list[dict]:
    """The project's test cycles directly under a container (all of them when no container is named)."""
    out = [c for c in state.where("test_cycles", "project_id", project_id) if (
        parent_type is None or (c.get("parent_type", "root"), c.get("parent_id", 0)) == (parent_type, parent_id or 0))]
    return sorted(out, key=lambda c: c["id"])


def link(base: str, path: str) -> list[dict]:
    return [{"rel": "self", "href": f"{base}{path}"}]


def render_release(base: str, release: dict, order: int) -> dict:
    return {"links": link(base, f"/api/v3/projects/{release['project_id']}/releases/{release['id']}"),
            "id": release["id"], "name": release["name"], "order": order, "pid": release["pid"]}


def render_cycle(state, base: str, cycle: dict, order: int, expand: bool) -> dict:
    shown = {"links": link(base, f"/api/v3/projects/{cycle['project_id']}/test-cycles/{cycle['id']}"),
             "id": cycle["id"], "name": cycle["name"], "order": order, "pid": cycle["pid"]}
    if cycle.get("parent_type") == "release":
        shown["target_release_id"] = cycle["parent_id"]
    if expand:
        below = cycles_under(state, cycle["project_id"], "test-cycle", cycle["id"])
        shown["test_cycles"] = [render_cycle(state, base, c, n + 1, True) for n, c in enumerate(below)]
        shown["test_suites"] = [render(s) for s in children(state, cycle["project_id"], "test-cycle", cycle["id"])]
    return shown


def children(state, project_id: int, parent_type: str | None, parent_id: int | None) -> list[dict]:
    out = []
    for suite in state.where("test_suites", "project_id", project_id):
        if parent_type is not None and (suite["parent_type"], suite["parent_id"]) != (parent_type, parent_id or 0):
            continue
        out.append(suite)
    out.sort(key=lambda s: s["id"])
    return out


def create(state, project_id: int, name: str, parent_type: str, parent_id: int, properties=None) -> dict:
    suite = state.insert("test_suites", {
        "id": None, "project_id": project_id, "name": name, "parent_type": parent_type, "parent_id": parent_id,
        "properties": list(properties or []),
    })
    suite["pid"] = f"TS-{suite['id']}"
    return suite


def find_or_create(state, project_id: int, name: str, parent_type: str, parent_id: int) -> dict:
    for suite in children(state, project_id, parent_type, parent_id):
        if suite["name"] == name:
            return suite
    return create(state, project_id, name, parent_type, parent_id)


def render(suite: dict) -> dict:
    return {
        "id": suite["id"], "pid": suite["pid"], "name": suite["name"], "parent_id": suite["parent_id"],
        "parent_type": suite["parent_type"], "properties": suite.get("properties") or [],
    }


# the test suite fields of every project: the Jenkins plugin reads the environments from EnvironmentTestSuite
FIELDS = [
    {"id": 1, "label": "Status", "original_name": "StatusTestSuite", "attribute_type": "Number", "required": False,
     "is_active": True, "allowed_values": [{"value": 1, "label": "New", "is_active": True}]},
    {"id": 2, "label": "Environment", "original_name": "EnvironmentTestSuite", "attribute_type": "Number",
     "required": False, "is_active": True, "allowed_values": [
         {"value": 11, "label": "Windows", "is_active": True}, {"value": 12, "label": "Linux", "is_active": True},
         {"value": 13, "label": "macOS", "is_active": False}]},
    {"id": 3, "label": "Target Build", "original_name": "TargetBuildTestSuite", "attribute_type": "Number",
     "required": False, "is_active": False, "allowed_values": []},
]


# -- CI settings (the Jenkins plugin's /api/v3/projects/{id}/ci) -----------------------------------------
CI_FIELDS = ("ci_type", "ci_server", "ci_project", "release_id", "test_suite_id", "module_id", "environment_id",
             "ciid")


def ci_matches(setting: dict, server: str | None, project: str | None, ci_type: str | None, ciid: str | None) -> bool:
    """The plugin looks its setting up by CI server, CI project, type and (when the setting has one) server id."""
    return ((server is None or setting.get("ci_server") == server)
            and (project is None or setting.get("ci_project") == project)
            and (ci_type is None or (setting.get("ci_type") or "").lower() == ci_type.lower())
            and (ciid is None or not setting.get("ciid") or setting.get("ciid") == ciid))


def render_ci(setting: dict) -> dict:
    # the plugin's Setting is NON_NULL: absent values are left out
    shown = {"id": setting["id"], "project_id": setting["project_id"]}
    shown.update({k: setting[k] for k in CI_FIELDS if setting.get(k) is not None})
    return shown


def ci_target(state, setting: dict) -> dict | None:
    """Where a CI upload lands: the setting's suite, else a suite named after the CI project under its release."""
    project_id = setting["project_id"]
    if setting.get("test_suite_id"):
        return find_suite(state, project_id, setting["test_suite_id"])
    if setting.get("release_id"):
        if find_parent(state, project_id, "release", setting["release_id"]) is None:
            return None
        return find_or_create(state, project_id, setting.get("ci_project") or DEFAULT_SUITE, "release",
                              setting["release_id"])
    return find_or_create(state, project_id, setting.get("ci_project") or DEFAULT_SUITE, "root", 0)
