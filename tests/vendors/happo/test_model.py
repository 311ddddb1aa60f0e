"""Unit tests of Happo's model: records and a time in, a status or a phase out; no server, no HTTP."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from mockserver.core.clock import iso
from mockserver.core.errors import VendorError
from mockserver.core.state import State
from mockserver.vendors.happo.model import comparisons, jobs, rendering, reports, subscriptions
from mockserver.vendors.happo.model.world import World

T0 = datetime(2026, 3, 1, 12, 0, 0, tzinfo=timezone.utc)
BASE = "http://mock.test/happo"


def world_at(when: datetime, state: State | None = None, permissive: bool = False) -> tuple[World, list]:
    sent: list = []
    if state is None:
        state = State("happo")
        state.insert("accounts", {"id": 1, "name": "Demo", "apiKey": "k", "apiSecret": "s"})
        state.insert("projects", {"id": 1, "accountId": 1, "name": "default", "isDefault": True})
        state.insert("projects", {"id": 2, "accountId": 1, "name": "storybook", "isDefault": False})
    world = World(state, when, BASE, lambda kind, payload: sent.append((kind, payload)), permissive)
    return world, sent


def snap(sid, url, component="Button", variant="default", target="chrome"):
    return {"id": sid, "url": url, "component": component, "variant": variant, "target": target,
            "width": 10, "height": 10}


# -- comparing ------------------------------------------------------------------------------------


def test_classify_matches_on_component_variant_target():
    before = [snap("a1", "/x.png"), snap("a2", "/y.png", component="Card"), snap("a3", "/z.png", component="Modal")]
    after = [snap("b1", "/x.png"), snap("b2", "/y2.png", component="Card"), snap("b4", "/n.png", component="New")]
    result = comparisons.classify(before, after, ignored=set(), skipped=[])
    assert [s["id"] for s in result["unchanged"]] == ["b1"]
    assert [[a["id"], b["id"]] for a, b in result["diffs"]] == [["a2", "b2"]]
    assert [s["id"] for s in result["added"]] == ["b4"]
    assert [s["id"] for s in result["deleted"]] == ["a3"]
    assert not comparisons.equal(result)
    assert comparisons.summary(result) == ("Differences were found: 1 diffs, 1 added, 1 deleted "
                                           "and 1 unchanged examples.")


def test_an_ignored_pair_and_a_skipped_example_count_as_unchanged():
    before = [snap("a1", "/x.png"), snap("a2", "/gone.png", component="Modal")]
    after = [snap("b1", "/other.png")]
    result = comparisons.classify(before, after, ignored={frozenset(("a1", "b1"))},
                                  skipped=[{"component": "Modal"}])
    assert [s["id"] for s in result["unchanged"]] == ["b1", "a2"]
    assert comparisons.equal(result)
    assert comparisons.summary(result).startswith("No differences found: 0 diffs")


def test_comparison_status_pending_then_review_wins():
    diff = {"diffs": [[snap("a", "/1"), snap("b", "/2")]], "added": [], "deleted": [], "unchanged": []}
    same = {"diffs": [], "added": [], "deleted": [], "unchanged": []}
    assert comparisons.status_value({"pending": True, "result": None}) == "pending"
    assert comparisons.status_value({"pending": False, "result": diff}) == "awaiting review"
    assert comparisons.github_state({"pending": False, "result": diff}) == "failure"
    assert comparisons.status_value({"pending": False, "result": same}) == "success"
    assert comparisons.status_value({"pending": False, "result": diff, "review": "success"}) == "success"


def test_settle_computes_once_both_reports_are_complete_and_posts_a_status():
    world, sent = world_at(T0)
    project = world.state.get("projects", 1)
    stamp = iso(T0)
    world.state.table("reports")[(1, "s1")] = {"projectId": 1, "sha": "s1", "createdAt": stamp,
                                               "completedAt": stamp, "snaps": [snap("a", "/1.png")]}
    world.state.table("reports")[(1, "s2")] = {"projectId": 1, "sha": "s2", "createdAt": stamp,
                                               "completedAt": None, "snaps": [snap("b", "/2.png")]}
    comparison = world.state.insert("comparisons", {"projectId": 1, "sha1": "s1", "sha2": "s2",
                                                    "pending": True, "skipStatusPost": False})
    comparisons.settle(world, comparison)
    assert comparison["pending"] and sent == []  # the after report is still partial
    world.state.get("reports", (1, "s2"))["completedAt"] = stamp
    comparisons.settle(world, comparison)
    assert not comparison["pending"] and comparisons.status_value(comparison) == "awaiting review"
    assert sent == [("github_status", {"sha": "s2", "state": "failure", "context": "Happo (default)",
                                       "description": comparisons.summary(comparison["result"]),
                                       "targetUrl": comparisons.compare_url(world, project, "s1", "s2")})]


def test_reviewing_a_pending_comparison_is_a_409():
    world, _ = world_at(T0)
    comparison = world.state.insert("comparisons", {"projectId": 1, "sha1": "s1", "sha2": "s2", "pending": True})
    with pytest.raises(VendorError) as refused:
        comparisons.review(world, world.state.get("projects", 1), comparison, "success")
    assert refused.value.status == 409 and comparison.get("review") is None


# -- rendering and async reports ------------------------------------------------------------------


def test_snap_request_is_in_progress_until_its_render_time():
    world, _ = world_at(T0)
    account, project = world.state.get("accounts", 1), world.state.get("projects", 1)
    payload = {"pages": [{"url": "https://example.com/", "title": "Home"}], "viewport": "300x200"}
    request = rendering.create(world, account, project, "browser-chrome", None, payload, None, seconds=2)
    assert request["targetName"] == "chrome" and request["doneAt"] == iso(T0 + timedelta(seconds=2))
    early, _ = world_at(T0 + timedelta(seconds=1), world.state)
    assert rendering.view(early, request) == {"id": request["id"], "status": "in-progress", "result": []}
    late, _ = world_at(T0 + timedelta(seconds=2), world.state)
    done = rendering.view(late, request)
    assert done["status"] == "done"
    assert [(s["component"], s["width"], s["height"]) for s in done["result"]] == [("Home", 300, 200)]
    assert done["result"][0]["url"].startswith(BASE + "/snapshots/")


def test_rendering_is_a_function_of_the_input():
    world, _ = world_at(T0)
    page = {"pages": [{"url": "https://example.com/", "title": "Home"}]}
    first = rendering.render(world, page, "chrome", "browser-chrome")[0]["url"]
    assert rendering.render(world, page, "chrome", "browser-chrome")[0]["url"] == first
    assert rendering.render(world, page, "firefox", "browser-firefox")[0]["url"] != first
    assert first.endswith("/1024/768")  # the spec's default viewport


def test_async_report_completes_when_its_last_render_is_done():
    world, _ = world_at(T0)
    account, project = world.state.get("accounts", 1), world.state.get("projects", 1)
    payload = {"pages": [{"url": "https://example.com/"}]}
    quick = rendering.create(world, account, project, "browser-chrome", None, payload, None, seconds=1)
    slow = rendering.create(world, account, project, "browser-firefox", None, payload, None, seconds=5)
    report = rendering.async_report(world, account, project, "sha", {"requestIds": [quick["id"], slow["id"]]})
    assert reports.resolved(world_at(T0 + timedelta(seconds=4), world.state)[0], report) == ([], None)
    snaps, completed = reports.resolved(world_at(T0 + timedelta(seconds=9), world.state)[0], report)
    assert completed == iso(T0 + timedelta(seconds=5)) and len(snaps) == 2


def test_a_nonce_report_waits_for_finalize():
    world, _ = world_at(T0)
    account, project = world.state.get("accounts", 1), world.state.get("projects", 1)
    report = rendering.async_report(world, account, project, "sha", {"requestIds": [], "nonce": "n1"})
    later, _ = world_at(T0 + timedelta(minutes=1), world.state)
    assert reports.resolved(later, report) == ([], None)
    with pytest.raises(VendorError) as refused:
        rendering.finalize(later, project, "sha", {"nonce": "other"})
    assert refused.value.status == 400
    rendering.finalize(later, project, "sha", {"nonce": "n1"})
    assert reports.resolved(later, report) == ([], iso(T0 + timedelta(minutes=1)))


# -- reports and projects -------------------------------------------------------------------------


def test_partial_report_waits_for_complete():
    world, _ = world_at(T0)
    project = world.state.get("projects", 1)
    report = reports.put_report(world, project, "sha", {"partial": True, "snaps": [snap(None, "/a.png")]})
    assert report["completedAt"] is None
    with pytest.raises(VendorError) as refused:
        reports.complete_report(world, project, "sha")
    assert refused.value.status == 409
    later, _ = world_at(T0 + timedelta(seconds=30), world.state)
    reports.put_report(later, project, "sha", {"partial": True, "snaps": [snap(None, "/b.png", component="Card")]})
    assert reports.complete(later, project, "sha")["completedAt"] == iso(T0 + timedelta(seconds=30))
    assert [s["url"] for s in reports.complete_report(later, project, "sha")["snaps"]] == ["/a.png", "/b.png"]
    assert world.state.extra["usage"] == {"default": 2}


def test_own_image_urls_are_kept_relative():
    world, _ = world_at(T0)
    assert reports.own_relative(world, "http://mock.test:8083/snapshots/abcdef12/10/10") == "/snapshots/abcdef12/10/10"
    assert reports.own_relative(world, "https://cdn.example.com/snapshots/abcdef12/10/10").startswith("https://")


def test_project_for_names_the_default_and_refuses_unknown_names():
    world, _ = world_at(T0)
    account = world.state.get("accounts", 1)
    assert reports.project_for(world, account, None)["name"] == "default"
    assert reports.project_for(world, account, "storybook")["id"] == 2
    with pytest.raises(VendorError) as refused:
        reports.project_for(world, account, "nope")
    assert (refused.value.status, refused.value.message) == (404, 'Project "nope" not found')
    permissive, _ = world_at(T0, world.state, permissive=True)
    assert reports.project_for(permissive, account, "nope")["isDefault"] is False


def test_flakes_filter_and_page_newest_first():
    world, _ = world_at(T0)
    project = world.state.get("projects", 1)
    for i in range(5):
        world.state.insert("flakes", {"projectId": 1, "sha": f"s{i}", "component": "Button" if i % 2 else "Card",
                                      "variant": "default", "target": "chrome", "url": f"/f{i}.png",
                                      "createdAt": iso(T0 + timedelta(minutes=i))})
    buttons = reports.flakes(world, project, {"component": "Button"}, limit=20, page_no=1)
    assert [f["sha"] for f in buttons] == ["s3", "s1"]
    second_page = reports.flakes(world, project, {"component": ""}, limit=2, page_no=2)
    assert [f["sha"] for f in second_page] == ["s2", "s1"]
    assert second_page[0]["url"] == BASE + "/f2.png" and second_page[0]["project"] == "default"


# -- jobs, ignored diffs, subscriptions -----------------------------------------------------------


def test_orchestrated_job_finishes_when_every_project_is_in():
    world, sent = world_at(T0)
    account = world.state.get("accounts", 1)
    default, storybook = world.state.get("projects", 1), world.state.get("projects", 2)
    job = jobs.orchestrate(world, account, "s1", "s2", {"projects": ["default", "storybook", "default"]})
    assert job["projects"] == ["default", "storybook"] and job["status"] == "pending"
    assert jobs.start(world, account, storybook, "s1", "s2", {}) is job
    jobs.comparison_finished(world, default, "s1", "s2", "success", post=True, summary="ok", url="u")
    assert job["status"] == "pending"
    jobs.comparison_finished(world, storybook, "s1", "s2", "failure", post=True, summary="bad", url="u")
    assert job["status"] == "failure"
    assert [(p["state"], p["context"]) for _, p in sent] == [("pending", "Happo"), ("failure", "Happo")]
    with pytest.raises(VendorError) as refused:
        jobs.cancel(world, account, default, "s1", "s2", {"status": "failure"})
    assert refused.value.status == 409


def test_ignoring_a_diff_once_per_pair_in_either_order():
    world, _ = world_at(T0)
    account = world.state.get("accounts", 1)
    world.state.table("reports")[(1, "s1")] = {"projectId": 1, "sha": "s1", "snaps": [snap("a", "/1"), snap("b", "/2")]}
    first = comparisons.ignore_diff(world, account, "a", "b")
    assert comparisons.ignore_diff(world, account, "b", "a") is first
    assert comparisons.ignored_pairs(world, 1) == {frozenset(("a", "b"))}
    with pytest.raises(VendorError) as refused:
        comparisons.ignore_diff(world, account, "a", "zzz")
    assert refused.value.message == 'No snapshot found with id "zzz"'


def test_unsubscribed_addresses_stay_out():
    world, _ = world_at(T0)
    sub = subscriptions.subscription(world, 1, "Button")
    sub["unsubscribed"].append("gone@example.com")
    subscriptions.subscribe(sub, ["a@example.com", "gone@example.com", "a@example.com"])
    assert subscriptions.view(sub) == {"component": "Button", "emailAddresses": ["a@example.com"]}
    subscriptions.unsubscribe(sub, ["a@example.com"])
    assert subscriptions.subscription(world, 1, "Button")["emailAddresses"] == []
