"""Reports: upload, read, status, complete, clone, find a baseline, skip; a component's latest snapshot."""

from __future__ import annotations

from ...core.bodies import schema_of
from ...core.negotiation import json_response
from . import errors, schemas
from .blueprint import blueprint, checked_body, current_world, project
from .model import reports

REPORT_STATUS = schema_of(schemas.ReportStatusOut)
SNAPSHOTS = schema_of(schemas.SnapshotOut, many=True)
SNAPSHOT = schema_of(schemas.SnapshotOut)


def _status_response(proj: dict, report: dict):
    return json_response(REPORT_STATUS.dump(reports.status_of(current_world(), proj, report)))


@blueprint.post("/api/reports/<sha>")
def create_report(sha):
    data = checked_body(partial=False)
    proj = project(data)
    return _status_response(proj, reports.put_report(current_world(), proj, sha, data))


@blueprint.get("/api/reports/<sha>")
def get_report(sha):
    world = current_world()
    proj = project()
    snaps, completed = reports.resolved(world, reports.existing_report(world, proj, sha))
    if completed is None and not snaps and reports.raw_report(world, proj, sha).get("source") == "async":
        raise errors.report_processing(sha)
    return json_response(SNAPSHOTS.dump([reports.snapshot_view(world, s) for s in snaps]))


@blueprint.get("/api/reports/<sha>/status")
def report_status(sha):
    proj = project()
    return _status_response(proj, reports.existing_report(current_world(), proj, sha))


@blueprint.post("/api/reports/<sha>/complete")
def complete_report(sha):
    proj = project(checked_body())
    return _status_response(proj, reports.complete(current_world(), proj, sha))


@blueprint.post("/api/reports/<fromSha>/clone/<toSha>")
def clone_report(fromSha, toSha):
    data = checked_body()
    proj = project(data)
    return _status_response(proj, reports.clone(current_world(), proj, fromSha, toSha, data))


@blueprint.post("/api/reports/<sha>/find-baseline")
def find_baseline(sha):
    data = checked_body()
    world = current_world()
    proj = project(data)
    for candidate in data["shas"]:
        report = reports.raw_report(world, proj, candidate)
        if report is not None and reports.resolved(world, report)[1] is not None:
            return json_response({"sha": candidate})
    raise errors.no_baseline()


@blueprint.get("/api/components/<path:component>/<variant>/<target>")
def latest_snapshot(component, variant, target):
    world = current_world()
    snap = reports.latest_snapshot(world, project(), component, variant, target)
    if snap is None:
        raise errors.component_snapshot_not_found(component, variant, target)
    return json_response(SNAPSHOT.dump(reports.snapshot_view(world, snap)))


@blueprint.post("/api/skip/<sha>")
def skip(sha):
    data = checked_body()
    world = current_world()
    proj = project(data)
    label = data.get("label") or "Skipped"
    world.record("github_status", {"sha": sha, "state": "success", "context": f"Happo ({proj['name']})",
                                   "description": label, "targetUrl": reports.report_url(world, proj, sha)})
    # the docs give no response body; the service answers with what it did
    return json_response({"sha": sha, "status": "success", "label": label})
