"""Store behaviour seen through HTTP: tenants, ids, all-or-nothing changes, error rendering."""

from __future__ import annotations

import time

import requests


def names(demo):
    return [i["name"] for i in demo("GET", "/items").json()["items"]]


def test_fixture_data_is_served(demo):
    r = demo("GET", "/items")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/json"
    assert names(demo) == ["seven", "three"]


def test_ids_continue_after_largest_fixture_id_and_are_deterministic(demo, demo_server):
    first = demo("POST", "/items", json={"name": "a"}).json()["id"]
    second = demo("POST", "/items", json={"name": "b"}).json()["id"]
    assert (first, second) == (8, 9)
    other = requests.post(
        f"{demo_server.url}/demo/items",
        json={"name": "a"},
        headers={"Authorization": "Bearer demo-token", "X-Mock-Tenant": demo.tenant + "-2"},
        timeout=10,
    )
    assert other.json()["id"] == 8  # same fixtures + same request order -> same ids


def test_tenants_are_isolated(demo, demo_server):
    demo("POST", "/items", json={"name": "only-mine"})
    demo("DELETE", "/items/7")
    other = requests.get(
        f"{demo_server.url}/demo/items",
        headers={"Authorization": "Bearer demo-token", "X-Mock-Tenant": demo.tenant + "-other"},
        timeout=10,
    )
    assert [i["name"] for i in other.json()["items"]] == ["seven", "three"]
    assert names(demo) == ["three", "only-mine"]


def test_no_header_means_default_tenant(demo, demo_server):
    r = requests.get(f"{demo_server.url}/demo/items", headers={"Authorization": "Bearer demo-token"}, timeout=10)
    assert r.status_code == 200
    last = demo.mock("GET", "/requests", params={"limit": 1}).json()["requests"][0]
    assert last["tenant"] == "default"


def test_invalid_tenant_header_is_a_400_in_vendor_shape(demo):
    r = demo("GET", "/items", headers={"X-Mock-Tenant": "bad tenant!"})
    assert r.status_code == 400
    assert "X-Mock-Tenant" in r.json()["demoError"]


def test_failed_validation_changes_nothing(demo):
    r = demo("POST", "/items/batch", json=[{"name": "ok"}, {"nam": "typo"}])
    assert r.status_code == 400
    assert r.json()["fields"] == {"name": ["Missing data for required field."], "nam": ["Unknown field."]}
    assert names(demo) == ["seven", "three"]
    # and the id sequence did not advance either
    assert demo("POST", "/items", json={"name": "next"}).json()["id"] == 8


def test_unexpected_exception_is_500_in_vendor_shape_without_traceback_and_rolled_back(demo):
    r = demo("POST", "/boom")
    assert r.status_code == 500
    assert r.json() == {"demoError": "Internal Server Error", "code": 500}
    assert "Traceback" not in r.text
    assert names(demo) == ["seven", "three"]


