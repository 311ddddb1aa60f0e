"""Comparing two reports, the comparison's status and review, and what Happo sends out about it."""

from __future__ import annotations

from ..errors import comparison_not_found, nothing_to_review, report_not_found, snapshot_not_found
from . import jobs
from .reports import complete_report, find_snapshot, raw_report, resolved, snapshot_view
from .world import World


def _key(snap: dict) -> tuple:
    return snap["component"], snap["variant"], snap["target"]


def _pair(ignored: dict) -> frozenset:
    return frozenset((ignored["snapshot1Id"], ignored["snapshot2Id"]))


def ignored_pairs(world: World, account_id: int) -> set[frozenset]:
    # by the index of accounts (a diff's account never changes): neither read nor copied into the tenant one by one
    return {_pair(d) for d in world.state.where("ignoredDiffs", "accountId", account_id)}


def ignore_diff(world: World, account: dict, snapshot1_id: str, snapshot2_id: str) -> dict:
    """Treat the two snapshots as equal in the account's comparisons from now on (once per pair, either order)."""
    for snapshot_id in (snapshot1_id, snapshot2_id):
        if find_snapshot(world, account, snapshot_id) is None:
            raise snapshot_not_found(snapshot_id)
    pair = frozenset((snapshot1_id, snapshot2_id))
    for known in world.state.where("ignoredDiffs", "accountId", account["id"]):
        if _pair(known) == pair:
            return known
    return world.state.insert("ignoredDiffs", {"accountId": account["id"], "snapshot1Id": snapshot1_id,
                                               "snapshot2Id": snapshot2_id, "createdAt": world.stamp})


def _skipped(snap: dict, skipped: list[dict]) -> bool:
    return any(s["component"] == snap["component"] and s.get("variant") in (None, snap["variant"]) for s in skipped)


def classify(before: list[dict], after: list[dict], ignored: set[frozenset], skipped: list[dict]) -> dict:
    """Match on (component, variant, target): same url unchanged, other url diff, one side only added/deleted."""
    old = {}
    for snap in before:
        old.setdefault(_key(snap), snap)
    result = {"diffs": [], "added": [], "deleted": [], "unchanged": []}
    seen = set()
    for snap in after:
        key = _key(snap)
        if key in seen:
            continue
        seen.add(key)
        match = old.get(key)
        if match is None:
            result["added"].append(snap)
        elif match["url"] == snap["url"] or frozenset((match["id"], snap["id"])) in ignored:
            result["unchanged"].append(snap)
        else:
            result["diffs"].append([match, snap])
    for key, snap in old.items():
        if key not in seen:
            # examples skipped in the after run carry over from the baseline
            (result["unchanged"] if _skipped(snap, skipped) else result["deleted"]).append(snap)
    return result


def summary(result: dict) -> str:
    counts = (f"{len(result['diffs'])} diffs, {len(result['added'])} added, "
              f"{len(result['deleted'])} deleted and {len(result['unchanged'])} unchanged examples")
    if equal(result):
        return f"No differences found: {counts}."
    return f"Differences were found: {counts}."


def equal(result: dict) -> bool:
    return not (result["diffs"] or result["added"] or result["deleted"])


def _signature(result: dict) -> list:
    return sorted([a["url"] for _, a in result["diffs"]] + [s["url"] for s in result["added"] + result["deleted"]])


# -- urls -----------------------------------------------------------------------------------------


def compare_url(world: World, project: dict, sha1: str, sha2: str) -> str:
    return f"{world.pages}/a/{project['accountId']}/p/{project['id']}/compare/{sha1}/{sha2}"


def find(world: World, project: dict, sha1: str, sha2: str) -> dict | None:
    # by index: a comparison's project and shas are set when it is made, never changed
    for comparison in world.state.where("comparisons", "projectId", project["id"]):
        if (comparison["sha1"], comparison["sha2"]) == (sha1, sha2):
            return comparison
    return None


def existing(world: World, project: dict, sha1: str, sha2: str) -> dict:
    """The project's comparison of sha1 and sha2; a 404 when there is none."""
    comparison = find(world, project, sha1, sha2)
    if comparison is None:
        raise comparison_not_found(sha1, sha2)
    return comparison


# -- state transitions ----------------------------------------------------------------------------


def _pick_before(world: World, project: dict, sha1: str, fallbacks: list[str]) -> str | None:
    for sha in [sha1, *fallbacks]:
        if raw_report(world, project, sha) is not None:
            return sha
    return None


def compare(world: World, account: dict, project: dict, sha1: str, sha2: str, body: dict) -> dict:
    comparison = find(world, project, sha1, sha2)
    if comparison is None:
        comparison = world.state.insert("comparisons", {
            "projectId": project["id"], "sha1": sha1, "sha2": sha2, "createdAt": world.stamp, "review": None,
        })
    comparison.update({
        "accountId": account["id"], "link": body.get("link"), "message": body.get("message"),
        "notify": body.get("notify"), "skipStatusPost": body["skipStatusPost"], "isAsync": body["isAsync"],
        "fallbackShas": list(body["fallbackShas"]), "pending": True,
    })
    if body["isAsync"]:
        settle(world, comparison)
        return comparison
    before_sha = _pick_before(world, project, sha1, body["fallbackShas"])
    if before_sha is None:
        raise report_not_found(sha1)
    complete_report(world, project, before_sha)
    complete_report(world, project, sha2)
    settle(world, comparison)
    return comparison


