"""Pushing results (statuses, step statuses), builds, execution environments, tests and test folders."""

from __future__ import annotations

from .conftest import CASH, SPRINT, doc, run_path, snapshots, statuses

RESULT = {"status": "passed", "status-author": "Harry", "description": "All was well"}


def _new_run(api, scenario_ids=(710001, 710002, 710003)):
    r = api.post(f"/api/projects/{CASH}/test_runs", json=doc({"name": "Exec", "scenario_ids": list(scenario_ids)}))
    assert r.status_code == 201
    return r.json()["data"]["id"]


def _push(api, run, test_id, attributes=None, relationships=None):
    return api.post(run_path(run) + f"/test_snapshots/{test_id}/test_results",
                    json=doc(attributes or RESULT, type_="test-results", relationships=relationships))


def test_pushing_a_result_changes_the_run_statuses(api):
    failed = next(t for t in snapshots(api) if t["attributes"]["status"] == "failed")
    r = _push(api, SPRINT, failed["id"])
    assert r.status_code == 201
    body = r.json()["data"]
    assert body["type"] == "test-results" and body["attributes"]["status"] == "passed"
    assert body["attributes"]["status-author"] == "Harry" and body["attributes"]["description"] == "All was well"
    assert body["links"]["self"] == f"/test-results/{body['id']}"
    assert body["relationships"]["test-snapshot"] == {"data": {"type": "test-snapshots", "id": failed["id"]}}
    assert body["relationships"]["build"] == {"data": None}
    assert statuses(api)["passed"] == 5 and statuses(api)["failed"] == 0
    last = api.get(run_path() + f"/test_snapshots/{failed['id']}?include=last-result").json()
    assert last["data"]["relationships"]["last-result"]["data"] == {"type": "test-results", "id": body["id"]}
    assert last["data"]["relationships"]["last-result"]["links"] == {
        "self": f"/test-snapshots/{failed['id']}/relationships/last-result",
        "related": f"/test-snapshots/{failed['id']}/last-result"}
    assert last["included"][0]["attributes"]["status"] == "passed"


def test_unknown_statuses_are_stored_as_undefined(api):
    run = _new_run(api)
    tests = snapshots(api, run)
    r = _push(api, run, tests[0]["id"], {**RESULT, "status": "success"})
    assert r.status_code == 201 and r.json()["data"]["attributes"]["status"] == "undefined"
    _push(api, run, tests[1]["id"], {**RESULT, "status": "wip"})
    assert statuses(api, run) == {"passed": 0, "failed": 0, "retest": 0, "undefined": 2, "blocked": 0, "skipped": 0,
                                  "wip": 1}


def test_step_statuses_match_test_steps_or_expand_over_action_words(api):
    run = _new_run(api, [710001])
    test = snapshots(api, run)[0]
    steps = test["attributes"]["definition-json"]["steps"]
    assert len(steps) == 6  # 4 scenario steps, one action word call expanding to 3
    full = _push(api, run, test["id"], {**RESULT, "step-statuses": ["passed"] * 5 + ["failed", "extra"]})
    assert full.json()["data"]["attributes"]["step-statuses"] == ["passed"] * 5 + ["failed"]
    short = _push(api, run, test["id"], {**RESULT, "step-statuses": ["passed", "failed", "bogus"]})
    assert short.json()["data"]["attributes"]["step-statuses"] == ["passed", "failed", "failed", "failed",
                                                                  "undefined", "undefined"]
    none = _push(api, run, test["id"], {**RESULT, "step-statuses": "all good"})
    assert none.json()["data"]["attributes"]["step-statuses"] == ["undefined"] * 6
    shown = api.get(run_path(run) + "/test_snapshots?show_step_statuses=true").json()["data"][0]["attributes"]
    assert shown["step-statuses"][0] == {"action": "Given the account is in credit", "status": "undefined"}


