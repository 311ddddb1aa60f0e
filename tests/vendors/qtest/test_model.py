"""qTest's domain rules as plain functions (mockserver/vendors/qtest/model): a record and a time in,
a phase or status out. No server, no HTTP."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from mockserver.core.state import State
from mockserver.vendors.qtest.model import agent_query, dates, hosts, jobs, options, queue
from mockserver.vendors.qtest.model.options import DEFAULT_TRANSITIONS

T0 = datetime(2015, 4, 8, 3, 1, 48, tzinfo=timezone.utc)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


# -- dates --------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("2015-04-08T03:01:48+0000", T0),
    ("2015-04-08T10:01:48+07:00", T0),
    ("2015-04-07T23:01:48-0400", T0),
    ("2015-04-08T03:01:48Z", T0),
    ("2015-04-08T03:01:48", T0),  # the doc's own sample sends no offset: UTC
    ("2015-04-08T03:01:48.5Z", T0 + timedelta(milliseconds=500)),
])
def test_dates_parse_every_form_to_utc(text, expected):
    assert dates.parse(text) == expected


@pytest.mark.parametrize("text", ["2015-13-01T00:00:00Z", "tomorrow", "", "9999-12-31T23:59:59-0100", None])
def test_dates_refuse_what_is_no_instant(text):
    with pytest.raises(ValueError):
        dates.parse(text)


def test_dates_are_emitted_in_qtests_form():
    assert dates.fmt(dates.parse("2015-04-08T10:01:48+07:00")) == "2015-04-08T03:01:48+00:00"
    assert dates.fmt(None) is None


@pytest.mark.parametrize("value", [
    datetime(2024, 2, 9, 8, 5, 3, 999999, tzinfo=timezone.utc),
    datetime(2024, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=2))),  # the day before in UTC
    datetime(1000, 1, 1, tzinfo=timezone.utc), datetime(999, 12, 31, 23, 59, 59, tzinfo=timezone.utc),
    datetime(1, 1, 1, tzinfo=timezone.utc), datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone.utc),
])
def test_dates_are_written_as_strftime_writes_them(value):
    assert dates.fmt(value) == value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def test_a_parsed_date_is_the_same_each_time_and_a_bad_one_is_refused_each_time():
    assert dates.parse("2015-04-08T10:01:48+07:00") is dates.parse("2015-04-08T10:01:48+07:00")
    for _ in range(2):
        with pytest.raises(ValueError):
            dates.parse("2015-13-08T10:01:48Z")
        with pytest.raises(ValueError):
            dates.parse(["2015-04-08T10:01:48Z"])  # (not a string: refused, never a TypeError)
    assert dates.epoch_ms(T0) == 1428462108000


# -- hosts: online while the last ping is younger than the window --------------------------------
HOST = {"host_server_id": 48, "host_name": "h", "ip_address": "1", "mac_address": "m", "host_guid": "G"}


def test_a_host_never_pinged_is_offline_without_expiry():
    shown = hosts.render({**HOST, "last_ping": None}, at(0), 1800)
    assert shown["status"] is False
    assert shown["status_expired_time"] is None


@pytest.mark.parametrize("seconds_after_ping, online", [(0, True), (1799, True), (1800, False), (5000, False)])
def test_a_host_is_online_until_the_window_closes(seconds_after_ping, online):
    host = {**HOST, "last_ping": dates.stored(T0)}
    shown = hosts.render(host, at(seconds_after_ping), 1800)
    assert shown["status"] is online
    assert shown["status_expired_time"] == dates.epoch_ms(at(1800))


def test_hosts_are_found_by_guid_in_any_case():
    state = State("qtest")
    state.insert("hosts", {**HOST, "host_guid": "9CA1C201-EE4D"}, id_field="host_server_id")
    assert hosts.by_guid(state, "9ca1c201-ee4d")["host_server_id"] == 48
    assert hosts.by_guid(state, "other") is None


# -- jobs: the status machine and the retrieval window -------------------------------------------
@pytest.mark.parametrize("current, target, allowed", [
    ("PLANNED", "RUNNING", True),
    ("PLANNED", "NOT_RUN", True),
    ("PLANNED", "COMPLETED", True),  # the doc's own sample
    ("NOT_RUN", "PLANNED", False),
    ("RUNNING", "COMPLETED", True),
    ("RUNNING", "PLANNED", False),
    ("COMPLETED", "RUNNING", False),
    ("COMPLETED", "COMPLETED", True),  # staying put is a no-op, never refused
])
def test_the_default_status_machine(current, target, allowed):
    assert jobs.may_move(current, target, DEFAULT_TRANSITIONS) is allowed


def test_a_configured_status_machine_replaces_the_default():
    transitions = {"PLANNED": ["COMPLETED"], "COMPLETED": ["PLANNED"]}
    assert jobs.may_move("PLANNED", "COMPLETED", transitions)
    assert jobs.may_move("COMPLETED", "PLANNED", transitions)
    assert not jobs.may_move("PLANNED", "RUNNING", transitions)
    assert not jobs.may_move("RUNNING", "FAILED", transitions)  # a state the machine does not name


def test_the_docs_spelling_of_not_run_is_the_sdks_enum():
    assert jobs.canonical_status("NOT RUN") == "NOT_RUN"
    assert jobs.canonical_status("RUNNING") == "RUNNING"


def _job_world() -> State:
    state = State("qtest")
    state.insert("agents", {"agent_server_id": 1, "host_id": 86, "active": True, "agent_client_id": "5"},
                 id_field="agent_server_id")
    state.insert("agents", {"agent_server_id": 2, "host_id": 86, "active": False, "agent_client_id": "6"},
                 id_field="agent_server_id")
    state.insert("test_runs", {"id": 6691, "project_id": 356, "test_case_id": 1, "test_case_name": "t",
                               "test_case_version_id": 2, "automation_content": "groovy.GebLogin"})
    rows = [(647, 1, "PLANNED", 0), (648, 1, "NOT_RUN", 3600), (649, 1, "RUNNING", 60), (650, 2, "PLANNED", 0),
            (651, 1, "PLANNED", 7200)]
    for job_id, agent, status, offset in rows:
        state.insert("jobs", {"job_id": job_id, "schedule_id": 245, "project_id": 356, "agent_server_id": agent,
                              "client_id": None, "status": status, "start_date": dates.stored(at(offset)),
                              "test_run_ids": [6691]}, id_field="job_id")
    return state


def test_a_host_takes_retrievable_jobs_of_its_active_agents_due_in_the_window():
    state = _job_world()
    due = jobs.due_for_host(state, 86, None, at(7200))
    # 649 is RUNNING, 650's agent is inactive, 651 is due exactly at the (exclusive) end
    assert [j["job_id"] for j in due] == [647, 648]
    assert [j["job_id"] for j in jobs.due_for_host(state, 86, at(1), at(9000))] == [648, 651]
    assert jobs.due_for_host(state, 99, None, at(9000)) == []


def test_a_job_renders_with_its_agent_and_materials():
    state = _job_world()
    shown = jobs.render(state, state.get("jobs", 647), 2)
    assert shown["client_id"] == 2  # the default, as the job names none
    assert shown["host_server_id"] == 86
    assert shown["agent_id"] == 5
    assert shown["start_date"] == "2015-04-08T03:01:48+00:00"
    assert [m["automation_content"] for m in shown["automation_materials"]] == ["groovy.GebLogin"]


# -- queue: IN_WAITING -> IN_PROCESSING -> SUCCESS | FAILED on the mock clock ------------------------
def _item(problem=None) -> dict:
    return {"id": 7, "submitted_at": dates.stored(T0), "problem": problem, "test_cycle_id": 1001, "log_ids": [1, 2]}


@pytest.mark.parametrize("seconds, phase", [
    (0, "IN_WAITING"), (1.9, "IN_WAITING"), (2, "IN_PROCESSING"), (6.9, "IN_PROCESSING"),
    (7, "SUCCESS"), (99, "SUCCESS"),
])
def test_an_upload_moves_through_the_queue_with_time(seconds, phase):
    assert queue.state_at(_item(), at(seconds), 2, 5) == phase


def test_a_rejected_upload_ends_failed_with_its_reason():
    item = _item(problem="Test cycle 'x' does not exist in this project")
    assert queue.state_at(item, at(6), 2, 5) == "IN_PROCESSING"
    shown = queue.render(item, at(7), 2, 5)
    assert shown["state"] == "FAILED"
    assert json.loads(shown["content"]) == {"message": "Test cycle 'x' does not exist in this project"}


def test_a_processed_upload_names_its_cycle_and_logs():
    assert json.loads(queue.render(_item(), at(7), 2, 5)["content"]) == {"test_cycle": 1001, "test_logs": [1, 2]}
    assert queue.render(_item(), at(1), 2, 5)["content"] == ""


def _log(**changes) -> dict:
    return {"status": "PASSED", "exe_start_date": "2015-04-08T03:01:48+00:00",
            "exe_end_date": "2015-04-08T03:02:48+00:00", **changes}


def test_why_a_well_formed_batch_is_rejected():
    statuses = ["PASSED", "FAILED"]
    assert queue.problem_with([_log(status="passed")], None, statuses) is None
    missing = "Test cycle 'CL-9' does not exist in this project"
    assert queue.problem_with([], missing, statuses) == missing
    assert queue.problem_with([_log(), _log(status="WEIRD")], None, statuses) == \
        "test_logs[1]: status 'WEIRD' is not an automation status of this project"
    late = _log(exe_end_date="2015-04-08T03:00:00+00:00")
    assert queue.problem_with([late], None, statuses) == "test_logs[0]: exe_end_date is before exe_start_date"


def test_a_finished_suite_batch_reports_what_the_jenkins_plugin_reads():
    item = {"id": 1, "submitted_at": "2015-04-08T03:00:00+00:00", "problem": None, "log_ids": [4, 5],
            "test_cycle_id": None, "test_suite_id": 2001, "test_suite_name": "Geb suite"}
    shown = queue.render(item, dates.parse("2015-04-08T04:00:00Z"), 2, 5)
    assert shown["state"] == "SUCCESS"
    assert json.loads(shown["content"]) == {"test_suite": 2001, "test_logs": [4, 5], "testSuiteId": 2001,
                                            "testSuiteName": "Geb suite", "totalTestLogs": 2}


def test_a_batch_finds_its_cycle_by_id_or_pid_within_the_project():
    state = State("qtest")
    state.insert("test_cycles", {"id": 1001, "project_id": 356, "pid": "CL-1", "name": "n"})
    state.insert("test_cycles", {"id": 1002, "project_id": 10, "pid": "CL-2", "name": "s"})
    assert queue.find_cycle(state, 356, 1001)["id"] == 1001
    assert queue.find_cycle(state, 356, " cl-1 ")["id"] == 1001
    assert queue.find_cycle(state, 356, "1001")["id"] == 1001
    assert queue.find_cycle(state, 356, 1002) is None  # another project's cycle
    assert queue.find_cycle(state, 356, "CL-9") is None


# -- options: fixture settings, then vendor options, over the defaults ------------------------------
def test_vendor_options_win_over_fixture_settings_over_defaults():
    state = State("qtest")
    state.extra["settings"] = {"client_id": 5, "queue_waiting_seconds": 9}
    merged = options.of(state, {"client_id": 7, "scope": None})
    assert merged["client_id"] == 7
    assert merged["queue_waiting_seconds"] == 9
    assert merged["scope"] == options.DEFAULTS["scope"]  # None is no value
    assert merged["job_transitions"] == DEFAULT_TRANSITIONS
    merged["job_transitions"]["COMPLETED"].append("RUNNING")
    assert "RUNNING" not in DEFAULT_TRANSITIONS["COMPLETED"]  # each tenant gets its own copy


# -- agent search queries --------------------------------------------------------------------------
AGENT = {"name": "AGENT 1", "framework": "testNG", "host_name": "h", "agent_server_id": 144, "project_id": 10,
         "host_id": 83, "active": False}


@pytest.mark.parametrize("query, matches", [
    ("", True), ("'name' ~ 'agent'", True), ("name = 'agent 1'", True), ("'id' > 144", False),
    ("'id' > 200 or 'id' = 144 and 'active' = 'inactive'", True),   # and binds tighter than or
    ("'id' = 144 and 'active' = 'active' or 'id' > 200", False),
    ("'name' ~ 'a and b'", False),   # and/or inside quotes are no joins
    ("'framework' is empty", False),
])
def test_agent_queries(query, matches):
    assert agent_query.compile_query(query)(AGENT) is matches


@pytest.mark.parametrize("query", ["'name' > 'a'", "'active' = 'yes'", "'id' = x", "'size' = 1", "= 1"])
def test_agent_queries_refused(query):
    with pytest.raises(agent_query.QueryError):
        agent_query.compile_query(query)
