"""Reports, comparisons, ignored diffs, subscriptions, latest snapshots, skip, clone, baselines, flake."""

from __future__ import annotations

from flask import g, request

from ...core import context
from ...core.bodies import schema_of
from ...core.errors import VendorError
from ...core.negotiation import json_response
from ...core.paging import page
from . import schemas
from .model import comparisons, reports
from .routes import account, bp, checked_body, current_world, project

REPORT_STATUS = schema_of(schemas.ReportStatusOut)
SNAPSHOTS = schema_of(schemas.SnapshotOut, many=True)
SNAPSHOT = schema_of(schemas.SnapshotOut)


def _status_response(proj: dict, report: dict):
    return json_response(REPORT_STATUS.dump(reports.status_of(current_world(), proj, report)))


def _existing(proj: dict, sha: str) -> dict:
    report = reports.raw_report(current_world(), proj, sha)
    if report is None:
        raise VendorError(404, f'No report found for sha "{sha}"')
    return report


@bp.post("/api/reports/<sha>")
def create_report(sha):
    data = checked_body(partial=False)
    proj = project(data)
    return _status_response(proj, reports.put_report(current_world(), proj, sha, data))


@bp.get("/api/reports/<sha>")
def get_report(sha):
    world = current_world()
    proj = project()
    snaps, completed = reports.resolved(world, _existing(proj, sha))
    if completed is None and not snaps and reports.raw_report(world, proj, sha).get("source") == "async":
        raise VendorError(404, f'Report "{sha}" is still being processed')
    return json_response(SNAPSHOTS.dump([reports.snapshot_view(world, s) for s in snaps]))


@bp.get("/api/reports/<sha>/status")
def report_status(sha):
    proj = project()
    return _status_response(proj, _existing(proj, sha))


@bp.post("/api/reports/<sha>/complete")
def complete_report(sha):
    proj = project(checked_body())
    return _status_response(proj, reports.complete(current_world(), proj, sha))


@bp.post("/api/reports/<fromSha>/clone/<toSha>")
def clone_report(fromSha, toSha):
    data = checked_body()
    proj = project(data)
    return _status_response(proj, reports.clone(current_world(), proj, fromSha, toSha, data))


@bp.post("/api/reports/<sha1>/compare/<sha2>")
def compare_reports(sha1, sha2):
    data = checked_body(isAsync=False, skipStatusPost=False, fallbackShas=[])
    world = current_world()
    proj = project(data)
    comparison = comparisons.compare(world, account(), proj, sha1, sha2, data)
    if data["isAsync"]:
        return json_response(schema_of(schemas.AsyncComparisonOut).dump(comparisons.async_view(world, proj, comparison)))
    return json_response(schema_of(schemas.ComparisonOut).dump(comparisons.comparison_view(world, proj, comparison)))


def _project_from_query_or_body():
    # the docs give these GETs a `project` body param (the spec's ProjectOnly body); the query one works too
    if request.content_length or request.get_data(cache=True):
        context.uncacheable()  # the read cache (core/readcache.py) keys a GET by URL and headers, not body
    return project(checked_body())


@bp.get("/api/reports/<sha1>/compare/<sha2>/status")
def comparison_status(sha1, sha2):
    world = current_world()
    proj = _project_from_query_or_body()
    comparison = comparisons.find(world, proj, sha1, sha2)
    if comparison is None:
        raise VendorError(404, f'No comparison found for "{sha1}" and "{sha2}"')
    comparisons.settle(world, comparison)
    return json_response(schema_of(schemas.ComparisonStatusOut).dump(comparisons.status_view(world, proj, comparison)))


@bp.get("/api/reports/<sha>/comparison-statuses")
def comparison_statuses(sha):
    world = current_world()
    proj = _project_from_query_or_body()
    return json_response(schema_of(schemas.ComparisonStatusOut, many=True).dump(comparisons.statuses_for(world, proj, sha)))


