"""Unit tests of Hiptest's model: records and times in, phases and statuses out (no HTTP)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from mockserver.core.state import State
from mockserver.vendors.hiptest.model import backups, library, ratelimit, records, runs

AT = "2024-03-01T12:00:00.000Z"


def _world() -> State:
    """One project, a root folder with one scenario calling an action word, and a second scenario."""
    state = State("hiptest")
    state.insert("projects", {"id": 1, "name": "Cash"})
    state.insert("folders", {"id": 10, "project_id": 1, "parent_id": None, "name": "Cash"})
    state.insert("folders", {"id": 11, "project_id": 1, "parent_id": 10, "name": "Payments"})
    state.insert("actionwords", {"id": 30, "project_id": 1, "name": "log in",
                                 "definition": "actionword 'log in' do\n  step {action: \"open\"}\n"
                                               "  step {result: \"logged\"}\nend\n"})
    state.insert("scenarios", {"id": 20, "project_id": 1, "folder_id": 11, "name": "Pay",
                               "definition": "scenario 'Pay' do\n  call given 'log in'\n"
                                             "  step {action: \"pay\"}\nend\n"})
    state.insert("scenarios", {"id": 21, "project_id": 1, "folder_id": 10, "name": "Refund",
                               "definition": "scenario 'Refund' do\nend\n"})
    return state


def _run(state: State) -> dict:
    run = runs.create_run(state, 1, {"name": "Sprint"}, AT, "demo")
    runs.generate(state, run, [20, 21], AT, "demo")
    return run


# -- test runs: generation and synchronisation phases ------------------------------------------
def test_a_run_generates_until_its_deadline_then_is_ready():
    run = {"generating_until": 1000.0}
    assert runs.generating(run, 999.9) is True
    assert runs.generating(run, 1000.0) is False
    assert runs.generating({}, 0.0) is False  # a run from the fixtures was never generating


def test_a_synchronisation_runs_for_its_window():
    run = {"synchronizing_until": 50.0}
    assert runs.synchronizing(run, 49.0) is True
    assert runs.synchronizing(run, 50.0) is False


@pytest.mark.parametrize("override, setting, seconds", [
    (None, 0, 0.0),      # nothing set: tests are there at once
    (None, 7, 7.0),      # the option
    (3, 7, 3.0),         # the control API's switch wins over the option
    (0, 7, 0.0),         # ... also when it switches generation off
    (None, True, 0.0),   # a boolean is no duration
    (-2, 7, 0.0),        # nor a negative one
])
def test_generation_seconds(override, setting, seconds):
    assert runs.generation_seconds(override, setting) == seconds


# -- test runs: statuses from results ------------------------------------------------------------
def test_unknown_statuses_are_stored_as_undefined():
    assert runs.normalize_status("passed") == "passed"
    assert runs.normalize_status("PASSED") == "undefined"
    assert runs.normalize_status(None) == "undefined"


def test_a_run_has_one_test_per_scenario_and_counts_them_by_last_result():
    state = _world()
    run = _run(state)
    tests = runs.run_snapshots(state, run["id"])
    assert [t["scenario_id"] for t in tests] == [20, 21]
    assert runs.run_statuses(state, run)["undefined"] == 2
    runs.add_result(state, run, tests[0], {"status": "failed"}, None, AT, "demo")
    runs.add_result(state, run, tests[0], {"status": "passed"}, None, AT, "demo")
    counts = runs.run_statuses(state, run)
    assert (counts["passed"], counts["failed"], counts["undefined"]) == (1, 0, 1)
    assert runs.current_status(state, tests[0]) == "passed"


def test_action_word_calls_expand_into_test_steps():
    state = _world()
    run = _run(state)
    pay = runs.run_snapshots(state, run["id"])[0]
    assert pay["definition_json"]["steps"] == [{"action": "open"}, {"result": "logged"}, {"action": "pay"}]
    assert pay["spans"] == [2, 1]
    # one status per scenario step spreads over the steps the call expanded to
    assert runs.expand_step_statuses(pay, ["passed", "failed"]) == ["passed", "passed", "failed"]
    assert runs.expand_step_statuses(pay, ["passed"]) == ["passed", "passed", "undefined"]


def test_pass_rate_looks_at_the_last_ten_decisive_results():
    state = _world()
    run = _run(state)
    test = runs.run_snapshots(state, run["id"])[1]
    assert runs.pass_rate(state, test) == ""
    for status in ["failed"] * 5 + ["passed"] * 9 + ["skipped"]:
        runs.add_result(state, run, test, {"status": status}, None, AT, "demo")
    assert runs.pass_rate(state, test) == "90"  # 9 passed of the last 10 passed/failed/blocked; skipped ignored


def test_synchronize_drops_the_tests_of_deleted_scenarios():
    state = _world()
    run = _run(state)
    state.delete("scenarios", 21)
    assert runs.sync_details(state, run)["deleted_tests_snapshots"] == [runs.run_snapshots(state, run["id"])[1]["id"]]
    runs.synchronize(state, run, AT, "demo")
    assert [t["scenario_id"] for t in runs.run_snapshots(state, run["id"])] == [20]


# -- rate limit ------------------------------------------------------------------------------------
@pytest.mark.parametrize("override, setting, limit", [
    (None, None, None), (None, True, 200), (None, 50, 50), (None, 0, None),
    (10, 200, 10), (0, 200, None),
])
def test_effective_limit(override, setting, limit):
    assert ratelimit.effective_limit(override, setting) == limit


def test_the_window_refuses_the_hit_over_the_limit_until_the_oldest_ages_out():
    windows = ratelimit.Windows()
    assert windows.hit(("t",), 100.0, 2) is None
    assert windows.hit(("t",), 110.0, 2) is None
    assert windows.hit(("t",), 130.0, 2) == pytest.approx(30.0)  # the hit at 100 frees its slot at 160
    assert windows.hit(("t",), 160.5, 2) is None
    assert windows.hit(("other",), 160.6, 1) is None  # each client address has its own window


# -- backups ---------------------------------------------------------------------------------------
def test_a_backup_is_visible_once_done_and_flags_a_newer_one_in_progress():
    state = _world()
    first = backups.start(state, 1, 1000.0, "20240301")
    assert backups.running(state, 1000.0) is True
    assert backups.last_view(state, 1, 1000.0 + backups.BACKUP_SECONDS - 1, "") is None
    done = 1000.0 + backups.BACKUP_SECONDS
    view = backups.last_view(state, 1, done, "http://mock")
    assert (view["id"], view["new_backup_in_progress"]) == (first["id"], False)
    assert view["file_name"] == "project_1_20240301.zip"
    assert view["updated_at"] == datetime.fromtimestamp(done, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    assert backups.running(state, done) is False
    backups.start(state, 1, done + 1, "20240301")
    assert backups.last_view(state, 1, done + 2, "")["new_backup_in_progress"] is True


# -- library ---------------------------------------------------------------------------------------
def test_deleting_a_folder_takes_its_subtree_scenarios_and_tags():
    state = _world()
    state.insert("tags", {"id": 1, "owner_type": "scenarios", "owner_id": 20, "key": "k", "value": ""})
    library.delete_folder(state, state.get("folders", 11))
    assert state.get("folders", 11) is None and state.get("scenarios", 20) is None
    assert state.get("tags", 1) is None
    assert state.get("scenarios", 21) is not None  # the root's own scenario stays


def test_renaming_rewrites_the_definition_head_and_a_definition_renames():
    record = {"name": "Pay", "definition": "scenario 'Pay' do\n  step {action: \"pay\"}\nend\n"}
    library.apply_definition(record, {"name": "Pay it's"}, "scenario")
    assert record["name"] == "Pay it's"
    assert record["definition"] == "scenario 'Pay it\\'s' do\n  step {action: \"pay\"}\nend\n"
    library.apply_definition(record, {"definition": "scenario 'Other' do\nend\n"}, "scenario")
    assert record["name"] == "Other"


def test_parameter_names_become_identifiers():
    assert library.normalize_parameter("  Total Amount (EUR) ") == "total_amount_eur"
    assert library.normalize_parameter("!!") == ""


def test_tagged_matches_key_and_optional_value():
    state = _world()
    state.insert("tags", {"id": 1, "owner_type": "scenarios", "owner_id": 20, "key": "priority", "value": "high"})
    state.insert("tags", {"id": 2, "owner_type": "scenarios", "owner_id": 21, "key": "priority", "value": "low"})
    assert [s["id"] for s in library.tagged(state, "scenarios", 1, "priority", None)] == [20, 21]
    assert [s["id"] for s in library.tagged(state, "scenarios", 1, "priority", "low")] == [21]


# -- records ---------------------------------------------------------------------------------------
def test_stamp_and_scoped_lookup():
    assert records.stamp(datetime(2017, 11, 28, 11, 5, 55, 806999)) == "2017-11-28T11:05:55.806Z"
    state = _world()
    assert records.scoped(state, "scenarios", 20, project_id=1)["name"] == "Pay"
    assert records.scoped(state, "scenarios", 20, project_id=2) is None
