"""What the spec forbids is refused before the handler, in the handlers' own words and statuses."""

from __future__ import annotations

import pytest

from .conftest import CASH, doc, run_path

P = f"/api/projects/{CASH}"
RUNS = P + "/test_runs"
RESULT = {"status": "passed", "status-author": "Harry", "description": "ok"}


@pytest.mark.parametrize("body, status, message", [
    # invalid attributes: 422 naming the attribute as the handlers read it (underscored)
    (doc({"description": "no name"}), 422, "name: Missing data for required field."),
    (doc({"name": 5}), 422, "name: Not a valid string."),
    (doc({"name": "x", "external": "yes"}), 422, "external: Not a valid boolean."),
    (doc({"name": "x", "scenario_ids": [None]}), 422, "scenario_ids.0: Field may not be null."),
    (doc({"name": "x", "test_run_id": 1.5}), 422, "test_run_id: Not a valid id."),
    ({"attributes": {"name": 3}}, 422, "name: Not a valid string."),  # a bare resource, as some doc examples send
    # not a json:api resource document: 400 with the path from `data`
    ({"name": "not json:api"}, 400, "data: Missing data for required field."),
    ({"data": None}, 400, "data: Field may not be null."),
    ({"data": {"attributes": []}}, 400, "data.attributes: Not a valid mapping type."),
    ({"data": {"attributes": {"name": "x"}, "type": 3}}, 400, "data.type: Not a valid string."),
    ({"data": {"attributes": {"name": "x"}, "id": True}}, 400, "data.id: Not a valid id."),
    ([1, 2], 400, "Request body must be a JSON object"),
])
def test_run_create_refusals(api, body, status, message):
    before = len(api.get(RUNS).json()["data"])
    r = api.post(RUNS, json=body)
    assert (r.status_code, r.json()) == (status, {"errors": [message]})
    assert len(api.get(RUNS).json()["data"]) == before


def test_result_attributes_are_named_underscored(api):
    test = api.get(run_path() + "/test_snapshots").json()["data"][0]
    path = run_path() + f"/test_snapshots/{test['id']}/test_results"
    r = api.post(path, json=doc({**RESULT, "status-author": None}))
    assert (r.status_code, r.json()) == (422, {"errors": ["status_author: Field may not be null."]})
    r = api.post(path, json=doc({"status": "passed", "description": "ok"}))
    assert (r.status_code, r.json()) == (422, {"errors": ["status_author: Missing data for required field."]})


def test_missing_or_unreadable_bodies_are_400(api):
    r = api.post(RUNS, data="", headers={"Content-Type": "application/json"})
    assert (r.status_code, r.json()) == (400, {"errors": ["Request body is missing"]})
    r = api.post(RUNS, data="name=x", headers={"Content-Type": "text/plain"})
    assert r.status_code == 400 and "text/plain" in r.json()["errors"][0]
    r = api.post(run_path() + "/attachments", json={"file": "x"})
    assert (r.status_code, r.json()) == (400, {"errors": ["Send the file as multipart/form-data in the field 'file'"]})


@pytest.mark.parametrize("path, message", [
    (P + "/scenarios/find_by_tags", "The key parameter is required"),
    (P + "/scenarios/find_by_tags?key=", "The key parameter is required"),
    (RUNS + "?filter[status]=gone", "filter[status] must be 'active' or 'archived'"),
    (run_path() + "/build_history?limit=abc", "limit must be a positive integer"),
    (run_path() + "/build_history?limit=-1", "limit must be a positive integer"),
    (RUNS + "?include=tags,folder", "folder is not a valid relationship of this resource"),
])
def test_query_parameters_are_refused_in_the_handlers_words(api, path, message):
    r = api.get(path)
    assert (r.status_code, r.json()) == (400, {"errors": [message]})


@pytest.mark.parametrize("query, message", [
    ("", "older_than (YYYY-MM-DD) is required"),
    ("?older_than=yesterday", "older_than must be a date formatted YYYY-MM-DD"),
    ("?older_than=0000-01-01", "older_than must be a date formatted YYYY-MM-DD"),
])
def test_archive_needs_a_date(api, query, message):
    r = api.post(RUNS + "/archive" + query)
    assert (r.status_code, r.json()) == (400, {"errors": [message]})


