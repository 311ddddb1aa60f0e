"""The Sipfront model without HTTP: a record and a time in, a phase, a row or a refusal out."""

from __future__ import annotations

import pickle
import uuid
from datetime import datetime, timedelta, timezone

import orjson
import pytest

from mockserver.core import tracked
from mockserver.core.bodies import schema_of
from mockserver.core.errors import VendorError
from mockserver.core.state import State
from mockserver.vendors.sipfront import model
from mockserver.vendors.sipfront.schemas import TIME_FORMAT, RunOut

T0 = datetime(2030, 1, 1, tzinfo=timezone.utc)


def world() -> State:
    """Project 1 with a passing 60 s test (1) and a failing 30 s test (2)."""
    state = State("sipfront")
    state.insert("projects", {"id": 1, "name": "trunk"})
    for test_id, duration, outcome, why in ((1, 60, "passed", ""), (2, 30, "failed", "No RTP received")):
        state.insert("tests", {
            "id": test_id, "name": f"test-{test_id}", "project_id": 1, "testcase_name": "SIP Call",
            "tags": ["media"], "agentpool_name": "eu-central-1", "duration_seconds": duration,
            "outcome": outcome, "result_description": why, "parameters": {"step.1.0.dial_destination": "4399"},
        })
    return state


def session(state: State, test_id: int, start: datetime = T0) -> dict:
    return model.new_session(state, state.get("tests", test_id), start, {}, "full")


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


# -- one session -----------------------------------------------------------------------------

def test_a_session_is_pending_then_running_then_its_outcome():
    state = world()
    passing, failing = session(state, 1), session(state, 2)
    assert model.phase(passing, at(-1)) == "pending"
    assert model.phase(passing, at(0)) == "running"
    assert model.phase(passing, at(59)) == "running"
    assert model.phase(passing, at(60)) == "passed"
    assert model.phase(failing, at(29)) == "running"
    assert model.phase(failing, at(30)) == "failed"


def test_next_change_is_the_start_then_the_end_then_never():
    run = session(world(), 1)
    assert model.next_change(run, at(-5)) == at(0)
    assert model.next_change(run, at(10)) == at(60)
    assert model.next_change(run, at(60)) is None


def test_settles_at_is_the_first_change_of_any_run():
    state = world()
    session(state, 1), session(state, 2, at(100))
    assert model.settles_at(state, at(10)) == at(60)
    assert model.settles_at(state, at(70)) == at(100)
    assert model.settles_at(state, at(130)) is None
    session(state, 1, at(200))  # a new run counts at once
    assert model.settles_at(state, at(130)) == at(200)


def test_settles_at_follows_a_stopped_project_run_and_a_rolled_back_request():
    state = world()
    model.start_project_run(state, state.get("projects", 1), [1, 2], at(0), "full")  # 1 runs 0..60, then 2
    state.seal()  # tracked, as a served world is
    assert model.settles_at(state, at(10)) == at(60)
    log = tracked.begin()
    session(state, 1, at(20))
    assert model.settles_at(state, at(10)) == at(20)
    tracked.end(log, keep=False)
    assert model.settles_at(state, at(10)) == at(60)
    model.stop_project_run(state, model.find_project_run(state, state.ordered("project_runs")[0]["uuid"], at(30)),
                           at(30))  # test 1 ends at 30, test 2 never starts
    assert model.settles_at(state, at(10)) == at(30) and model.settles_at(state, at(30)) is None


def test_a_running_session_row_has_no_verdict_yet():
    state = world()
    run = session(state, 2)
    row = model.run_row(state, run, at(10))
    assert (row["session_status"], row["is_finished"], row["is_failed"], row["has_passed"]) == ("running", 0, 0, 0)
    assert row["stopped_at"] is None and row["result_description"] == ""
    done = model.run_row(state, run, at(30))
    assert (done["session_status"], done["is_finished"], done["is_failed"]) == ("failed", 1, 1)
    assert done["stopped_at"] == "2030-01-01 00:00:30"
    assert done["result_description"] == "No RTP received"
    assert done["tags"] == '["media"]' and done["project_name"] == "trunk"


