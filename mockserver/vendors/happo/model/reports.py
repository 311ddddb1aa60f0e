"""Projects, reports and their snapshots: creating, amending, completing, cloning, reading."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from ....core.clock import iso, parse_iso
from ....core.paging import page
from ..errors import project_not_found, report_incomplete, report_not_found
from .world import World

# -- projects -------------------------------------------------------------------------------------


def project_for(world: World, account: dict, name: str | None) -> dict:
    """The named project of the account, or its default one; unknown names are a 404."""
    state, owner = world.state, account["id"]

    def mine(field: str, value) -> list[dict]:
        # by index: an account may hold thousands of projects (a project's name and flag never change)
        return [p for p in state.where("projects", field, value) if p["accountId"] == owner]

    if not name:
        default = mine("isDefault", True) or sorted(mine("accountId", owner), key=lambda p: p["id"])[:1]
        if default:
            return default[0]
        name = "default"
    named = mine("name", name)
    if named:
        return named[0]
    none_yet = not mine("accountId", owner)
    if world.permissive or (name == "default" and none_yet):
        return state.insert("projects", {"accountId": owner, "name": name, "isDefault": none_yet})
    raise project_not_found(name)


def project_by_id(world: World, project_id: int) -> dict | None:
    return world.state.get("projects", project_id)


# -- snapshots ------------------------------------------------------------------------------------


_OWN_IMAGE = re.compile(r"/(snapshots/[0-9a-f]{8,64}/[0-9]+/[0-9]+|images/[0-9]+/[^/]+)$")


def own_relative(world: World, url: str) -> str:
    """Our own image URLs come back from clients absolute; kept relative they compare equal whichever port
    served them."""
    parts = urlsplit(url)
    found = _OWN_IMAGE.search(parts.path)
    if found and parts.hostname == urlsplit(world.base).hostname and not parts.query:
        return "/" + found.group(1)
    return url


def new_snapshot(world: World, snap: dict, target: str | None = None) -> dict:
    out = {k: snap[k] for k in ("url", "variant", "target", "component") if k in snap}
    out.update({k: int(snap[k]) for k in ("height", "width") if k in snap})  # JSON integers may arrive as 200.0
    out["url"] = own_relative(world, out["url"])
    if target is not None:
        out["target"] = target
    out["id"] = snap.get("id") or world.state.next_token("snapshot", 20)
    return out


def snapshot_view(world: World, snap: dict) -> dict:
    return {**snap, "url": world.absolute(snap["url"])}


# -- reports --------------------------------------------------------------------------------------


def report_url(world: World, project: dict, sha: str) -> str:
    return f"{world.pages}/a/{project['accountId']}/p/{project['id']}/report/{sha}"


def raw_report(world: World, project: dict, sha: str) -> dict | None:
    return world.state.get("reports", (project["id"], sha))


def existing_report(world: World, project: dict, sha: str) -> dict:
    """The project's report of `sha`, as it stands; a 404 when there is none."""
    report = raw_report(world, project, sha)
    if report is None:
        raise report_not_found(sha)
    return report


def _count_usage(world: World, project: dict, n: int) -> None:
    usage = world.state.extra.setdefault("usage", {})
    usage[project["name"]] = usage.get(project["name"], 0) + n


def request_done_at(request: dict):
    """When a snap request's render is done."""
    return parse_iso(request["doneAt"])


def resolved(world: World, report: dict) -> tuple[list[dict], str | None]:
    """(snapshots, completedAt) as of now: async reports fill in once their renders are done."""
    if report.get("source") != "async":
        return report["snaps"], report["completedAt"]
    if report.get("nonce") and not report.get("finalizedAt"):
        return [], None
    times = []
    snaps: list[dict] = []
    for request_id in report["requestIds"]:
        request = world.state.get("snapRequests", request_id)
        done_at = request_done_at(request)
        if done_at > world.now:
            return [], None
        times.append(done_at)
        snaps += request["result"]
    times.append(parse_iso(report["createdAt"]))
    if report.get("finalizedAt"):
        times.append(parse_iso(report["finalizedAt"]))
    finished = max(times)
    return snaps, iso(finished)


def complete_report(world: World, project: dict, sha: str) -> dict:
    """A report that exists and is fully constructed, for comparing and cloning."""
    report = existing_report(world, project, sha)
    snaps, completed = resolved(world, report)
    if completed is None:
        raise report_incomplete(sha)
    return {**report, "snaps": snaps, "completedAt": completed}


def status_of(world: World, project: dict, report: dict) -> dict:
    snaps, completed = resolved(world, report)
    return {
        "url": report_url(world, project, report["sha"]),
        "completedAt": completed,
        "createdAt": report["createdAt"],
        "snapshotCount": len(snaps),
    }


