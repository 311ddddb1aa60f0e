"""Kept list answers (the device list, a group's devices, the projects list) are made again after any change
to the tenant's world, in place or not. Every read carries a query parameter of its own, so what answers a
repeat is the kept answer, never the read cache."""

from __future__ import annotations

import itertools

from mockserver.vendors.bitbar.blueprint import LONGEST_KEPT

from .conftest import ME, PROJECT, USER_ID

_asked = itertools.count()
SHAREE = ("bitbar-shared-key", "")


def fresh(bb, path: str, **kw):
    params = {"limit": 50, "fresh": next(_asked), **kw.pop("params", {})}
    r = bb.get(path, params=params, **kw)
    assert r.status_code == 200, r.text
    return r


def project(bb, **kw) -> dict:
    return next(p for p in fresh(bb, f"{ME}/projects", **kw).json()["data"] if p["id"] == PROJECT)


def test_a_project_changed_in_place_is_seen_by_the_next_list_read(bb):
    assert project(bb)["name"] == "Hello world"
    assert project(bb)["name"] == "Hello world"  # (kept by now)
    renamed = bb.post(f"{ME}/projects/{PROJECT}", params={"name": "Renamed", "description": "in place"})
    assert renamed.status_code == 202
    assert project(bb)["name"] == "Renamed" and project(bb)["description"] == "in place"
    assert project(bb, auth=SHAREE)["name"] == "Renamed"


def test_a_refused_change_leaves_the_list_as_it_was(bb):
    assert project(bb)["name"] == "Hello world"
    refused = bb.post(f"{ME}/projects/{PROJECT}", params={"name": "Other"}, auth=SHAREE)  # (not the owner: 403)
    assert refused.status_code == 403
    assert project(bb)["name"] == "Hello world"


def test_each_caller_gets_their_own_kept_projects_list(bb):
    mine, theirs = project(bb), project(bb, auth=SHAREE)
    assert mine["sharedById"] is None and theirs["sharedById"] == USER_ID
    assert project(bb)["sharedById"] is None and project(bb, auth=SHAREE)["sharedById"] == USER_ID


def test_a_group_gaining_and_losing_a_device_in_place_is_seen_by_the_next_list_read(bb):
    def ids():
        return [d["id"] for d in fresh(bb, f"{ME}/device-groups/4148/devices").json()["data"]]

    assert ids() == [304] and ids() == [304]
    assert bb.post(f"{ME}/device-groups/4148/devices", params={"id": 337}).status_code == 201
    assert ids() == [304, 337]
    assert bb.delete(f"{ME}/device-groups/4148/devices/337").status_code == 204
    assert ids() == [304]


def test_a_kept_device_page_follows_the_query_and_the_format_asked(bb):
    first = fresh(bb, "/api/v2/devices", params={"limit": 2})
    again = fresh(bb, "/api/v2/devices", params={"limit": 2})
    assert again.content == first.content and len(first.json()["data"]) == 2
    assert first.json()["next"].startswith(f"{bb.base_url}/api/v2/devices?offset=2&limit=2")
    other = fresh(bb, "/api/v2/devices", params={"limit": 2, "offset": 1}).json()
    assert other["data"][0] == first.json()["data"][1] and other["offset"] == 1
    sorted_ = fresh(bb, "/api/v2/devices", params={"limit": 2, "sort": "id_d"}).json()
    assert sorted_["data"][0]["id"] > sorted_["data"][1]["id"] and "sort=id_d" in sorted_["next"]
    xml = fresh(bb, "/api/v2/devices", params={"limit": 2}, headers={"Accept": "application/xml"})
    assert xml.headers["Content-Type"].startswith("application/xml") and xml.content.startswith(b"<?xml")
    assert fresh(bb, "/api/v2/devices", params={"limit": 2}).content == first.content


def test_a_device_page_asked_by_a_json_body_is_never_answered_for_an_equal_number(bb):
    """A body's 1 and true are equal as keys but are searched for apart ("1" and "True")."""
    def page(body):
        r = bb.get("/api/v2/devices", params={"fresh": next(_asked)}, json=body)
        assert r.status_code == 200, (body, r.text)
        return r.json()

    assert page({"search": 1})["search"] == "1" and page({"search": 1})["total"] > 0
    assert page({"search": True}) | {"next": None} == {"next": None, "previous": None, "data": [], "offset": 0,
                                                       "limit": 20, "total": 0, "search": "True", "sort": "",
                                                       "empty": True}


def test_pages_longer_than_those_kept_are_answered_whole_and_refused_limits_refused(bb):
    """A page of more than LONGEST_KEPT rows (limit=0: all of them) is made each time rather than kept."""
    def page(limit):
        return bb.get("/api/v2/devices", params={"limit": limit, "fresh": next(_asked)})

    every = page("0").json()
    assert every["total"] > 3 and len(every["data"]) == every["total"] and page("0").json() == every
    for limit in (str(LONGEST_KEPT), str(LONGEST_KEPT + 1)):
        assert page(limit).json()["data"] == every["data"], limit
    assert len(page("3").json()["data"]) == 3
    for refused in ("²", "x", "-1", " 3"):
        assert page(refused).status_code == 400, refused
