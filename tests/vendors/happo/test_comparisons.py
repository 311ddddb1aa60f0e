"""Compare: classification, fallback shas, async results, statuses, reviews, ignored diffs, notifications."""

from __future__ import annotations

import pytest

from tests.conftest import vendor_client

from .conftest import snap


def _ids(items):
    return sorted(s["id"] for s in items)


def test_equal_reports(api):
    r = api.post("/api/reports/base-sha/compare/same-sha", json={})
    assert r.status_code == 200
    body = r.json()
    assert body["equal"] is True and body["status"] == "success"
    assert body["diffs"] == [] and body["added"] == [] and body["deleted"] == []
    assert len(body["unchanged"]) == 4
    assert body["summary"] == "No differences found: 0 diffs, 0 added, 0 deleted and 4 unchanged examples."
    status = api.get("/api/reports/base-sha/compare/same-sha/status").json()
    assert status["status"] == "success"


def test_classification_of_the_fixture_reports(api):
    body = api.post("/api/reports/base-sha/compare/change-sha", json={}).json()
    assert body["equal"] is False and body["status"] == "failure"
    # Button/disabled/firefox changed url; the iphone 7 pair has an ignored diff in the fixtures
    assert [[b["id"], a["id"]] for b, a in body["diffs"]] == [["snap-b2", "snap-c2"]]
    assert _ids(body["unchanged"]) == ["snap-c1", "snap-c3"]
    assert _ids(body["added"]) == ["snap-c5"]
    assert _ids(body["deleted"]) == ["snap-b4"]
    assert body["summary"] == "Differences were found: 1 diffs, 1 added, 1 deleted and 2 unchanged examples."
    for url in (body["compareUrl"], body["statusImageUrl"]):
        assert url.startswith(api.base_url)
        assert api.get(url[len(api.base_url):]).status_code == 200
    assert api.get(body["statusImageUrl"][len(api.base_url):]).headers["Content-Type"] == "image/svg+xml"


def test_ignoring_a_diff_makes_it_unchanged(api):
    assert api.post("/api/ignored-diffs", json={"snapshot1Id": "snap-b2", "snapshot2Id": "snap-c2"}).status_code == 200
    body = api.post("/api/reports/base-sha/compare/change-sha", json={}).json()
    assert body["diffs"] == []
    assert _ids(body["unchanged"]) == ["snap-c1", "snap-c2", "snap-c3"]


@pytest.mark.parametrize("body, status", [
    ({"snapshot1Id": "snap-b2"}, 400),
    ({"snapshot1Id": "snap-b2", "snapshot2Id": 7}, 400),
    ({"snapshot1Id": "snap-b2", "snapshot2Id": "no-such"}, 404),
    ({"snapshot1Id": "snap-o1", "snapshot2Id": "snap-c2"}, 404),  # another account's snapshot
])
def test_ignored_diff_errors(api, body, status):
    assert api.post("/api/ignored-diffs", json=body).status_code == status


def test_fallback_sha_stands_in_for_a_missing_before(api):
    r = api.post("/api/reports/gone-sha/compare/same-sha",
                 json={"fallbackShas": ["also-gone", "base-sha", "change-sha"]})
    assert r.status_code == 200
    assert r.json()["equal"] is True
    r = api.post("/api/reports/gone-sha/compare/same-sha", json={"fallbackShas": ["also-gone"]})
    assert r.status_code == 404
    assert r.json() == {"error": 'No report found for sha "gone-sha"'}
    assert api.post("/api/reports/base-sha/compare/nope", json={}).status_code == 404


@pytest.mark.parametrize("body", [{"isAsync": "sometimes"}, {"fallbackShas": "base-sha"}, {"notify": ["a@b.c"]}])
def test_compare_rejects_bad_bodies(api, body):
    r = api.post("/api/reports/base-sha/compare/change-sha", json=body)
    assert r.status_code == 400
    assert api.get("/api/reports/base-sha/compare/change-sha/status").status_code == 404