def put_report(world: World, project: dict, sha: str, body: dict) -> dict:
    """Create (replacing) or, with partial, amend; partial reports wait for /complete."""
    snaps = [new_snapshot(world, s) for s in body["snaps"]]
    existing = raw_report(world, project, sha)
    if body["partial"] and existing is not None and existing.get("source") != "async":
        existing["snaps"] = existing["snaps"] + snaps
        existing["completedAt"] = None
        for key in ("link", "message"):
            existing[key] = body.get(key) or existing.get(key)
        report = existing
    else:
        report = {
            "projectId": project["id"], "sha": sha, "link": body.get("link"), "message": body.get("message"),
            "createdAt": world.stamp, "completedAt": None if body["partial"] else world.stamp,
            "snaps": snaps, "source": "upload",
        }
        world.state.table("reports")[(project["id"], sha)] = report
    _count_usage(world, project, len(snaps))
    return report


def complete(world: World, project: dict, sha: str) -> dict:
    report = existing_report(world, project, sha)
    if report.get("source") != "async" and report["completedAt"] is None:
        report["completedAt"] = world.stamp
    return report


def clone(world: World, project: dict, from_sha: str, to_sha: str, body: dict) -> dict:
    source = complete_report(world, project, from_sha)
    report = {
        "projectId": project["id"], "sha": to_sha,
        "link": body.get("link") or source.get("link"), "message": body.get("message") or source.get("message"),
        "createdAt": world.stamp, "completedAt": world.stamp,
        # the same snapshots, not new ones: cloning does not count against usage
        "snaps": [dict(s) for s in source["snaps"]], "source": "clone", "clonedFrom": from_sha,
    }
    world.state.table("reports")[(project["id"], to_sha)] = report
    return report


def latest_snapshot(world: World, project: dict, component: str, variant: str, target: str) -> dict | None:
    table = world.state.table("reports")
    # by key (project id, sha): walking a fork's keys copies no report, only the project's are fetched
    reports = [table[key] for key in table if key[0] == project["id"]]
    for report in sorted(reports, key=lambda r: r["createdAt"], reverse=True):
        snaps, completed = resolved(world, report)
        if completed is None:
            continue
        for snap in snaps:
            if (snap["component"], snap["variant"], snap["target"]) == (component, variant, target):
                return snap
    return None


def find_snapshot(world: World, account: dict, snapshot_id: str) -> dict | None:
    """The account's snapshot of that id (in a report of its projects, or a snap request's result)."""
    state, owner = world.state, account["id"]
    for kind, key in _snapshot_index(state).get(snapshot_id, ()):
        record = state.table(kind).get(key)
        found = _snap_in(state, kind, key, record, owner, snapshot_id) if record is not None else None
        if found is not None:
            return found
    # not where the index says (a snap added to a report in place since): every record, read without copying
    for kind in ("reports", "snapRequests"):
        for key, record in state.peek(kind):
            if _snap_in(state, kind, key, record, owner, snapshot_id) is not None:
                return _snap_in(state, kind, key, state.table(kind)[key], owner, snapshot_id)
    return None


def _snap_in(state, kind: str, key, record: dict, owner, snapshot_id: str) -> dict | None:
    if kind == "reports":  # (keyed by project id and sha)
        project = state.get("projects", key[0])
        mine = project is not None and project["accountId"] == owner
        snaps = record.get("snaps", []) if mine else ()
    else:
        snaps = record["result"] if record["accountId"] == owner else ()
    return next((snap for snap in snaps if snap["id"] == snapshot_id), None)


def _snapshot_index(state) -> dict:
    """snapshot id -> [(table, key)] of the records holding it, kept while both tables are as they were: a
    lookup is a dict read, not a walk through every report. A tenant whose tables are still the base
    world's uses the base's (built once, for every tenant: core/overlay.py)."""
    versions = (state.version("reports"), state.version("snapRequests"))
    owner = state
    base = getattr(state, "_base", None)
    if base is not None and versions == (base.version("reports"), base.version("snapRequests")):
        owner = base
    found = owner.scratch.get("happo_snapshots")
    if found is None or found[0] != versions:
        index: dict = {}
        for kind, field in (("reports", "snaps"), ("snapRequests", "result")):
            for key, record in owner.peek(kind):
                for snap in record.get(field) or ():
                    index.setdefault(snap["id"], []).append((kind, key))
        found = owner.scratch["happo_snapshots"] = (versions, index)
    return found[1]


FLAKE_FILTERS = ("component", "variant", "target", "sha")


def flakes(world: World, project: dict, filters: dict, limit: int, page_no: int) -> list[dict]:
    """One page (1-based) of the project's flakes, newest first; a filter None or "" matches everything."""
    rows = [f for f in world.state.where("flakes", "projectId", project["id"])
            if all(filters.get(k) in (None, "", f[k]) for k in FLAKE_FILTERS)]
    rows.sort(key=lambda f: (f["createdAt"], f["id"]), reverse=True)
    return [{**f, "project": project["name"], "url": world.absolute(f["url"])}
            for f in page(rows, (page_no - 1) * limit, limit)]