def test_a_row_is_run_outs_wire_shape_as_it_is():
    """The runs list answers run_row's rows without dumping them through RunOut: each row already holds
    RunOut's fields, in its order, with the values its dump would write."""
    state = world()
    passing, failing = session(state, 1), session(state, 2)
    prun = model.start_project_run(state, state.get("projects", 1), [1, 2], at(100), "full")
    model.stop_project_run(state, prun, at(130))  # the running test is stored again, cut to 30 s
    [cut] = model.sessions_of(state, prun)
    rows = [model.run_row(state, run, when) for run in (passing, failing, cut) for when in (at(10), at(200))]
    assert {row["session_status"] for row in rows} == {"pending", "running", "passed", "failed"}
    for row in rows:
        dumped = schema_of(RunOut).dump(row)
        assert list(row.items()) == list(dumped.items())
        assert [type(v) for v in row.values()] == [type(v) for v in dumped.values()]
    assert list(rows[0]) == list(RunOut().dump_fields)
    # the cut run ends when it was stopped, though its start and first length were read before
    assert (rows[-1]["session_status"], rows[-1]["stopped_at"]) == ("failed", "2030-01-01 00:02:10")



def test_kept_rows_are_the_rows_run_row_writes_until_what_they_show_changes():
    """The runs list's rows are written once per run and phase: a run added keeps the others' rows, a run stored
    again (changed in place) or a test stored again is written anew, and a row of another world is not seen."""
    state = world()
    failing = session(state, 2)
    first = model.run_rows(state, [failing], at(100))
    assert first == [model.run_row(state, failing, at(100))]
    passing = session(state, 1)  # added: the row kept before stays (the same object)
    again = model.run_rows(state, [failing, passing], at(100))
    assert again[0] is first[0] and again[1] == model.run_row(state, passing, at(100))
    failing["result_description"] = "Busy"  # in place, then stored again: what changes a stored run
    state.insert("runs", failing)
    assert model.run_rows(state, [failing], at(100))[0]["result_description"] == "Busy"
    test = state.get("tests", 2)
    state.insert("tests", {**test, "name": "renamed"})
    assert model.run_rows(state, [failing], at(100))[0]["test_name"] == "renamed"
    other = world()
    twin = session(other, 1)  # the same id in another world, another test
    assert model.run_rows(other, [twin], at(100))[0]["test_id"] == 1
    encoded = model.run_rows(state, [failing, passing], at(100), encoded=True)
    assert [orjson.loads(orjson.dumps(row)) for row in encoded] == model.run_rows(state, [failing, passing], at(100))
    # a snapshot pickles the world but never its scratch: the kept rows are written again on use
    copy = pickle.loads(pickle.dumps(state))
    assert copy.scratch == {} and len(state.scratch["sipfront_rows"][1]) == 2
    assert model.run_rows(copy, [copy.get("runs", failing["id"])], at(100)) == [model.run_row(state, failing, at(100))]


@pytest.mark.parametrize("when", [
    datetime(2024, 2, 9, 8, 20, 18, 999999, tzinfo=timezone.utc), datetime(1, 1, 1, tzinfo=timezone.utc),
    datetime(999, 12, 31, 23, 59, 59, tzinfo=timezone.utc), datetime(1000, 1, 1, tzinfo=timezone.utc),
    datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone.utc),
    datetime(2030, 6, 1, 2, 3, 4, tzinfo=timezone(timedelta(hours=5, minutes=30))),
])
def test_a_time_is_written_as_strftime_writes_it(when):
    assert model.format_time(when) == when.astimezone(timezone.utc).strftime(TIME_FORMAT)


@pytest.mark.parametrize("text", ["2024-02-09 08:20:18", "2024-2-9 8:20:18", "0999-01-01 00:00:00",
                                  "9999-12-31 23:59:59", "２０２４-02-09 08:20:18"])
def test_a_stored_time_is_read_as_strptime_reads_it(text):
    expected = datetime.strptime(text, TIME_FORMAT).replace(tzinfo=timezone.utc)
    found = model.parse_time(text)
    assert (found, found.tzinfo) == (expected, timezone.utc)


def test_session_ids_are_the_tokens_as_version_4_uuids():
    tokens, ids = State("sipfront"), State("sipfront")
    for _ in range(500):  # every value of the variant's nibble comes up
        assert model.session_uuid(ids) == str(uuid.UUID(hex=tokens.next_token("session", 32), version=4))