def test_async_compare_answers_at_once_and_settles_later(api):
    r = api.post("/api/reports/base-sha/compare/later-sha", json={"isAsync": True})
    assert r.status_code == 200
    assert set(r.json()) == {"id", "compareUrl", "statusImageUrl"}
    assert api.get("/api/reports/base-sha/compare/later-sha/status").json()["status"] == "pending"
    api.post("/api/reports/later-sha", json={"snaps": [snap(component="Button", variant="default", target="firefox")]})
    status = api.get("/api/reports/base-sha/compare/later-sha/status").json()
    assert status["status"] == "awaiting review"
    assert status["url"] == r.json()["compareUrl"]


def test_review_through_the_control_api(api, server, control, outbox):
    api.post("/api/reports/base-sha/compare/change-sha", json={})
    url = f"{server.url}/_mock/happo/comparisons/base-sha/change-sha/review"
    assert api.get("/api/reports/base-sha/compare/change-sha/status").json()["status"] == "awaiting review"
    r = control.post(url, params={"tenant": api.tenant}, json={"status": "success"})
    assert r.status_code == 200 and r.json()["status"] == "success"
    assert api.get("/api/reports/base-sha/compare/change-sha/status").json()["status"] == "success"
    assert api.post("/api/reports/base-sha/compare/change-sha", json={}).json()["status"] == "success"
    control.post(url, params={"tenant": api.tenant}, json={"status": "failure"})
    assert api.get("/api/reports/base-sha/compare/change-sha/status").json()["status"] == "failure"
    states = [e["payload"]["state"] for e in outbox(api, "github_status") if e["payload"]["sha"] == "change-sha"]
    assert states[-2:] == ["success", "failure"]
    assert control.post(url, params={"tenant": api.tenant}, json={"status": "maybe"}).status_code == 400
    missing = f"{server.url}/_mock/happo/comparisons/base-sha/nope/review"
    assert control.post(missing, params={"tenant": api.tenant}, json={"status": "success"}).status_code == 404


def test_comparison_statuses_of_a_sha(api):
    api.post("/api/reports/base-sha/compare/change-sha", json={})
    api.post("/api/reports/same-sha/compare/change-sha", json={})
    api.post("/api/reports/base-sha/compare/same-sha", json={})
    r = api.get("/api/reports/change-sha/comparison-statuses")
    assert r.status_code == 200
    assert [(s["sha1"], s["sha2"]) for s in r.json()] == [("base-sha", "change-sha"), ("same-sha", "change-sha")]
    assert api.get("/api/reports/unrelated/comparison-statuses").json() == []


def test_comparison_status_gets_take_the_documented_project_body(api):
    """The docs give both GETs a `project` body param: the spec declares it (ProjectOnly), so the contract
    checks it like any body, and an unknown project is the handler's 404."""
    api.post("/api/reports/base-sha/compare/change-sha", json={})
    r = api.get("/api/reports/change-sha/comparison-statuses", json={"project": None})
    assert r.status_code == 200 and len(r.json()) == 1
    assert api.get("/api/reports/base-sha/compare/change-sha/status", json={}).status_code == 200
    bad = api.get("/api/reports/change-sha/comparison-statuses", json={"project": 5}, validate=False)
    assert bad.status_code == 400 and bad.json()["details"] == {"project": ["Not a valid string."]}
    assert api.get("/api/reports/base-sha/compare/change-sha/status", json={"project": "nope"}).status_code == 404


def test_status_posts_emails_and_subscribers(api, outbox):
    r = api.post("/api/subscriptions/Button", json={"emailAddresses": ["former@example.com", "new@example.com"]})
    assert r.status_code == 200
    # former@ unsubscribed themselves, so adding them again is ignored
    assert r.json()["emailAddresses"] == ["design@example.com", "frontend@example.com", "new@example.com"]
    r = api.delete("/api/subscriptions/Button", json={"emailAddresses": ["frontend@example.com"]})
    assert r.json()["emailAddresses"] == ["design@example.com", "new@example.com"]
    api.post("/api/reports/base-sha/compare/change-sha", json={"notify": "lead@example.com, qa@example.com"})
    emails = outbox(api, "email")
    assert sorted((e["payload"]["to"], e["payload"]["reason"]) for e in emails) == [
        ("design@example.com", "subscription"), ("lead@example.com", "notify"),
        ("new@example.com", "subscription"), ("qa@example.com", "notify")]
    statuses = outbox(api, "github_status")
    assert statuses[-1]["payload"]["sha"] == "change-sha" and statuses[-1]["payload"]["state"] == "failure"


