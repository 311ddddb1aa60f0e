"""Test runs: show, include, create from scenarios, clone, PATCH, archive, synchronize, history."""

from __future__ import annotations

from .conftest import BOOKS, CASH, CI, SPRINT, doc, run_path, snapshots, statuses

RUNS = f"/api/projects/{CASH}/test_runs"


def test_show_with_include_tags_links_and_includes_them(api):
    r = api.get(run_path() + "?include=tags")
    body = r.json()
    assert r.status_code == 200
    assert body["data"]["relationships"]["tags"] == {"data": [{"type": "tags", "id": "4"}]}
    assert body["included"] == [{"type": "tags", "id": "4", "attributes": {"key": "sprint", "value": "1"},
                                 "links": {"self": "/tags/4"}}]


def test_an_empty_include_includes_nothing(api):
    r = api.get(run_path() + "?include=")
    assert r.status_code == 200
    assert r.json()["data"]["relationships"] == {"tags": {}} and r.json()["included"] == []


def test_unknown_include_is_400(api):
    r = api.get(run_path() + "?include=scenarios")
    assert r.status_code == 400 and "scenarios" in r.json()["errors"][0]


def test_the_run_list_with_tags_shows_every_change_at_once(api):
    """The bench's listing (`?include=tags`, a new query each time): a tag, its new value, a result, a deleted test."""
    def listed(n):
        r = api.get(f"{RUNS}?include=tags&n={n}")
        assert r.status_code == 200
        body = r.json()
        runs = {run["id"]: run for run in body["data"]}
        return runs[str(CI)], {(i["id"], i["attributes"]["value"]) for i in body["included"]}

    ci, included = listed(1)
    assert ci["relationships"]["tags"] == {"data": []} and included == {("4", "1")}
    tag = api.post(run_path(CI) + "/tags", json=doc({"key": "nightly", "value": "a"})).json()["data"]["id"]
    ci, included = listed(2)
    assert ci["relationships"]["tags"] == {"data": [{"type": "tags", "id": tag}]} and (tag, "a") in included
    assert api.patch(run_path(CI) + f"/tags/{tag}", json=doc({"value": "b"}, id_=tag)).status_code == 200
    assert (tag, "b") in listed(3)[1]
    passed = ci["attributes"]["statuses"]["passed"]
    test = snapshots(api, CI)[0]["id"]
    r = api.post(run_path(CI) + f"/test_snapshots/{test}/test_results",
                 json=doc({"status": "blocked", "status-author": "CI", "description": "x"}))
    assert r.status_code == 201
    statuses = listed(4)[0]["attributes"]["statuses"]
    assert (statuses["passed"], statuses["blocked"]) == (passed - 1, 1)
    assert api.delete(run_path(CI) + f"/test_snapshots/{test}").status_code == 200
    statuses = listed(5)[0]["attributes"]["statuses"]
    assert (statuses["passed"], statuses["blocked"]) == (passed - 1, 0)
    for _ in range(2):  # an include it cannot give is refused every time, not only the first
        r = api.get(f"{RUNS}?include=tags,scenarios")
        assert r.status_code == 400
        assert r.json() == {"errors": ["scenarios is not a valid relationship of this resource"]}


def test_the_run_list_sees_a_result_and_a_tag_changed_in_place(api):
    """The rendered listing is kept until the world changes: a result's new status and a tag's new value (both changed
    in place, no row added or removed) are in the next listing, and a refused change leaves it as it was."""
    asked = iter(range(100, 200))

    def listed():
        r = api.get(f"{RUNS}?include=tags&q={next(asked)}")  # (a new query each time: the read cache cannot answer)
        assert r.status_code == 200
        body = r.json()
        run = next(run for run in body["data"] if run["id"] == str(CI))
        return run["attributes"]["statuses"], {i["id"]: i["attributes"]["value"] for i in body["included"]}

    test = snapshots(api, CI)[0]["id"]
    result = api.post(run_path(CI) + f"/test_snapshots/{test}/test_results",
                      json=doc({"status": "blocked", "status-author": "CI", "description": "x"})).json()["data"]["id"]
    before, tags = listed()
    assert before["blocked"] == 1 and tags == {"4": "1"} and listed() == (before, tags)
    path = run_path(CI) + f"/test_snapshots/{test}/test_results/{result}"
    assert api.patch(path, json=doc({"status": "skipped"}, id_=result)).status_code == 200
    after, _ = listed()
    assert (after["blocked"], after["skipped"]) == (0, before["skipped"] + 1)
    assert api.patch(path, json=doc({"status": 3}, id_=result)).status_code == 422  # refused: nothing changes
    assert listed() == (after, tags)
    assert api.patch(run_path() + "/tags/4", json=doc({"value": "2"}, id_="4")).status_code == 200
    assert listed() == (after, {"4": "2"})


