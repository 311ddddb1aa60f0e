"""Comparisons: compare two reports, a comparison's status, every comparison of a sha; ignoring a diff."""

from __future__ import annotations

from ...core.bodies import schema_of
from ...core.negotiation import json_response
from . import schemas
from .blueprint import account, blueprint, checked_body, current_world, project, project_from_query_or_body
from .model import comparisons

IGNORED_DIFF_FIELDS = ("id", "snapshot1Id", "snapshot2Id", "createdAt")


@blueprint.post("/api/reports/<sha1>/compare/<sha2>")
def compare_reports(sha1, sha2):
    data = checked_body(isAsync=False, skipStatusPost=False, fallbackShas=[])
    world = current_world()
    proj = project(data)
    comparison = comparisons.compare(world, account(), proj, sha1, sha2, data)
    if data["isAsync"]:
        out = schema_of(schemas.AsyncComparisonOut).dump(comparisons.async_view(world, proj, comparison))
    else:
        out = schema_of(schemas.ComparisonOut).dump(comparisons.comparison_view(world, proj, comparison))
    return json_response(out)


@blueprint.get("/api/reports/<sha1>/compare/<sha2>/status")
def comparison_status(sha1, sha2):
    world = current_world()
    proj = project_from_query_or_body()
    comparison = comparisons.existing(world, proj, sha1, sha2)
    comparisons.settle(world, comparison)
    out = comparisons.status_view(world, proj, comparison)
    return json_response(schema_of(schemas.ComparisonStatusOut).dump(out))


@blueprint.get("/api/reports/<sha>/comparison-statuses")
def comparison_statuses(sha):
    world = current_world()
    proj = project_from_query_or_body()
    out = comparisons.statuses_for(world, proj, sha)
    return json_response(schema_of(schemas.ComparisonStatusOut, many=True).dump(out))


@blueprint.post("/api/ignored-diffs")
def ignore_diff():
    data = checked_body()
    record = comparisons.ignore_diff(current_world(), account(), data["snapshot1Id"], data["snapshot2Id"])
    return json_response({k: record[k] for k in IGNORED_DIFF_FIELDS})