def test_overrides_change_only_that_sessions_parameters():
    state = world()
    run = model.new_session(state, state.get("tests", 1), T0, {"step.1.0.dial_destination": 4300}, "kiosk")
    assert run["parameters"] == {"step.1.0.dial_destination": "4300"}
    assert state.get("tests", 1)["parameters"] == {"step.1.0.dial_destination": "4399"}
    assert run["report_mode"] == "kiosk"


def test_find_session_by_uuid_or_numeric_id_once_started():
    state = world()
    run = session(state, 1, at(10))
    assert model.find_session(state, run["session_id"], at(5)) is None
    assert model.find_session(state, run["session_id"], at(10)) is run
    assert model.find_session(state, str(run["id"]), at(10)) is run
    assert model.find_session(state, "²", at(10)) is None


def test_sessions_of_test_are_the_started_ones_oldest_first():
    state = world()
    later, earlier, future = session(state, 1, at(50)), session(state, 1, at(0)), session(state, 1, at(500))
    session(state, 2)
    assert [r["id"] for r in model.sessions_of_test(state, 1, at(100))] == [earlier["id"], later["id"]]
    assert future not in model.sessions_of_test(state, 1, at(100))


def test_a_fixture_run_takes_what_it_leaves_out_from_its_test():
    state = world()
    run = model.complete_fixture_run(state, {"test_id": 1, "outcome": "passed", "result_description": "stale"})
    assert run["tags"] == ["media"] and run["agentpool_name"] == "eu-central-1"
    assert run["parameters"] == {"step.1.0.dial_destination": "4399"}
    assert run["result_description"] == ""


# -- project runs ----------------------------------------------------------------------------

def test_a_project_runs_its_tests_one_after_another():
    state = world()
    prun = model.start_project_run(state, state.get("projects", 1), [1, 2], T0, "full")
    first, second = sorted(model.sessions_of(state, prun), key=lambda r: r["id"])
    assert (first["started_at"], second["started_at"]) == ("2030-01-01 00:00:00", "2030-01-01 00:01:00")
    assert model.project_phase(state, prun, at(30)) == "running"
    assert model.project_row(state, prun, at(30))["tests_started"] == 1
    assert model.project_phase(state, prun, at(89)) == "running"
    row = model.project_row(state, prun, at(90))
    assert (row["run_status"], row["tests_started"], row["stopped_at"]) == ("failed", 2, "2030-01-01 00:01:30")


def test_a_project_of_passing_tests_passes():
    state = world()
    prun = model.start_project_run(state, state.get("projects", 1), [1], T0, "full")
    assert model.project_phase(state, prun, at(60)) == "passed"


def test_stopping_cuts_the_running_test_and_drops_the_queued_ones():
    state = world()
    prun = model.start_project_run(state, state.get("projects", 1), [1, 2], T0, "full")
    model.stop_project_run(state, prun, at(20))
    [cut] = model.sessions_of(state, prun)
    assert (cut["test_id"], cut["duration_seconds"], cut["outcome"]) == (1, 20, "failed")
    assert cut["result_description"] == "Test run stopped by user"
    assert model.project_phase(state, prun, at(19)) == "running"
    row = model.project_row(state, prun, at(20))
    assert (row["run_status"], row["stopped_at"], row["total_tests"], row["tests_started"]) == \
        ("stopped", "2030-01-01 00:00:20", 2, 1)


def test_stopping_as_a_test_ends_leaves_it_as_it_ended():
    state = world()
    prun = model.start_project_run(state, state.get("projects", 1), [1, 2], T0, "full")
    model.stop_project_run(state, prun, at(60))
    first, second = sorted(model.sessions_of(state, prun), key=lambda r: r["id"])
    assert (first["duration_seconds"], first["outcome"]) == (60, "passed")
    assert (second["duration_seconds"], second["outcome"]) == (1, "failed")  # started the moment it was stopped


def test_the_last_project_run_is_the_latest_created_by_now():
    state = world()
    project = state.get("projects", 1)
    older = model.start_project_run(state, project, [1], at(0), "full")
    newer = model.start_project_run(state, project, [2], at(100), "full")
    assert model.last_project_run(state, 1, at(50)) is older
    assert model.last_project_run(state, 1, at(100)) is newer
    assert model.last_project_run(state, 1, at(-1)) is None
    assert model.find_project_run(state, newer["uuid"], at(99)) is None