def test_result_push_validation(api):
    run = _new_run(api)
    test = snapshots(api, run)[0]
    assert _push(api, run, test["id"], {"status": "passed"}).status_code == 422
    r = _push(api, run, test["id"], relationships={"build": {"data": {"type": "build", "id": 999}}})
    assert r.status_code == 404
    assert _push(api, run, test["id"], relationships={"build": {"data": "1"}}).status_code == 400
    assert api.post(run_path(run) + "/test_snapshots/999/test_results", json=doc(RESULT)).status_code == 404
    assert statuses(api, run)["undefined"] == 3


def test_statuses_of_the_wrong_type_are_refused_and_change_nothing(api):
    run = _new_run(api, [710001])
    test = snapshots(api, run)[0]
    for attrs, message in (({**RESULT, "status": 1}, "status: Not a valid string."),
                           ({**RESULT, "status": None}, "status: Field may not be null."),
                           ({**RESULT, "step-statuses": ["passed", 2]},
                            "step_statuses: Each step status must be a string.")):
        r = _push(api, run, test["id"], attrs)
        assert r.status_code == 422 and r.json() == {"errors": [message]}
    assert statuses(api, run)["undefined"] == 1
    null_steps = _push(api, run, test["id"], {**RESULT, "step-statuses": None})
    assert null_steps.status_code == 201
    assert null_steps.json()["data"]["attributes"]["step-statuses"] == ["undefined"] * 6


def test_pass_rate_counts_the_last_ten_decisive_results(api):
    run = _new_run(api, [710001])
    test = snapshots(api, run)[0]
    path = run_path(run) + f"/test_snapshots/{test['id']}?show_passrate"
    assert api.get(path).json()["data"]["attributes"]["pass-rate"] == ""
    for status in ["failed"] * 3 + ["passed"] * 9 + ["wip"]:
        _push(api, run, test["id"], {**RESULT, "status": status})
    assert api.get(path).json()["data"]["attributes"]["pass-rate"] == "90"
    assert "pass-rate" not in api.get(path.split("?")[0]).json()["data"]["attributes"]


def test_patch_a_result(api):
    run = _new_run(api)
    test = snapshots(api, run)[0]
    result = _push(api, run, test["id"]).json()["data"]
    path = run_path(run) + f"/test_snapshots/{test['id']}/test_results/{result['id']}"
    r = api.patch(path, json=doc({"status": "failed", "status-author": "Jenkins",
                                  "description": "Automated jenkins job"},
                                 type_="test-results", id_=int(result["id"])))
    assert r.status_code == 200
    assert r.json()["data"]["attributes"]["status-author"] == "Jenkins"
    assert statuses(api, run)["failed"] == 1
    assert api.patch(path, json=doc({"status": "nonsense"})).json()["data"]["attributes"]["status"] == "undefined"
    wrong_type = api.patch(path, json=doc({"status": 3}))
    assert wrong_type.status_code == 422 and wrong_type.json() == {"errors": ["status: Not a valid string."]}
    assert api.patch(path, json=doc({"status-author": ["x"]})).status_code == 422
    assert api.patch(path, json=doc({}, id_=999)).status_code == 409
    assert api.patch(path.rsplit("/", 1)[0] + "/999", json=doc({})).status_code == 404