def test_skip_status_post_is_honoured(api, outbox):
    api.post("/api/reports/base-sha/compare/same-sha", json={"skipStatusPost": True})
    assert outbox(api, "github_status") == []
    api.post("/api/reports/base-sha/compare/same-sha", json={})
    assert [e["payload"]["state"] for e in outbox(api, "github_status")] == ["success"]


@pytest.mark.parametrize("body", [{}, {"emailAddresses": ["not-an-email"]}, {"emailAddresses": "a@b.c"}])
def test_subscription_errors(api, body):
    assert api.post("/api/subscriptions/Button", json=body).status_code == 400


def test_skip_posts_a_successful_status(api, outbox):
    r = api.post("/api/skip/skip-sha", json={"label": "No UI changes"})
    assert r.status_code == 200
    assert r.json() == {"sha": "skip-sha", "status": "success", "label": "No UI changes"}
    api.post("/api/skip/skip-2", json={})
    payloads = [e["payload"] for e in outbox(api, "github_status")]
    assert [(p["sha"], p["state"], p["description"]) for p in payloads] == [
        ("skip-sha", "success", "No UI changes"), ("skip-2", "success", "Skipped")]
    assert api.post("/api/skip/x", json={"project": "ghost"}).status_code == 404


def test_a_new_difference_needs_a_new_review(api, server, control):
    api.post("/api/reports/base-sha/compare/change-sha", json={})
    url = f"{server.url}/_mock/happo/comparisons/base-sha/change-sha/review"
    control.post(url, params={"tenant": api.tenant}, json={"status": "success"})
    same_again = api.post("/api/reports/base-sha/compare/change-sha", json={}).json()
    assert same_again["status"] == "success"
    snaps = api.get("/api/reports/change-sha").json()
    snaps[1]["url"] = "https://cdn.example.com/another-look.png"
    api.post("/api/reports/change-sha", json={"snaps": snaps})
    changed = api.post("/api/reports/base-sha/compare/change-sha", json={}).json()
    assert changed["status"] == "failure" and changed["id"] == same_again["id"]
    assert api.get("/api/reports/base-sha/compare/change-sha/status").json()["status"] == "awaiting review"


def test_review_before_the_result_exists_is_409(api, server, control):
    api.post("/api/reports/base-sha/compare/not-yet", json={"isAsync": True})
    url = f"{server.url}/_mock/happo/comparisons/base-sha/not-yet/review"
    r = control.post(url, params={"tenant": api.tenant}, json={"status": "success"})
    assert r.status_code == 409
    assert api.get("/api/reports/base-sha/compare/not-yet/status").json()["status"] == "pending"



def test_a_snapshot_is_found_wherever_it_was_added_and_only_in_its_own_tenant(api, server):
    # the lookup reads an index of the fixtures' snapshots: one added since, in place to a partial report,
    # is found too, and a snapshot another tenant added is not this tenant's
    api.post("/api/reports/part-sha", json={"snaps": [snap(id="first-part")], "partial": True})
    ignore = "/api/ignored-diffs"
    assert api.post(ignore, json={"snapshot1Id": "snap-b2", "snapshot2Id": "first-part"}).status_code == 200
    api.post("/api/reports/part-sha", json={"snaps": [snap(component="Card", id="second-part")], "partial": True})
    assert api.post(ignore, json={"snapshot1Id": "second-part", "snapshot2Id": "snap-c2"}).status_code == 200
    other = vendor_client(server, "happo", api.tenant + "-other")
    other.session.auth = api.session.auth
    assert other.post(ignore, json={"snapshot1Id": "snap-b2", "snapshot2Id": "snap-c2"}).status_code == 200
    assert other.post(ignore,
                      json={"snapshot1Id": "snap-b2", "snapshot2Id": "second-part"}).status_code == 404
