"""Emulated rendering: a snap-request's result is derived from what was submitted, deterministically.

Each example (a page, a snap payload, a static-package chunk) and target yields one snapshot whose
image URL hashes the submitted content, so the same input gives the same URL and a change a new one.
The URL serves a real PNG of the viewport's size.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

from ....core.clock import iso
from ..errors import async_report_not_found, nonce_mismatch, snap_request_not_found
from .reports import complete_report, new_snapshot, request_done_at
from .world import World

DEFAULT_RENDER_SECONDS = 2


def digest(*parts) -> str:
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def image_path(hex_digest: str, width: int, height: int) -> str:
    return f"/snapshots/{hex_digest}/{width}/{height}"


DEFAULT_VIEWPORT = "1024x768"  # SnapPayload.viewport's `default` in openapi/happo.yaml


def _examples(payload: dict) -> list[tuple[str, str, object]]:
    """(component, variant, what identifies its rendering) for every example in the payload."""
    out = []
    for page in payload.get("pages") or []:
        title = page.get("title") or page.get("url") or "page"
        out.append((str(title), "default", {"page": page}))
    for snap in payload.get("snapPayloads") or []:
        out.append((str(snap.get("component") or "Unknown"), str(snap.get("variant") or "default"), {"snap": snap}))
    if payload.get("staticPackage") and not out:
        chunk = payload.get("chunk") or {}
        index = chunk.get("index", 0) if isinstance(chunk, dict) else chunk
        # the real workers run the package's own examples; the mock stands one example in per chunk
        out.append(("Static package", f"chunk-{index}", {"package": payload["staticPackage"], "chunk": chunk}))
    return out


def render(world: World, payload: dict, target: str, kind: str) -> list[dict]:
    viewport = payload.get("viewport", DEFAULT_VIEWPORT)
    width, height = (int(n) for n in viewport.split("x"))
    width, height = max(width, 1), max(height, 1)
    result = []
    for component, variant, what in _examples(payload):
        key = digest(kind, target, viewport, what)
        snap = {"component": component, "variant": variant, "url": image_path(key, width, height),
                "width": width, "height": height}
        result.append(new_snapshot(world, snap, target=target))
    return result


def create(world: World, account: dict, project: dict, kind: str, target: str | None, payload: dict,
           payload_hash: str | None, seconds: float, result: list[dict] | None = None) -> dict:
    target = target or kind.removeprefix("browser-")
    snaps = render(world, payload, target, kind) if result is None else result
    return world.state.insert("snapRequests", {
        "accountId": account["id"], "projectId": project["id"], "type": kind, "targetName": target,
        "payloadHash": payload_hash, "createdAt": world.stamp,
        "doneAt": iso(world.now + timedelta(seconds=seconds)), "result": snaps,
    })


def get(world: World, account: dict, request_id: int) -> dict:
    request = world.state.get("snapRequests", request_id)
    if request is None or request["accountId"] != account["id"]:
        raise snap_request_not_found(request_id)
    return request


def view(world: World, request: dict) -> dict:
    done = request_done_at(request) <= world.now
    # the real service also reports intermediate states; the clients only look for "done"
    return {"id": request["id"], "status": "done" if done else "in-progress",
            "result": [{**s, "url": world.absolute(s["url"])} for s in request["result"]] if done else []}


def extends_report(world: World, account: dict, project: dict, body: dict) -> dict:
    base = complete_report(world, project, body["extendsSha"])
    wanted = body["extendedSnaps"]
    picked = [dict(s) for s in base["snaps"]
              if any(w["component"] == s["component"] and w.get("variant") in (None, s["variant"]) for w in wanted)]
    return create(world, account, project, "extends-report", "extends-report", {}, None, 0, result=picked)


def with_results(world: World, account: dict, project: dict, snaps: list[dict]) -> dict:
    result = [new_snapshot(world, s) for s in snaps]
    return create(world, account, project, "with-results", "with-results", {}, None, 0, result=result)


# -- async reports --------------------------------------------------------------------------------


def async_report(world: World, account: dict, project: dict, sha: str, body: dict) -> dict:
    for request_id in body["requestIds"]:
        get(world, account, request_id)  # only ever empty when account is None
    key = (project["id"], sha)
    existing = world.state.get("reports", key)
    nonce = body.get("nonce")
    if existing is not None and nonce and existing.get("nonce") == nonce and not existing.get("finalizedAt"):
        # parallel runs of one build share a nonce and add to the same report until finalize
        added = [r for r in body["requestIds"] if r not in existing["requestIds"]]
        existing["requestIds"] = existing["requestIds"] + added
        return existing
    report = {
        "id": (existing or {}).get("id") or world.state.next_id("asyncReports"),
        "projectId": project["id"], "sha": sha, "link": body.get("link"), "message": body.get("message"),
        "createdAt": world.stamp, "completedAt": None, "snaps": [], "source": "async",
        "requestIds": list(body["requestIds"]), "nonce": nonce, "finalizedAt": None, "skipped": [],
    }
    world.state.table("reports")[key] = report
    return report


def finalize(world: World, project: dict, sha: str, body: dict) -> dict:
    report = world.state.get("reports", (project["id"], sha))
    if report is None and body.get("nonce"):
        # a nonce names a batch of parallel runs; finalizing one that posted nothing leaves an empty report
        report = async_report(world, None, project, sha, {"requestIds": [], "nonce": body["nonce"]})
    if report is None or report.get("source") != "async":
        raise async_report_not_found(sha)
    if body.get("nonce") and report.get("nonce") and body["nonce"] != report["nonce"]:
        raise nonce_mismatch()
    report["skipped"] = (body.get("skip") or []) + (body.get("skippedExamples") or [])
    report["finalizedAt"] = report.get("finalizedAt") or world.stamp
    return report