def test_builds_create_push_close_and_current(api):
    run = _new_run(api)
    tests = snapshots(api, run)
    assert api.get(run_path(run) + "/builds").json()["data"] == []
    assert api.get(run_path(run) + "/builds/current").status_code == 404
    build = api.post(run_path(run) + "/builds", json={}).json()["data"]
    assert build["attributes"]["is-running"] is True and build["attributes"]["closed-at"] is None
    rel = {"build": {"data": {"type": "build", "id": int(build["id"])}}}
    pushed = _push(api, run, tests[0]["id"], relationships=rel).json()["data"]
    assert pushed["relationships"]["build"] == {"data": {"type": "builds", "id": build["id"]}}
    r = api.post(run_path(run) + f"/builds/{build['id']}/test_results", json=doc(
        {**RESULT, "status": "blocked"},
        relationships={"test-snapshot": {"data": {"type": "test-snapshots", "id": tests[1]["id"]}}}))
    assert r.status_code == 201
    assert api.post(run_path(run) + f"/builds/{build['id']}/test_results", json=doc(RESULT)).status_code == 422
    current = api.get(run_path(run) + "/builds/current?include=test-results").json()
    assert current["data"]["id"] == build["id"]
    assert ([i["attributes"]["test-snapshot-id"] for i in current["included"]]
            == [int(tests[0]["id"]), int(tests[1]["id"])])
    renamed = api.patch(run_path(run) + f"/builds/{build['id']}",
                        json=doc({"name": "#42"}, type_="builds", id_=build["id"]))
    assert renamed.json()["data"]["attributes"]["name"] == "#42"
    closed = api.post(run_path(run) + f"/builds/{build['id']}/close").json()["data"]["attributes"]
    assert closed["is-running"] is False and closed["closed-at"]
    assert api.get(run_path(run) + "/builds/999").status_code == 404
    assert statuses(api, run)["blocked"] == 1


def test_environments_default_unique_names_and_their_builds(api):
    run = _new_run(api)
    tests = snapshots(api, run)
    envs = api.get(run_path(run) + "/execution_environments").json()["data"]
    assert [e["attributes"]["name"] for e in envs] == ["Default"]
    default_id = envs[0]["id"]
    r = api.post(run_path(run) + "/execution_environments", json=doc({"name": "Firefox"}))
    assert r.status_code == 201
    firefox = r.json()["data"]
    assert firefox["type"] == "execution-environments"
    assert firefox["links"]["self"] == f"/execution-environments/{firefox['id']}"
    assert api.post(run_path(run) + "/execution_environments", json=doc({"name": "Firefox"})).status_code == 422
    assert api.post(run_path(run) + "/execution_environments", json=doc({})).status_code == 422
    # with two environments the run-level build routes need an environment
    assert api.get(run_path(run) + "/builds").status_code == 400
    assert api.post(run_path(run) + "/builds", json={}).status_code == 400
    env = run_path(run) + f"/execution_environments/{firefox['id']}"
    pushed = api.post(env + "/test_results", json=doc(RESULT, relationships={
        "test-snapshot": {"data": {"type": "test-snapshots", "id": int(tests[0]["id"])}}}))
    assert pushed.status_code == 201
    current = api.get(env + "/builds/current").json()["data"]
    assert current["attributes"]["execution-environment-id"] == int(firefox["id"])
    second = api.post(env + "/builds", json={}).json()["data"]
    r = _push(api, run, tests[1]["id"], relationships={
        "execution-environment": {"data": {"type": "execution-environment", "id": firefox["id"]}}})
    assert r.json()["data"]["relationships"]["build"]["data"]["id"] == second["id"]
    # a build of one environment pushed with another environment is refused
    r = _push(api, run, tests[2]["id"], relationships={
        "build": {"data": {"type": "builds", "id": second["id"]}},
        "execution-environment": {"data": {"type": "execution-environments", "id": default_id}}})
    assert r.status_code == 422
    assert [b["id"] for b in api.get(env + "/builds").json()["data"]] == [current["id"], second["id"]]
    history = api.get(run_path(run) + "/build_history").json()["data"]
    assert {h["platform"] for h in history} == {"Firefox"}
    renamed = api.patch(env, json=doc({"name": "Chrome"}, type_="execution-environments", id_=firefox["id"]))
    assert renamed.json()["data"]["attributes"]["name"] == "Chrome"
    assert api.patch(env, json=doc({"name": "Default"})).status_code == 422
    assert api.delete(env).json() == {"data": {}}
    only = run_path(run) + f"/execution_environments/{default_id}"
    assert api.delete(only).status_code == 422
    assert api.get(run_path(run) + "/builds").status_code == 200
    assert statuses(api, run)["passed"] == 0  # the deleted environment took its results with it