def test_show_synchronization_information_only_when_asked(api):
    plain = api.get(run_path()).json()["data"]["attributes"]
    assert "synchronization-information" not in plain
    info = api.get(run_path() + "?show_synchronization_information=true").json()["data"]["attributes"]
    assert info["synchronization-information"] == {
        "synchronizable": True, "synchronizing": False,
        "details": {"deleted_folders_snapshots": [], "deleted_scenarios_snapshots": [], "deleted_tests_snapshots": []}}


def test_unknown_project_and_run_are_404(api):
    assert api.get("/api/projects/1/test_runs").status_code == 404
    assert api.get(f"/api/projects/{CASH}/test_runs/999").status_code == 404
    r = api.get(f"/api/projects/{BOOKS}/test_runs/{SPRINT}")  # a run of another project
    assert r.status_code == 404 and r.json() == {"errors": ["Record not found"]}


def test_filter_status(api):
    assert api.post(f"{RUNS}/archive?older_than=2017-11-28").json() == {"meta": {"archived_test_run_ids": []}}
    r = api.post(f"{RUNS}/archive?older_than=2017-11-29")
    assert r.status_code == 200 and sorted(r.json()["meta"]["archived_test_run_ids"]) == [CI, SPRINT]
    assert api.get(f"{RUNS}?filter[status]=active").json()["data"] == []
    archived = api.get(f"{RUNS}?filter[status]=archived").json()["data"]
    assert {a["id"] for a in archived} == {str(CI), str(SPRINT)}
    assert all(a["attributes"]["archived"] for a in archived)
    assert api.get(f"{RUNS}?filter[status]=gone").status_code == 400


def test_archive_needs_a_date(api):
    assert api.post(f"{RUNS}/archive").status_code == 400
    assert api.post(f"{RUNS}/archive?older_than=yesterday").status_code == 400


def test_create_from_all_scenarios_generates_a_test_each(api):
    r = api.post(RUNS, json=doc({"name": "Sprint 2", "description": "next"}))
    assert r.status_code == 201
    run = r.json()["data"]
    assert run["type"] == "test-runs" and run["attributes"]["name"] == "Sprint 2"
    assert run["attributes"]["statuses"] == {"passed": 0, "failed": 0, "retest": 0, "undefined": 6, "blocked": 0,
                                             "skipped": 0, "wip": 0}
    assert run["links"]["self"] == f"/test-runs/{run['id']}"
    tests = snapshots(api, run["id"])
    names = sorted(t["attributes"]["definition-json"]["scenario_name"] for t in tests)
    assert names[0] == "Card is retained after three wrong PINs"
    folders = api.get(run_path(run["id"]) + "/folder_snapshots").json()["data"]
    assert sorted(f["attributes"]["name"] for f in folders) == ["Card handling", "Testing CASH WITHDRAWAL (sample N°2)",
                                                               "Withdraw cash"]
    envs = api.get(run_path(run["id"]) + "/execution_environments").json()["data"]
    assert [e["attributes"]["name"] for e in envs] == ["Default"]


def test_create_from_some_scenarios_with_datasets_and_tags(api):
    r = api.post(f"/api/projects/{BOOKS}/test_runs", json=doc(
        {"name": "Cart only", "scenario_ids": ["720001"]}, type_="test_runs",
        relationships={"tags": {"data": [{"type": "tag", "key": "release", "value": "1.1"}]}}))
    assert r.status_code == 201
    run_id = r.json()["data"]["id"]
    tests = snapshots(api, run_id, BOOKS)
    assert [t["attributes"]["name"] for t in tests] == ["Add a book to the cart (Cheap book)",
                                                        "Add a book to the cart (Expensive book)"]
    definition = tests[1]["attributes"]["definition-json"]
    assert (definition["dataset_name"], definition["dataset_id"], definition["index"]) == ("Expensive book", 910002, 1)
    assert {"action": "Add The Art of Computer Programming to the cart"} in definition["steps"]
    tags = api.get(f"/api/projects/{BOOKS}/test_runs/{run_id}/tags").json()["data"]
    assert [t["attributes"] for t in tags] == [{"key": "release", "value": "1.1"}]


def test_external_runs_start_empty(api):
    run = api.post(RUNS, json=doc({"name": "From CI", "external": True})).json()["data"]
    assert run["attributes"]["external"] is True
    assert snapshots(api, run["id"]) == []


