"""Repeated reads are rendered once per state: a write, another tenant, the clock and time bounds."""

from __future__ import annotations

from tests.harness import new_tenant


def calls(demo, view):
    return demo("GET", "/calls").json().get(view, 0)


def test_a_repeated_read_is_kept_from_its_second_asking_until_a_write(demo):
    first = demo("GET", "/items").json()
    ran = calls(demo, "items")
    assert demo("GET", "/items").json() == first  # asked again: rendered again, and kept
    assert calls(demo, "items") == ran + 1
    assert demo("GET", "/items").json() == first
    assert demo("GET", "/items").json() == first
    assert calls(demo, "items") == ran + 1
    assert demo("POST", "/items", json={"name": "new"}).status_code == 201
    for _ in range(3):
        assert [i["name"] for i in demo("GET", "/items").json()["items"]] == ["seven", "three", "new"]
    assert calls(demo, "items") == ran + 3  # (after the write: rendered twice, then kept)


def test_a_read_asked_once_is_not_kept():
    from mockserver.core.readcache import MAX_ASKED, ReadCache

    cache, state = ReadCache(), object()
    assert not cache.asked_before("t", "v", state, ("k", 1))
    assert cache.asked_before("t", "v", state, ("k", 1))
    assert not cache.asked_before("t", "v", object(), ("k", 1))  # another state: asked anew
    for n in range(MAX_ASKED + 10):
        cache.asked_before("t", "v", state, ("many", n))
    assert len(cache._slot("t", "v", state, create=False)[3]) <= MAX_ASKED


def test_each_request_shape_has_its_own_entry(demo):
    as_json = demo("GET", "/items")
    as_xml = demo("GET", "/items", headers={"Accept": "application/xml"})
    assert as_json.headers["Content-Type"].startswith("application/json")
    assert as_xml.headers["Content-Type"].startswith("application/xml")
    assert demo("GET", "/items").headers["Content-Type"].startswith("application/json")


def test_another_tenants_write_leaves_this_tenants_cached_read_alone(demo, demo_server):
    from tests.core.conftest import Demo

    mine = demo("GET", "/items").json()
    assert demo("GET", "/items").json() == mine  # (kept from its second asking)
    ran = calls(demo, "items")
    other = Demo(demo_server, new_tenant("demo-other"))
    assert other("POST", "/items", json={"name": "theirs"}).status_code == 201
    assert demo("GET", "/items").json() == mine
    assert calls(demo, "items") == ran
    assert "theirs" in [i["name"] for i in other("GET", "/items").json()["items"]]


def test_a_refused_write_and_a_reset_drop_nothing_they_should_keep(demo):
    demo("GET", "/items")
    assert demo("POST", "/items", json={"name": "x", "size": "big"}).status_code == 400
    assert [i["name"] for i in demo("GET", "/items").json()["items"]] == ["seven", "three"]
    demo("DELETE", "/items/7")
    assert demo.mock("POST", "/reset", params={"vendor": "demo", "tenant": demo.tenant}).status_code == 200
    assert [i["name"] for i in demo("GET", "/items").json()["items"]] == ["seven", "three"]


def test_a_view_that_reads_the_clock_is_rendered_every_time(demo):
    demo.mock("POST", "/clock", json={"set": "2030-01-01T00:00:00Z"})
    assert demo("GET", "/now").json()["now"] == "2030-01-01T00:00:00Z"
    demo.mock("POST", "/clock", json={"advance_seconds": 5})
    assert demo("GET", "/now").json()["now"] == "2030-01-01T00:00:05Z"


def test_a_time_bounded_read_is_kept_only_inside_its_window(demo):
    demo.mock("POST", "/clock", json={"set": "2030-01-01T00:00:00Z"})
    assert demo("PUT", "/deadline", json={"at": "2030-01-01T00:01:00Z"}).status_code == 204
    assert demo("GET", "/countdown").json() == {"phase": "before"}
    assert demo("GET", "/countdown").json() == {"phase": "before"}  # (kept from its second asking)
    ran = calls(demo, "countdown")
    demo.mock("POST", "/clock", json={"advance_seconds": 30})
    assert demo("GET", "/countdown").json() == {"phase": "before"}
    assert calls(demo, "countdown") == ran  # still inside the window: served again
    demo.mock("POST", "/clock", json={"advance_seconds": 30})
    assert demo("GET", "/countdown").json() == {"phase": "after"}
    assert calls(demo, "countdown") == ran + 1
    demo.mock("POST", "/clock", json={"set": "2030-01-01T00:00:10Z"})  # back before the answer was made
    assert demo("GET", "/countdown").json() == {"phase": "before"}
    assert calls(demo, "countdown") == ran + 2


def test_a_get_with_a_body_is_never_answered_from_memory(demo):
    demo("GET", "/items")
    demo("GET", "/items")
    ran = calls(demo, "items")
    demo("GET", "/items", data=b"{}", headers={"Content-Type": "application/json"})
    demo("GET", "/items", data=b"{}", headers={"Content-Type": "application/json"})
    assert calls(demo, "items") == ran + 2


def test_kept_answers_are_bounded_in_count_and_bytes():
    from mockserver.core.readcache import MAX_BYTES, MAX_ENTRIES, Kept, ReadCache

    cache, state = ReadCache(), object()
    for n in range(MAX_ENTRIES + 10):
        cache.keep("t", "v", state, ("k", n), Kept("200 OK", [], b"x", None, None, "/p", "/p"))
    assert 0 < len(cache.entries("t", "v", state)) <= MAX_ENTRIES
    big = b"y" * (MAX_BYTES // 3)
    for n in range(10):
        cache.keep("t", "v", state, ("big", n), Kept("200 OK", [], big, None, None, "/p", "/p"))
        assert sum(len(k.body) for k in cache.entries("t", "v", state).values()) <= MAX_BYTES
    assert cache.entries("t", "v", object()) is None  # another state object: nothing kept for it


def test_a_read_that_changes_the_state_drops_the_kept_answers(demo):
    assert demo("GET", "/visits").json() == {"visits": 0}
    assert demo("GET", "/visits").json() == {"visits": 0}
    assert demo("GET", "/visit").status_code == 200
    assert demo("GET", "/visits").json() == {"visits": 1}
    assert demo("GET", "/visit").status_code == 200  # never served from memory: it changes things
    assert demo("GET", "/visits").json() == {"visits": 2}


def test_only_get_answers_are_kept(demo):
    for method in ("OPTIONS", "HEAD"):
        other = demo(method, "/items")
        assert other.status_code == 200 and other.content == b""
        answer = demo("GET", "/items")
        assert answer.status_code == 200 and [i["name"] for i in answer.json()["items"]] == ["seven", "three"]
        assert "Allow" not in answer.headers


def test_an_injected_2xx_answer_is_answered_and_never_kept(demo):
    """A fault rule answering 200 to a read is its answer (it once made a 500: the read cache looked for the world
    the request never reached); once the rule is spent, the view answers again, nothing kept from the fault."""
    rule = demo.mock("POST", "/faults", json={"tenant": demo.tenant, "vendor": "demo", "method": "GET",
                                               "path": "/items", "status": 200, "body": {"injected": True}, "times": 1})
    assert rule.status_code == 201, rule.text
    injected = demo("GET", "/items")
    assert injected.status_code == 200 and injected.json() == {"injected": True}
    ran = calls(demo, "items")
    assert demo("GET", "/items").json()["items"]  # the view's own answer,
    assert demo("GET", "/items").json()["items"]
    assert demo("GET", "/items").json()["items"]
    assert calls(demo, "items") == ran + 2  # rendered twice (kept from its second asking) and then served