def test_tests_show_delete_and_folder_snapshots(api):
    run = _new_run(api)
    tests = snapshots(api, run)
    r = api.get(run_path(run) + f"/test_snapshots/{tests[0]['id']}?include=scenario,dataset")
    body = r.json()
    assert body["data"]["relationships"]["scenario"] == {"data": {"type": "scenarios", "id": "710001"}}
    assert body["data"]["relationships"]["dataset"] == {"data": None}
    assert body["included"][0]["attributes"]["name"] == "Withdraw cash from an account in credit"
    folders = api.get(run_path(run) + "/folder_snapshots").json()["data"]
    leaf = next(f for f in folders if f["attributes"]["name"] == "Withdraw cash")
    assert leaf["attributes"]["statuses"]["undefined_count"] == 3
    _push(api, run, tests[0]["id"])
    shown = api.get(run_path(run) + f"/folder_snapshots/{leaf['id']}?include=folder,test-snapshots").json()
    assert shown["data"]["attributes"]["statuses"]["passed_count"] == 1
    assert len(shown["data"]["relationships"]["test-snapshots"]["data"]) == 3
    assert {i["type"] for i in shown["included"]} == {"folders", "test-snapshots"}
    root = next(f for f in folders if f["attributes"]["parent-id"] is None)
    children = api.get(run_path(run) + f"/folder_snapshots/{root['id']}?include=children").json()
    assert children["data"]["relationships"]["children"]["data"] == [{"type": "folder-snapshots", "id": leaf["id"]}]
    assert api.delete(run_path(run) + f"/test_snapshots/{tests[2]['id']}").json() == {"data": {}}
    assert len(snapshots(api, run)) == 2
    assert api.get(run_path(run) + f"/test_snapshots/{tests[2]['id']}").status_code == 404
    assert api.get(run_path(run) + "/folder_snapshots/99999").status_code == 404


def test_put_updates_a_result_like_the_docs_curl_example(api):
    run = _new_run(api, [710001])
    test = snapshots(api, run)[0]
    result = _push(api, run, test["id"]).json()["data"]
    r = api.put(run_path(run) + f"/test_snapshots/{test['id']}/test_results/{result['id']}",
                json=doc({"status": "retest", "status-author": "Jenkins", "description": "Automated jenkins job"},
                         type_="test-results", id_=int(result["id"])))
    assert r.status_code == 200 and r.json()["data"]["attributes"]["status"] == "retest"
    assert statuses(api, run)["retest"] == 1


def test_a_resource_without_its_data_wrapper_is_taken_as_the_docs_curl_sends_it(api):
    run = _new_run(api, [710001])
    test = snapshots(api, run)[0]
    build = api.post(run_path(run) + "/builds", json={}).json()["data"]
    r = api.post(run_path(run) + f"/test_snapshots/{test['id']}/test_results", json={
        "type": "test-results",
        "attributes": {"status": "passed", "status-author": "Harry", "description": "All was well"},
        "relationships": {"build": {"data": {"type": "build", "id": int(build["id"])}}}})
    assert r.status_code == 201
    assert r.json()["data"]["relationships"]["build"]["data"]["id"] == build["id"]
    r = api.post(run_path(run) + f"/test_snapshots/{test['id']}/test_results", json={"status": "passed"})
    assert r.status_code == 400


def test_deleting_an_environment_drops_its_results_from_the_run(api):
    before = statuses(api)
    env = api.post(run_path() + "/execution_environments", json=doc({"name": "Safari"})).json()["data"]
    test = snapshots(api)[0]
    r = api.post(run_path() + f"/test_snapshots/{test['id']}/test_results", json=doc(
        {"status": "blocked", "status-author": "CI", "description": "x"},
        relationships={"execution-environment": {"data": {"type": "execution-environments", "id": env["id"]}}}))
    assert r.status_code == 201
    assert statuses(api)["blocked"] == before["blocked"] + 1
    assert api.delete(run_path() + f"/execution_environments/{env['id']}").status_code == 200
    assert statuses(api) == before
    result = r.json()["data"]["id"]
    assert api.get(run_path() + f"/test_snapshots/{test['id']}/test_results/{result}/attachments").status_code == 404
