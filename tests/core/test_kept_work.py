"""Work a vendor keeps against its world (context.kept_work) is given again only while no request or control
transaction has changed the world, in place or not: a new query parameter each time keeps the read cache out."""

from __future__ import annotations

import itertools

from tests.core.test_readcache import calls

_asked = itertools.count()


def names(demo) -> list[str]:
    r = demo("GET", "/items/names", params={"q": str(next(_asked))})
    assert r.status_code == 200, r.text
    return r.json()["names"]


def test_kept_until_a_record_changes_in_place(demo):
    assert names(demo) == ["seven", "three"]
    ran = calls(demo, "names")
    assert names(demo) == ["seven", "three"] and calls(demo, "names") == ran  # kept
    assert demo("PATCH", "/items/7", json={"name": "SEVEN"}).status_code == 200  # in place: no table version moves
    assert names(demo) == ["SEVEN", "three"]
    assert calls(demo, "names") == ran + 1


def test_a_rolled_back_change_leaves_it_kept_and_its_own_request_sees_its_change(demo):
    assert names(demo) == ["seven", "three"]
    ran = calls(demo, "names")
    refused = demo("POST", "/items/names", json={"id": 7, "name": "gone", "fail": True})
    assert refused.status_code == 409
    assert names(demo) == ["seven", "three"]  # undone: what was kept still holds
    assert calls(demo, "names") == ran + 1    # (the refused request computed its own, and kept nothing)
    renamed = demo("POST", "/items/names", json={"id": 3, "name": "THREE"})
    assert renamed.status_code == 200 and renamed.json()["names"] == ["seven", "THREE"]
    assert names(demo) == ["seven", "THREE"]


def test_a_control_change_and_a_reset_are_seen(demo):
    assert names(demo) == ["seven", "three"]
    assert demo("POST", "/items", json={"name": "four"}).status_code == 201
    assert names(demo) == ["seven", "three", "four"]
    assert demo.mock("POST", "/reset", headers={"X-Mock-Tenant": demo.tenant}).status_code in (200, 204)
    assert names(demo) == ["seven", "three"]


def test_kept_bodies_are_bounded_in_bytes(demo):
    from mockserver.core.context import MAX_KEPT_BYTES

    def blob(size: int) -> int:
        r = demo("GET", "/items/blob", params={"size": size, "q": str(next(_asked))})
        assert r.status_code == 200 and len(r.content) == size + 2
        return calls(demo, "blob")

    ran = blob(10)
    assert blob(10) == ran  # kept
    big = MAX_KEPT_BYTES + 1
    assert blob(big) == ran + 1
    assert blob(big) == ran + 2  # too big to keep: made anew each time
    assert blob(10) == ran + 2  # (and the small one stays kept)
