"""Async reports: a report made of snap requests, filled in as their renders finish; parallel runs
share one through a nonce until it is finalized."""

from __future__ import annotations

from ...core.negotiation import json_response
from .blueprint import account, blueprint, checked_body, current_world, project
from .model import rendering
from .model.reports import report_url


@blueprint.post("/api/async-reports/<sha>")
def create_async_report(sha):
    data = checked_body()
    data["requestIds"] = [int(r) for r in data["requestIds"]]  # JSON integers may arrive as 1.0
    world = current_world()
    proj = project(data)
    report = rendering.async_report(world, account(), proj, sha, data)
    return json_response({"id": report["id"], "url": report_url(world, proj, sha)})


@blueprint.post("/api/async-reports/<sha>/finalize")
def finalize_async_report(sha):
    data = checked_body()
    world = current_world()
    proj = project(data)
    report = rendering.finalize(world, proj, sha, data)
    return json_response({"id": report["id"], "sha": sha, "finalizedAt": report["finalizedAt"]})