def test_create_rejects_bad_input_without_creating_anything(api):
    before = len(api.get(RUNS).json()["data"])
    cases = [
        (doc({"description": "no name"}), 422),
        (doc({"name": ""}), 422),
        (doc({"name": "x", "scenario_ids": [720001]}), 422),   # a scenario of another project
        (doc({"name": "x", "scenario_ids": "all"}), 422),
        (doc({"name": "x"}, type_="projects"), 409),
        ({"name": "not json:api"}, 400),
        ([1, 2], 400),
    ]
    for body, status in cases:
        r = api.post(RUNS, json=body)
        assert r.status_code == status, body
        assert isinstance(r.json()["errors"], list) and r.json()["errors"]
    r = api.post(RUNS, data="{oops", headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert len(api.get(RUNS).json()["data"]) == before


def test_explicit_nulls_where_the_docs_leave_a_key_out_are_refused(api):
    before = len(api.get(RUNS).json()["data"])
    cases = [
        ({"data": {"type": None, "attributes": {"name": "x"}}}, 400, "data.type: Field may not be null."),
        ({"data": {"id": None, "attributes": {"name": "x"}}}, 400, "data.id: Field may not be null."),
        ({"type": None, "attributes": {"name": "x"}}, 400, "data.type: Field may not be null."),
        (doc({"name": "x", "scenario_ids": None}), 422, "scenario_ids: Field may not be null."),
    ]
    for body, status, message in cases:
        r = api.post(RUNS, json=body)
        assert (r.status_code, r.json()) == (status, {"errors": [message]}), body
    assert len(api.get(RUNS).json()["data"]) == before


def test_clone_copies_structure_without_results(api):
    r = api.post(RUNS, json=doc({"name": "Sprint 1 again", "test_run_id": SPRINT}))
    assert r.status_code == 201
    clone = r.json()["data"]
    assert clone["attributes"]["statuses"]["undefined"] == 6
    original = snapshots(api)
    copied = snapshots(api, clone["id"])
    assert ([t["attributes"]["definition-json"] for t in copied]
            == [t["attributes"]["definition-json"] for t in original])
    assert {t["id"] for t in copied}.isdisjoint({t["id"] for t in original})
    assert statuses(api) == {"passed": 4, "failed": 1, "retest": 0, "undefined": 0, "blocked": 0, "skipped": 1,
                             "wip": 0}
    assert api.post(RUNS, json=doc({"name": "x", "test_run_id": 5})).status_code == 404


def test_patch_description_and_add_scenarios(api):
    run = api.post(RUNS, json=doc({"name": "Small", "scenario_ids": [710001]})).json()["data"]
    path = run_path(run["id"])
    r = api.patch(path, json=doc({"description": "My new description"}, type_="test_runs", id_=int(run["id"])))
    assert r.status_code == 200 and r.json()["data"]["attributes"]["description"] == "My new description"
    r = api.patch(path, json=doc({"scenario_id": 710002}, type_="test_runs", id_=run["id"]))
    assert r.status_code == 200 and isinstance(r.json()["data"], list)
    r = api.patch(path, json=doc({"scenario_ids": [710002, 710003]}, type_="test-runs"))
    assert r.json()["data"][0]["attributes"]["statuses"]["undefined"] == 3
    assert api.patch(path, json=doc({"description": "x"}, type_="test_runs", id_=1)).status_code == 409
    assert api.patch(path, json=doc({"scenario_ids": [1]})).status_code == 422
    assert api.patch(path, json=doc({})).status_code == 422
    assert len(snapshots(api, run["id"])) == 3


def test_synchronize_follows_scenario_changes_and_reports_progress(api, frozen):
    run = api.post(RUNS, json=doc({"name": "Sync me", "scenario_ids": [710003]})).json()["data"]
    new_definition = "scenario 'Withdraw more cash than the daily limit' do\n  step {action: \"Ask for 5000\"}\nend\n"
    r = api.patch(f"/api/projects/{CASH}/scenarios/710003", json=doc({"definition": new_definition}, type_="scenarios"))
    assert r.status_code == 200
    assert snapshots(api, run["id"])[0]["attributes"]["definition-json"]["steps"] != [{"action": "Ask for 5000"}]
    r = api.post(run_path(run["id"]) + "/synchronize")
    assert r.status_code == 200
    assert r.json()["data"]["attributes"]["synchronization-information"]["synchronizing"] is True
    assert snapshots(api, run["id"])[0]["attributes"]["definition-json"]["steps"] == [{"action": "Ask for 5000"}]
    frozen(10)
    info = api.get(run_path(run["id"]) + "?show_synchronization_information=true").json()["data"]["attributes"]
    assert info["synchronization-information"]["synchronizing"] is False


def test_build_history_aggregates_each_build(api):
    r = api.get(run_path(CI) + "/build_history")
    assert r.status_code == 200
    assert r.json() == {"data": [{"id": 1, "date": "2017-11-28T11:05:54.000Z", "platform": "Default", "values": {
        "passed": 6, "failed": 0, "wip": 0, "retest": 0, "blocked": 0, "skipped": 0, "undefined": 0}}]}
    build = api.post(run_path(CI) + "/builds", json={}).json()["data"]
    test = snapshots(api, CI)[0]
    api.post(run_path(CI) + f"/builds/{build['id']}/test_results", json=doc(
        {"status": "failed", "status-author": "Jenkins", "description": "boom"},
        relationships={"test-snapshot": {"data": {"type": "test-snapshots", "id": test["id"]}}}))
    history = api.get(run_path(CI) + "/build_history").json()["data"]
    assert [h["id"] for h in history] == [int(build["id"]), 1]
    assert history[0]["values"]["failed"] == 1 and history[0]["values"]["undefined"] == 5
    assert len(api.get(run_path(CI) + "/build_history?limit=1").json()["data"]) == 1
    assert api.get(run_path(CI) + "/build_history?limit=many").status_code == 400