def test_sign_in_refusals(hiptest):
    for kwargs in ({"json": {"email": 1, "password": "x"}}, {"data": "x", "headers": {"Content-Type": "text/plain"}},
                   {"files": {"email": (None, "demo@example.com")}}):
        r = hiptest.post("/api/auth/sign_in", **kwargs)
        assert (r.status_code, r.json()) == (401, {"errors": ["Invalid login credentials. Please try again."]}), kwargs
    r = hiptest.post("/api/auth/sign_in", json=[1])
    assert (r.status_code, r.json()) == (400, {"errors": ["Request body must be a JSON object"]})
    r = hiptest.post("/api/auth/sign_in",
                     files={"email": (None, "demo@example.com"), "password": (None, "demo-password")})
    assert r.status_code == 200 and r.headers["uid"] == "demo@example.com"


def test_without_enforcement_forbidden_requests_reach_the_handler_never_a_500():
    """--no-validate-requests: the handler sees what could be read; what it cannot use is the contract's 400."""
    import requests

    from mockserver.settings import Settings
    from tests.harness import start_server

    from .conftest import DEMO_HEADERS

    running = start_server(Settings(vendor_ports=False, vendors=("hiptest",), validate_requests=False))
    try:
        base = running.vendor_url("hiptest")
        r = requests.post(base + "/api/auth/sign_in", json={"email": "demo@example.com", "password": "demo-password"},
                          timeout=10)
        assert r.status_code == 200
        # the forbidden request reaches the handler; where the handler cannot use it, the contract's
        # refusal answers (never a 500)
        for method, path, message in (("POST", RUNS + "/archive", "older_than (YYYY-MM-DD) is required"),
                                      ("GET", run_path() + "/build_history?limit=abc",
                                       "limit must be a positive integer")):
            r = requests.request(method, base + path, headers=DEMO_HEADERS, timeout=10)
            assert (r.status_code, r.json()) == (400, {"errors": [message]}), path
        r = requests.get(base + P + "/folders/find_by_tags", headers=DEMO_HEADERS, timeout=10)
        assert (r.status_code, r.json()["data"]) == (200, []), "no key: nothing is tagged with it"
    finally:
        running.stop()


@pytest.mark.parametrize("path, body, status, message", [
    # the second spelling of an attribute is checked as the first (the spec declares both)
    (P + "/folders", doc({"name": "x", "parent_id": "abc"}), 422, "parent_id: Not a valid id."),
    (P + "/folders", doc({"name": "x", "parent-id": True}), 422, "parent_id: Not a valid id."),
    (RUNS, doc({"name": "x", "scenario-ids": "all"}), 422, "scenario_ids: Not a valid list."),
    # names are 1 to 255 characters
    (RUNS, doc({"name": ""}), 422, "name: can't be blank"),
    (P + "/folders", doc({"name": "x" * 256}), 422, "name: is too long (maximum is 255 characters)"),
    # a document without attributes misses the first required one
    (RUNS, {"data": {}}, 422, "name: Missing data for required field."),
    (RUNS, {"type": "test-runs"}, 422, "name: Missing data for required field."),
    # json:api ids are numbers or digit strings; a relationship carries data
    (RUNS, {"data": {"attributes": {"name": "x"}, "id": "abc"}}, 400, "data.id: Not a valid id."),
    (RUNS, doc({"name": "x"}, relationships={"tags": {}}), 400,
     "data.relationships.tags.data: Missing data for required field."),
    (RUNS, doc({"name": "x"}, relationships={"tags": {"data": [{"value": "v"}]}}), 422,
     "relationships.tags.0.key: Missing data for required field."),
    (RUNS, doc({"name": "x"}, relationships={"tags": {"data": [{"attributes": {"key": ""}}]}}), 422,
     "relationships.tags.0.attributes.key: can't be blank"),
])
def test_attributes_are_checked_by_the_spec_in_either_spelling(api, path, body, status, message):
    r = api.post(path, json=body)
    assert (r.status_code, r.json()) == (status, {"errors": [message]})