# -- the runs list ---------------------------------------------------------------------------

def query(params: dict, count: int = 5) -> dict:
    """The runs list's query over `count` sessions, its page rendered as the endpoint renders it."""
    state, now = world(), at(10_000)
    for i in range(count):
        session(state, 1 + i % 2, at(i * 100))
    found = model.query_runs(state, now, params)
    return {**found, "runs": [model.run_row(state, run, now) for run in found["runs"]]}


def test_query_pages_sorts_and_counts():
    found = query({"start": 1, "count": 2, "orderby": "started_at", "orderdir": "desc"})
    assert [r["started_at"][-8:] for r in found["runs"]] == ["00:05:00", "00:03:20"]
    assert (found["total"], found["start"], found["count"]) == (5, 1, 2)


def test_query_filters_a_numeric_column_by_its_whole_number():
    found = query({"filtername": ["is_failed"], "filterval": ["1"]})
    assert [r["test_id"] for r in found["runs"]] == [2, 2]


def test_query_refuses_unpaired_filters_and_non_numbers():
    with pytest.raises(VendorError) as unpaired:
        query({"filtername": ["id", "tags"], "filterval": ["1"]})
    assert (unpaired.value.status, unpaired.value.extra["parameter"]) == (400, "filtername")
    with pytest.raises(VendorError) as not_number:
        query({"filtername": ["id"], "filterval": ["1.5"]})
    assert not_number.value.extra["parameter"] == "filterval"


# -- media metrics ---------------------------------------------------------------------------

def test_a_session_has_no_metrics_before_it_starts_and_all_dimensions_after():
    state = world()
    run = session(state, 1, at(10))
    assert model.run_dimensions(run, at(5)) == []
    assert len(model.run_dimensions(run, at(10))) == len(model.MEASURES) * 4
    assert model.dimensions_of_test([run], at(10))[0] == {"dir": "in", "role": "callee",
                                                         "stats_measure": "rtp_byte_per_sec"}


def test_a_failed_call_degrades_from_its_middle_on():
    state = world()
    run = session(state, 2)
    run["duration_seconds"] = 35  # samples at 0, 5, ... 35: the second half starts with the fifth
    points = model.series(run, "mos", "in", "caller", at(35))
    assert len(points) == 8
    assert all(4.1 <= p["value"] <= 4.45 for p in points[:4])
    assert all(1.3 <= p["value"] <= 2.6 for p in points[4:])
    assert points == model.series(run, "mos", "in", "caller", at(35))  # seeded: the same numbers every read
    assert len(model.series(run, "mos", "in", "caller", at(12))) == 3  # while it runs: recorded so far


@pytest.mark.parametrize("column, value", [
    (None, None), ("has_passed", "1"), ("has_passed", "0"), ("is_failed", "1"), ("is_failed", "0"),
    ("is_finished", "1"), ("is_finished", "0"), ("status", "running"), ("session_status", "passed"),
    ("status", "failed"), ("status", "pending"), ("has_passed", "7"), ("test_id", "2"),
])
@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_a_page_in_id_order_cut_from_the_kept_order_and_counts_answers_as_the_full_scan(column, value, direction):
    # `startdate` 0 keeps every session but takes the path that reads every one of them
    state, now = world(), at(420)
    for i in range(12):  # every 40 s a session of 60 s (passes) or 30 s (fails): the one at 400 runs, 440 waits
        session(state, 1 + i % 2, at(i * 40))
        if i == 5:  # what is kept for the counts exists from here on, and follows the sessions added after
            model.query_runs(state, now, {"filtername": ["has_passed"], "filterval": ["1"]})
    params = {"start": 1, "count": 3, "orderdir": direction}
    if column:
        params.update(filtername=[column], filterval=[value])
    fast, full = model.query_runs(state, now, params), model.query_runs(state, now, {**params, "startdate": 0})
    assert [r["id"] for r in fast["runs"]] == [r["id"] for r in full["runs"]]
    assert fast["total"] == full["total"]
    assert full["total"] > 0 or value in ("pending", "7")  # each phase is there (the pending one is never listed)