def test_malformed_json_is_a_400(demo):
    r = demo("POST", "/items", data="{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert r.json()["demoError"].startswith("Malformed JSON body")


def test_json_nested_past_the_depth_limit_is_refused_and_up_to_it_is_read(demo):
    from mockserver.core.contract import MAX_DEPTH

    deep = demo("POST", "/items", data="[" * (MAX_DEPTH + 2) + "]" * (MAX_DEPTH + 2),
                headers={"Content-Type": "application/json"})
    assert deep.status_code == 400 and deep.json()["demoError"] == "Malformed JSON body: nested too deeply"
    at_most = demo("POST", "/items", data="[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1),
                   headers={"Content-Type": "application/json"})
    assert at_most.status_code == 400 and "is not of type 'object'" in at_most.json()["demoError"]  # read, then checked


def test_wrong_json_type_is_a_400(demo):
    r = demo("POST", "/items", json=["a list"])
    assert r.status_code == 400
    assert r.json()["demoError"] == "request body: [\"a list\"] is not of type 'object'"


def test_unknown_path_and_wrong_method_use_vendor_shape(demo):
    r = demo("GET", "/nowhere")
    assert (r.status_code, r.json()) == (404, {"demoError": "Not Found", "code": 404})
    r = demo("PUT", "/items")
    assert r.status_code == 405
    assert r.json()["demoError"] == "Method Not Allowed"
    assert "POST" in r.headers["Allow"]


def test_oversize_body_is_413_in_vendor_shape(demo):
    r = demo("POST", "/items", data=b"x" * (1024 * 1024 + 10), headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    assert r.json()["code"] == 413


def test_auth_check_and_permissive_mode_rejects_missing(demo):
    r = demo("GET", "/items", headers={"Authorization": "Bearer wrong"})
    assert (r.status_code, r.json()["demoError"]) == (401, "who are you?")


def test_xml_from_the_same_data(demo):
    r = demo("GET", "/items", headers={"Accept": "application/xml"})
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/xml"
    assert "<name>seven</name>" in r.text


def test_unknown_vendor_prefix_is_404_listing_vendors(demo_server):
    r = requests.get(f"{demo_server.url}/nope/api", timeout=10)
    assert r.status_code == 404
    assert r.json()["vendors"] == ["/demo"]


def test_unexpected_exception_is_logged_with_traceback(demo, caplog):
    with caplog.at_level("ERROR", logger="mockserver.errors"):
        demo("POST", "/boom")
    record = next(r for r in caplog.records if r.name == "mockserver.errors")
    assert "POST /boom" in record.getMessage() and record.exc_info and record.exc_info[0] is RuntimeError


def test_one_access_log_line_per_request(demo, caplog):
    def lines():
        return [r.getMessage() for r in caplog.records if r.name == "mockserver.access"]

    with caplog.at_level("INFO", logger="mockserver.access"):
        demo("GET", "/items/3")
        deadline = time.monotonic() + 5  # lines are written in batches, off the request path
        while not lines() and time.monotonic() < deadline:
            time.sleep(0.02)
    lines = lines()
    assert len(lines) == 1
    assert lines[-1].startswith("GET /demo/items/3 200 ") and lines[-1].endswith(f"vendor=demo tenant={demo.tenant}")


def test_reset_without_arguments_resets_every_tenant(demo, demo_server):
    demo("DELETE", "/items/7")
    assert demo.mock("POST", "/reset").status_code == 200
    assert names(demo) == ["seven", "three"]


def test_permissive_auth_accepts_any_wellformed_credential_but_not_none():
    import copy

    from mockserver.settings import Settings
    from tests.core.demo_vendor import DEMO, DEMO_FIXTURES
    from tests.harness import start_server

    running = start_server(
        Settings(vendor_ports=False, vendors=("demo",), auth="permissive"),
        vendors={"demo": DEMO},
        fixtures={"demo": copy.deepcopy(DEMO_FIXTURES)},
    )
    try:
        ok = requests.get(f"{running.url}/demo/items", headers={"Authorization": "Bearer anything"}, timeout=10)
        missing = requests.get(f"{running.url}/demo/items", timeout=10)
        assert (ok.status_code, missing.status_code) == (200, 401)
    finally:
        running.stop()


def test_spec_forbidden_request_the_handler_would_accept_is_refused_and_changes_nothing(demo):
    # the handler takes any integer size; the demo spec says at most 100
    r = demo("POST", "/items", json={"name": "huge", "size": 1000})
    assert r.status_code == 400
    assert r.json()["demoError"] == "request body: size: 1000 is greater than the maximum of 100"
    assert names(demo) == ["seven", "three"]
    assert demo("POST", "/items", json={"name": "ok", "size": 100}).status_code == 201


def test_a_request_the_contract_forbids_never_reaches_the_view(demo):
    def ran():
        return demo("GET", "/calls").json().get("guarded", 0)

    before = ran()
    r = demo("POST", "/guarded", json={"why": "no reason"})
    assert (r.status_code, r.json()["demoError"]) == (400, "request body: 'reason' is a required property")
    assert ran() == before
    assert demo("POST", "/guarded", json={"reason": "because"}).status_code == 200
    assert ran() == before + 1
    r = demo("POST", "/items", json={"name": "x", "size": "big", "extra": 1})
    assert r.status_code == 400
    assert r.json()["demoError"].startswith("request body: ")
    assert names(demo) == ["seven", "three"]
    r = demo("POST", "/items", data="name=x", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 400 and "media type" in r.json()["demoError"]
    assert names(demo) == ["seven", "three"]


def test_auth_is_judged_before_the_spec(demo):
    r = demo("POST", "/items", json={"name": "x", "size": 1000}, headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401


def test_request_validation_can_be_switched_off():
    import copy

    from mockserver.settings import Settings, from_env
    from tests.core.demo_vendor import DEMO, DEMO_FIXTURES
    from tests.harness import start_server

    assert from_env({"MOCKSERVER_VALIDATE_REQUESTS": "0"}).validate_requests is False
    running = start_server(
        Settings(vendor_ports=False, vendors=("demo",), validate_requests=False),
        vendors={"demo": DEMO},
        fixtures={"demo": copy.deepcopy(DEMO_FIXTURES)},
    )
    try:
        r = requests.post(
            f"{running.url}/demo/items",
            json={"name": "huge", "size": 1000},
            headers={"Authorization": "Bearer demo-token"},
            timeout=10,
        )
        assert r.status_code == 201
    finally:
        running.stop()


def test_spec_guard_sees_form_bodies_the_handler_already_parsed(demo):
    r = demo("POST", "/form", data={"name": "x"})
    assert (r.status_code, r.json()) == (200, {"name": "x"})
    r = demo("POST", "/form", data={"other": "x"})
    assert r.status_code == 400 and "name" in r.json()["demoError"]


def test_multipart_text_fields_and_file_parts_are_checked_before_the_view(demo):
    ok = demo("POST", "/upload", files={"file": ("a.txt", b"abc")}, data={"label": "a", "copies": "2"})
    assert (ok.status_code, ok.json()) == (
        200,
        {"name": "a.txt", "size": 3, "fields": {"label": "a", "copies": 2, "file": "a.txt"}},
    )
    no_file = demo("POST", "/upload", files={"label": (None, "a")})
    assert (no_file.status_code, no_file.json()["demoError"]) == (400, "request body: 'file' is a required property")
    bad = demo("POST", "/upload", files={"file": ("a.txt", b"abc")}, data={"label": "c", "copies": "0"})
    assert (bad.status_code, bad.json()["demoError"]) == (400, "request body: label: 'c' is not one of ['a', 'b']")
    few = demo("POST", "/upload", files={"file": ("a.txt", b"abc")}, data={"label": "b", "copies": "0"})
    assert few.status_code == 400 and few.json()["demoError"].startswith("request body: copies: 0 is less than")
    assert demo("POST", "/upload", json={"label": "a"}).status_code == 400  # not a media type it takes


def test_a_write_failing_half_way_leaves_the_tenant_exactly_as_before_whatever_others_did(demo, demo_server):
    from tests.core.conftest import Demo
    from tests.harness import new_tenant

    def dump(who):
        r = who.mock("GET", "/state", params={"vendor": "demo", "tenant": who.tenant})
        assert r.status_code == 200
        return r.json()

    other = Demo(demo_server, new_tenant("demo-other"))
    assert demo("POST", "/items", json={"name": "mine"}).status_code == 201
    before = dump(demo)
    assert other("POST", "/items", json={"name": "theirs"}).status_code == 201
    # the batch inserts one by one and fails on its third item, after two inserts and two id draws
    r = demo("POST", "/items/batch", json=[{"name": "a"}, {"name": "b"}, {"size": 1}])
    assert r.status_code == 400
    assert other("DELETE", "/items/7").status_code == 204
    assert dump(demo) == before
    assert demo("POST", "/items", json={"name": "next"}).json()["id"] == 9  # the sequence was rolled back too


def test_a_public_view_needs_no_credentials_and_the_rest_do(demo_server):
    base = f"{demo_server.url}/demo"
    about = requests.get(f"{base}/about", timeout=10)
    assert (about.status_code, about.json()) == (200, {"vendor": "demo", "items": 2})
    for method in ("GET", "OPTIONS"):
        refused = requests.request(method, f"{base}/items", timeout=10)
        assert (refused.status_code, refused.json()) == (401, {"demoError": "who are you?", "code": 401})