def test_either_spelling_is_read_and_unknown_attributes_dropped(api):
    folder = api.post(P + "/folders", json=doc({"name": "spelt", "parent_id": " 390001 "}))
    assert folder.status_code == 201 and folder.json()["data"]["attributes"]["parent-id"] == 390001
    run = api.post(RUNS, json=doc({"name": "kept", "archived": True, "created-at": "2000-01-01T00:00:00.000Z"},
                                  relationships={"tags": {"data": [{"attributes": {"key": "k"}},
                                                                   {"key": "j", "value": "v"}]}}))
    attrs = run.json()["data"]["attributes"]
    assert run.status_code == 201 and attrs["archived"] is False and attrs["created-at"] != "2000-01-01T00:00:00.000Z"
    assert attrs["description"] == "" and attrs["external"] is False  # the spec's documented defaults
    tags = api.get(f"{RUNS}/{run.json()['data']['id']}/tags").json()["data"]
    assert sorted((t["attributes"]["key"], t["attributes"]["value"]) for t in tags) == [("j", "v"), ("k", "")]
    test = api.get(run_path() + "/test_snapshots").json()["data"][0]
    r = api.post(run_path() + f"/test_snapshots/{test['id']}/test_results",
                 json=doc({"status": "passed", "status_author": "Harry", "description": "ok"}))
    assert r.status_code == 201 and r.json()["data"]["attributes"]["status-author"] == "Harry"


def test_an_upload_needs_a_named_file(api):
    r = api.post(P + "/folders/390002/attachments", files={"file": ("", b"x")})
    assert (r.status_code, r.json()) == (422, {"errors": ["file: a file is required"]})


def test_ids_as_json_numbers_or_long_digit_strings_are_never_a_500(api):
    r = api.post(P + "/folders", json=doc({"name": "float parent", "parent-id": 390001.0}))
    assert r.status_code == 201 and r.json()["data"]["attributes"]["parent-id"] == 390001
    assert api.post(P + "/folders", json=doc({"name": "x", "parent-id": "9" * 5000})).status_code == 422
    assert api.post(P + "/folders", json=doc({"name": "x", "parent-id": "9" * 40})).status_code == 422


VALIDATOR_WORDS = ("is not of type", "does not match", "is not one of", "is shorter than", "is longer than",
                   "is not valid under", "is a required property", "$.")


@pytest.mark.parametrize("method, path, kwargs, message", [
    ("post", P + "/folders/390003/create_from_feature", {"json": doc({"feature": ""})}, "feature: can't be blank"),
    ("post", RUNS, {"json": doc({"name": ""})}, "name: can't be blank"),
    ("post", P + "/folders", {"json": doc({"name": "x" * 256})}, "name: is too long (maximum is 255 characters)"),
    ("post", "/import_test_results/cash-secret-token/junit", {"params": {"build_id": "x"}, "data": "<testsuite/>"},
     "build_id: is not a number"),
])
def test_refusals_speak_the_vendors_words_not_the_validators(api, method, path, kwargs, message):
    r = api.request(method, path, **kwargs)
    assert r.status_code in (400, 422), r.text
    [said] = r.json()["errors"]
    assert not any(words in said for words in VALIDATOR_WORDS), said
    assert said == message


SNAPSHOT_RESULTS = run_path() + "/test_snapshots/{}/test_results"


@pytest.mark.parametrize("path, body, message", [
    (P + "/actionwords", doc({"name": "x", "definition": 7}), "definition: Not a valid string."),
    (P + "/scenarios/710001/tags", doc({"key": "k", "value": 2}), "value: Not a valid string."),
    (P + "/folders/390003/create_from_feature", doc({"feature": 5}), "feature: Not a valid string."),
    (RUNS, doc({"name": "x", "scenario_ids": ["a"]}), "scenario_ids.0: Not a valid id."),
    (run_path() + "/execution_environments", doc({"name": False}), "name: Not a valid string."),
    (run_path() + "/builds", doc({"name": {"x": 1}}), "name: Not a valid string."),
    ("results", doc({**RESULT, "status": 5}), "status: Not a valid string."),
    ("results", doc({**RESULT, "status-author": ["Harry"]}), "status_author: Not a valid string."),
    ("results", doc({**RESULT, "step-statuses": [1]}), "step_statuses: Each step status must be a string."),
])
def test_a_wrong_type_in_any_attribute_is_one_422_in_one_wording(api, path, body, message):
    """Every resource's attributes: the type named the same way, the attribute as the handlers read it."""
    if path == "results":
        path = SNAPSHOT_RESULTS.format(api.get(run_path() + "/test_snapshots").json()["data"][0]["id"])
    r = api.post(path, json=body)
    assert (r.status_code, r.json()) == (422, {"errors": [message]})
