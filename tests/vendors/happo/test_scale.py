"""Reads of a big fixture set copy into the tenant's world only what they answer (issue 13: a tenant's memory
grows with what it changes, not with the store)."""

from __future__ import annotations

import base64

from tests.harness import assert_holds_few, grown_app

from .conftest import KEY, SECRET

MANY = 3000


def test_a_components_latest_snapshot_copies_no_other_projects_reports():
    from werkzeug.test import Client

    from mockserver.app import create_app, load_vendors
    from mockserver.core.fixtures import load_all
    from mockserver.settings import DEFAULT_FIXTURES, Settings

    vendors = load_vendors(["happo"])
    data = load_all(DEFAULT_FIXTURES, vendors)
    report = data["happo"]["reports"][0]
    # the storybook project (the demo account's too) gets MANY reports, each of one snapshot
    data["happo"]["reports"] += [{**report, "projectId": 2, "sha": f"sha-{n}",
                                  "snaps": [{**report["snaps"][0], "id": f"snap-{n}"}]} for n in range(MANY)]
    server = create_app(Settings(vendors=("happo",)), vendors=vendors, fixtures=data)
    client = Client(server)
    auth = {"Authorization": "Basic " + base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()}

    latest = client.get("/happo/api/components/Button/disabled/firefox", headers=auth)
    assert latest.status_code == 200 and latest.get_json()["id"] == "snap-c2"
    assert client.get("/happo/api/components/Button/disabled/safari", headers=auth).status_code == 404
    compared = client.post("/happo/api/reports/base-sha/compare/change-sha", json={}, headers=auth)
    assert compared.status_code == 200
    status = client.get("/happo/api/reports/base-sha/compare/change-sha/status", headers=auth)
    assert status.status_code == 200 and status.get_json()["sha2"] == "change-sha"

    assert_holds_few(server, "happo", 20, "four requests")


def test_signing_in_as_the_last_of_many_accounts_copies_no_other_account():
    server, client = grown_app("happo", lambda data: data["accounts"].extend(
        {"id": 1000 + n, "name": f"account {n}", "apiKey": f"key-{n}", "apiSecret": f"secret-{n}"}
        for n in range(MANY)))

    def basic(key: str, secret: str) -> dict:
        return {"Authorization": "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()}

    last = f"key-{MANY - 1}"
    assert client.get("/happo/api/reports/base-sha", headers=basic(last, f"secret-{MANY - 1}")).status_code == 404
    assert client.get("/happo/api/reports/base-sha", headers=basic(last, "wrong")).status_code == 401
    assert client.get("/happo/api/reports/base-sha", headers=basic("no-such-key", "x")).status_code == 401
    assert client.get("/happo/api/reports/base-sha", headers=basic(KEY, SECRET)).status_code == 200

    assert_holds_few(server, "happo", 20, "four sign-ins")


def test_ignoring_a_diff_and_comparing_copy_no_other_accounts_ignored_diffs():
    def grow(data):
        data["accounts"].append({"id": 999, "name": "other", "apiKey": "other-key", "apiSecret": "other-secret"})
        data["ignoredDiffs"] += [{"accountId": 999, "snapshot1Id": f"a-{n}", "snapshot2Id": f"b-{n}",
                                  "createdAt": "2024-01-01T00:00:00Z"} for n in range(MANY)]

    server, client = grown_app("happo", grow)
    auth = {"Authorization": "Basic " + base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()}

    pair = {"snapshot1Id": "snap-b2", "snapshot2Id": "snap-c2"}
    first = client.post("/happo/api/ignored-diffs", json=pair, headers=auth)
    again = client.post("/happo/api/ignored-diffs", json={"snapshot1Id": "snap-c2", "snapshot2Id": "snap-b2"},
                        headers=auth)
    assert first.status_code == again.status_code == 200 and again.get_json() == first.get_json()  # once per pair
    compared = client.post("/happo/api/reports/base-sha/compare/change-sha", json={}, headers=auth)
    assert compared.status_code == 200

    assert_holds_few(server, "happo", 20, "three requests")


def test_a_compared_diff_mails_the_components_subscribers_copying_no_other_accounts_subscriptions():
    def grow(data):
        data["accounts"].append({"id": 999, "name": "other", "apiKey": "other-key", "apiSecret": "other-secret"})
        data["subscriptions"] += [{"accountId": 999, "component": "Button" if n == 0 else f"Component{n}",
                                   "emailAddresses": [f"other{n}@example.com"], "unsubscribed": []}
                                  for n in range(MANY)]

    server, client = grown_app("happo", grow)
    auth = {"Authorization": "Basic " + base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()}

    compared = client.post("/happo/api/reports/base-sha/compare/change-sha", json={}, headers=auth)
    assert compared.status_code == 200 and compared.get_json()["diffs"]
    mails = client.get("/_mock/outbox?vendor=happo").get_json()
    subscribed = sorted(m["payload"]["to"] for m in mails["outbox"] if m["payload"].get("reason") == "subscription")
    # the demo account's subscribers to Button (the unsubscribed one left out), none of the other account's
    assert subscribed == ["design@example.com", "frontend@example.com"]

    assert_holds_few(server, "happo", 20, "a comparison")