@bp.post("/api/reports/<sha>/find-baseline")
def find_baseline(sha):
    data = checked_body()
    world = current_world()
    proj = project(data)
    for candidate in data["shas"]:
        report = reports.raw_report(world, proj, candidate)
        if report is not None and reports.resolved(world, report)[1] is not None:
            return json_response({"sha": candidate})
    raise VendorError(404, "No baseline report found for any of the shas")


@bp.post("/api/ignored-diffs")
def ignore_diff():
    data = checked_body()
    world = current_world()
    acct = account()
    for key in ("snapshot1Id", "snapshot2Id"):
        if reports.find_snapshot(world, acct, data[key]) is None:
            raise VendorError(404, f'No snapshot found with id "{data[key]}"')
    pair = frozenset((data["snapshot1Id"], data["snapshot2Id"]))
    existing = [d for d in world.state.table("ignoredDiffs").values()
                if d["accountId"] == acct["id"] and frozenset((d["snapshot1Id"], d["snapshot2Id"])) == pair]
    record = existing[0] if existing else world.state.insert("ignoredDiffs", {
        "accountId": acct["id"], "snapshot1Id": data["snapshot1Id"], "snapshot2Id": data["snapshot2Id"],
        "createdAt": world.stamp})
    return json_response({k: record[k] for k in ("id", "snapshot1Id", "snapshot2Id", "createdAt")})


def _subscription(component: str) -> dict:
    state = current_world().state
    key = (account()["id"], component)
    sub = state.get("subscriptions", key)
    if sub is None:
        sub = state.table("subscriptions")[key] = {"accountId": account()["id"], "component": component,
                                                   "emailAddresses": [], "unsubscribed": []}
    return sub


def _subscription_view(sub: dict) -> dict:
    return {"component": sub["component"], "emailAddresses": list(sub["emailAddresses"])}


@bp.post("/api/subscriptions/<path:component>")
def add_subscriptions(component):
    data = checked_body()
    sub = _subscription(component)
    for address in data["emailAddresses"]:
        # addresses the user unsubscribed themselves stay unsubscribed
        if address not in sub["unsubscribed"] and address not in sub["emailAddresses"]:
            sub["emailAddresses"].append(address)
    return json_response(_subscription_view(sub))


@bp.delete("/api/subscriptions/<path:component>")
def remove_subscriptions(component):
    data = checked_body()
    sub = _subscription(component)
    sub["emailAddresses"] = [a for a in sub["emailAddresses"] if a not in data["emailAddresses"]]
    return json_response(_subscription_view(sub))


@bp.get("/api/components/<path:component>/<variant>/<target>")
def latest_snapshot(component, variant, target):
    world = current_world()
    snap = reports.latest_snapshot(world, project(), component, variant, target)
    if snap is None:
        raise VendorError(404, f'No snapshot found for "{component}" / "{variant}" / "{target}"')
    return json_response(SNAPSHOT.dump(reports.snapshot_view(world, snap)))


@bp.post("/api/skip/<sha>")
def skip(sha):
    data = checked_body()
    world = current_world()
    proj = project(data)
    label = data.get("label") or "Skipped"
    world.record("github_status", {"sha": sha, "state": "success", "context": f"Happo ({proj['name']})",
                                   "description": label, "targetUrl": reports.report_url(world, proj, sha)})
    # the docs give no response body; the service answers with what it did
    return json_response({"sha": sha, "status": "success", "label": label})


@bp.get("/api/flake")
def flake():
    world = current_world()
    proj = project()
    args = g.params  # integers of at least 1 where the spec says so, None when absent
    limit = 20 if args["limit"] is None else args["limit"]
    page_no = 1 if args["page"] is None else args["page"]
    rows = [f for f in world.state.table("flakes").values() if f["projectId"] == proj["id"]
            and all(args[k] in (None, "", f[k]) for k in ("component", "variant", "target", "sha"))]
    rows.sort(key=lambda f: (f["createdAt"], f["id"]), reverse=True)
    items = page(rows, (page_no - 1) * limit, limit)
    out = [{**f, "project": proj["name"], "url": world.absolute(f["url"])} for f in items]
    return json_response(schema_of(schemas.FlakeOut, many=True).dump(out))