def settle(world: World, comparison: dict) -> None:
    """Compute a pending comparison once both reports are complete, and send what Happo sends."""
    if not comparison.get("pending"):
        return
    project = world.state.get("projects", comparison["projectId"])
    before_sha = _pick_before(world, project, comparison["sha1"], comparison.get("fallbackShas", []))
    if before_sha is None:
        return
    before_report = raw_report(world, project, before_sha)
    after_report = raw_report(world, project, comparison["sha2"])
    if after_report is None:
        return
    before, before_done = resolved(world, before_report)
    after, after_done = resolved(world, after_report)
    if before_done is None or after_done is None:
        return
    result = classify(before, after, ignored_pairs(world, project["accountId"]), after_report.get("skipped") or [])
    if comparison.get("result") is not None and _signature(comparison["result"]) != _signature(result):
        comparison["review"] = None  # new differences need a new review
    comparison.update({"result": result, "beforeSha": before_sha, "pending": False, "settledAt": world.stamp})
    url = compare_url(world, project, comparison["sha1"], comparison["sha2"])
    _notify(world, project, comparison, result, url)
    state = github_state(comparison)
    jobs.comparison_finished(world, project, comparison["sha1"], comparison["sha2"], state,
                             post=not comparison["skipStatusPost"], summary=summary(result), url=url)


def _notify(world: World, project: dict, comparison: dict, result: dict, url: str) -> None:
    text = summary(result)
    for address in [a.strip() for a in (comparison.get("notify") or "").split(",") if a.strip()]:
        world.record("email", {"to": address, "reason": "notify", "project": project["name"],
                               "subject": f"Happo comparison {comparison['sha1']}..{comparison['sha2']}",
                               "summary": text, "url": url})
    if equal(result):
        return
    # a subscription is kept under (account, component): each component with a diff is one lookup, where reading
    # every subscription would copy every account's into the tenant
    subscriptions = world.state.table("subscriptions")
    for component in sorted({after["component"] for _, after in result["diffs"]}):
        sub = subscriptions.get((project["accountId"], component))
        if sub is None:
            continue
        for address in sub["emailAddresses"]:
            if address not in sub["unsubscribed"]:
                world.record("email", {"to": address, "reason": "subscription", "component": component,
                                       "project": project["name"], "subject": f"Happo found a diff in {component}",
                                       "summary": text, "url": url})


def github_state(comparison: dict) -> str:
    if comparison.get("review"):
        return comparison["review"]
    return "success" if equal(comparison["result"]) else "failure"


def status_value(comparison: dict) -> str:
    if comparison.get("pending"):
        # docs name three values for a computed comparison; one still waiting for its reports is pending
        return "pending"
    if comparison.get("review"):
        return comparison["review"]
    return "success" if equal(comparison["result"]) else "awaiting review"


def review(world: World, project: dict, comparison: dict, status: str) -> None:
    settle(world, comparison)
    if comparison.get("pending"):
        raise nothing_to_review()
    comparison["review"] = status
    url = compare_url(world, project, comparison["sha1"], comparison["sha2"])
    description = "Accepted by a reviewer" if status == "success" else "Rejected by a reviewer"
    world.record("github_status", {"sha": comparison["sha2"], "state": status, "context": f"Happo ({project['name']})",
                                   "description": description, "targetUrl": url})


# -- views ----------------------------------------------------------------------------------------


def comparison_view(world: World, project: dict, comparison: dict) -> dict:
    result = comparison["result"]

    def snaps(items: list[dict]) -> list[dict]:
        return [snapshot_view(world, s) for s in items]

    url = compare_url(world, project, comparison["sha1"], comparison["sha2"])
    return {
        "id": comparison["id"], "sha1": comparison["sha1"], "sha2": comparison["sha2"],
        "equal": equal(result), "status": github_state(comparison), "summary": summary(result),
        "compareUrl": url, "statusImageUrl": f"{url}/status.svg",
        "diffs": [snaps(pair) for pair in result["diffs"]],
        "added": snaps(result["added"]), "deleted": snaps(result["deleted"]), "unchanged": snaps(result["unchanged"]),
    }


def async_view(world: World, project: dict, comparison: dict) -> dict:
    url = compare_url(world, project, comparison["sha1"], comparison["sha2"])
    return {"id": comparison["id"], "compareUrl": url, "statusImageUrl": f"{url}/status.svg"}


def status_view(world: World, project: dict, comparison: dict) -> dict:
    return {"sha1": comparison["sha1"], "sha2": comparison["sha2"], "status": status_value(comparison),
            "url": compare_url(world, project, comparison["sha1"], comparison["sha2"]),
            "createdAt": comparison["createdAt"]}


def statuses_for(world: World, project: dict, sha: str) -> list[dict]:
    found = [c for c in world.state.where("comparisons", "projectId", project["id"]) if sha in (c["sha1"], c["sha2"])]
    for comparison in found:
        settle(world, comparison)
    return [status_view(world, project, c) for c in sorted(found, key=lambda c: c["id"])]
