"""GET /runs: start/count paging, orderby/orderdir on every documented column, startdate/enddate and
repeated filtername/filterval, alone and combined, and the 400s for bad values."""

from __future__ import annotations

import itertools
import json
from datetime import datetime, timezone

import pytest
import yaml
from faker import Faker

from mockserver.vendors.sipfront.generate import generate
from tests.vendors.sipfront.helpers import API, AUTH, T0, advance, set_clock

COLUMNS = ["id", "session_id", "tags", "has_passed", "result_description", "test_id", "test_name", "project_id",
           "project_name", "started_at", "stopped_at", "agentpool_name", "is_finished", "is_failed", "testcase_name",
           "session_status"]
# the finished run of the doc (metrics page) with the session_status the official Action polls
DOC_RUN = {
    "agentpool_name": "eu-central-1", "has_passed": 1, "id": 12345, "is_failed": 0, "is_finished": 1,
    "project_id": 1, "project_name": "my-project-name", "result_description": "",
    "session_id": "bae59eae-c123-45ee-6789-6cb5e9a2b1c2", "session_status": "passed",
    "started_at": "2024-02-09 08:20:18", "status": "passed", "stopped_at": "2024-02-09 08:22:13",
    "tags": "[\"media\", \"prod\", \"validation\"]", "test_id": 123, "test_name": "your-test-name",
    "testcase_name": "Media analysis for Audio Call",
}
FIXTURE_IDS = [12345, 12346, 12347, 12348, 12349, 12350, 12351, 12352, 12353, 12354]


def runs(client, **params):
    r = client.get(f"{API}/runs", params=params, auth=AUTH)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == 200
    return body


def epoch(text):
    return int(datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc).timestamp())


def test_default_listing_is_every_session_in_id_order(sipfront):
    body = runs(sipfront)
    assert [r["id"] for r in body["runs"]] == FIXTURE_IDS
    assert (body["total"], body["start"], body["count"]) == (10, 0, 100)
    assert body["runs"][0] == DOC_RUN


def test_the_doc_status_example_answers_as_written_plus_session_status(sipfront):
    r = sipfront.get(f"{API}/runs/bae59eae-c123-45ee-6789-6cb5e9a2b1c2/status", auth=AUTH)
    assert r.status_code == 200 and r.json() == {"run": DOC_RUN, "status": 200}



def test_a_listed_row_is_the_status_answer_of_its_run(sipfront, server, control):
    """The list writes its rows as they are, the status poll dumps the same row through the response schema:
    the two agree key for key and in order, for passed and failed runs, launched ones and fixtures alike."""
    set_clock(server, control, T0)
    for test_id in (123, 124):  # 115 s and passes, 45 s and fails
        assert sipfront.post(f"{API}/tests/run", json={"id": test_id}, auth=AUTH).status_code == 200
    advance(server, control, 60)
    listed = runs(sipfront)["runs"]
    assert {row["session_status"] for row in listed} == {"passed", "failed", "running"}
    for row in listed:
        if row["session_status"] != "running":  # (a running session's poll says only that it runs)
            r = sipfront.get(f"{API}/runs/{row['session_id']}/status", auth=AUTH)
            assert list(r.json()["run"].items()) == list(row.items())


def test_start_alone(sipfront):
    body = runs(sipfront, start=7)
    assert [r["id"] for r in body["runs"]] == FIXTURE_IDS[7:]
    assert body["total"] == 10 and body["start"] == 7
    assert runs(sipfront, start=50)["runs"] == []


def test_count_alone_and_paging_to_the_end(sipfront):
    body = runs(sipfront, count=4)
    assert [r["id"] for r in body["runs"]] == FIXTURE_IDS[:4] and body["count"] == 4
    seen, start = [], 0
    while True:
        page = runs(sipfront, start=start, count=3)
        seen += [r["id"] for r in page["runs"]]
        start += 3
        if start >= page["total"]:
            break
    assert seen == FIXTURE_IDS


def test_count_defaults_to_100(sipfront, server, control):
    fake = Faker("en_US")
    fake.seed_instance(7)
    data = generate(fake, 130, lambda *a: None)
    r = control.post(f"{server.url}/_mock/fixtures", params={"vendor": "sipfront", "tenant": sipfront.tenant},
                     json=data, timeout=10)
    assert r.status_code == 200, r.text
    body = runs(sipfront)
    assert len(body["runs"]) == 100 and body["total"] == 130
    assert len(runs(sipfront, start=100)["runs"]) == 30


def _key(value):
    if value is None:
        return (0, 0, "")
    if isinstance(value, int):
        return (1, value, "")
    return (2, 0, value.lower())


@pytest.mark.parametrize("column", COLUMNS)
def test_orderby_every_column_both_directions(sipfront, server, control, column):
    set_clock(server, control, T0)
    launched = sipfront.post(f"{API}/tests/run", auth=AUTH, json={"test.name": "your-test-name"})
    assert launched.status_code == 200
    for direction, default in (("asc", False), ("desc", True)):
        rows = runs(sipfront, orderby=column, orderdir=direction)["runs"]
        values = [_key(r[column]) for r in rows]
        assert values == sorted(values, reverse=default), (column, direction)
        assert len(rows) == 11
    # orderby alone sorts ascending
    rows = runs(sipfront, orderby=column)["runs"]
    assert [_key(r[column]) for r in rows] == sorted(_key(r[column]) for r in rows)


def test_orderdir_alone_reverses_the_default_order(sipfront):
    assert [r["id"] for r in runs(sipfront, orderdir="desc")["runs"]] == FIXTURE_IDS[::-1]
    assert [r["id"] for r in runs(sipfront, orderdir="ASC")["runs"]] == FIXTURE_IDS


def test_startdate_alone_is_inclusive(sipfront):
    body = runs(sipfront, startdate=epoch("2024-03-01 12:00:00"))
    assert [r["id"] for r in body["runs"]] == [12348, 12349, 12350, 12351, 12352, 12353, 12354]
    assert body["total"] == 7


def test_enddate_alone_is_inclusive(sipfront):
    assert [r["id"] for r in runs(sipfront, enddate=epoch("2024-02-10 10:00:00"))["runs"]] == [12345, 12346, 12347]


def test_startdate_and_enddate_together(sipfront):
    body = runs(sipfront, startdate=epoch("2024-02-09 09:00:00"), enddate=epoch("2024-03-02 12:00:00"))
    assert [r["id"] for r in body["runs"]] == [12346, 12347, 12348, 12349]


def test_the_doc_two_tag_filter_example(sipfront):
    r = sipfront.get(f"{API}/runs?filtername=tags&filterval=mytag1&filtername=tags&filterval=mytag2", auth=AUTH)
    assert r.status_code == 200
    assert [row["id"] for row in r.json()["runs"]] == [12347, 12350]
    assert r.json()["total"] == 2
    tagged = runs(sipfront, filtername="tags", filterval="mytag1")["runs"]
    assert [row["id"] for row in tagged] == [12346, 12347, 12350, 12354]


def _matches(row, column, value):
    if column == "tags":
        return value in json.loads(row["tags"])
    if column in ("started_at", "stopped_at"):
        return row[column] is not None and row[column].startswith(value)
    return str(row[column]) == value


@pytest.mark.parametrize("column", COLUMNS)
def test_filter_on_every_column(sipfront, column):
    everything = runs(sipfront)["runs"]
    sample = everything[3]
    value = json.loads(sample["tags"])[0] if column == "tags" else str(sample[column])
    expected = [r["id"] for r in everything if _matches(r, column, value)]
    body = runs(sipfront, filtername=column, filterval=value)
    assert [r["id"] for r in body["runs"]] == expected and sample["id"] in expected
    assert body["total"] == len(expected)


def test_filter_typed_values(sipfront):
    failed = [12346, 12349, 12352, 12354]
    assert [r["id"] for r in runs(sipfront, filtername="is_failed", filterval="1")["runs"]] == failed
    assert [r["id"] for r in runs(sipfront, filtername="session_status", filterval="failed")["runs"]] == failed
    assert [r["id"] for r in runs(sipfront, filtername="started_at", filterval="2024-02-09")["runs"]] == [12345, 12346]
    assert runs(sipfront, filtername="project_name", filterval="no-such-project")["runs"] == []


@pytest.mark.parametrize("column, value, expected", [
    ("started_at", "2024", [12345, 12346, 12347, 12348, 12349, 12350]),
    ("started_at", "2024-02", [12345, 12346, 12347]),
    ("started_at", "2024-02-09 09", [12346]),
    ("started_at", "2024-02-09 08:20:18", [12345]),
    ("stopped_at", "2024-02-09 08:22", [12345]),
])
def test_time_filters_pick_a_year_down_to_a_second(sipfront, column, value, expected):
    assert [r["id"] for r in runs(sipfront, filtername=column, filterval=value)["runs"] if r["id"] <= 12350] == expected


def test_filters_are_anded(sipfront):
    body = runs(sipfront, filtername=["project_id", "has_passed"], filterval=["1", "0"])
    assert [r["id"] for r in body["runs"]] == [12346, 12354]


def test_everything_combined(sipfront):
    params = {"filtername": ["project_id", "is_finished"], "filterval": ["1", "1"],
              "startdate": epoch("2024-02-09 08:30:00"), "enddate": epoch("2024-03-31 00:00:00"),
              "orderby": "started_at", "orderdir": "desc", "start": 1, "count": 2}
    body = runs(sipfront, **params)
    # project 1 sessions in range, newest first: 12354, 12353, 12350, 12347, 12346
    assert [r["id"] for r in body["runs"]] == [12353, 12350]
    assert (body["total"], body["start"], body["count"]) == (5, 1, 2)


@pytest.mark.parametrize("query, parameter", [
    ("start=abc", "start"),
    ("start=%C2%B2", "start"),
    ("start=-1", "start"),
    ("count=0", "count"),
    ("count=ten", "count"),
    ("orderby=colour", "orderby"),
    ("orderdir=sideways", "orderdir"),
    ("startdate=yesterday", "startdate"),
    ("enddate=1.5", "enddate"),
    ("filtername=tags", "filtername"),
    ("filterval=mytag1", "filterval"),
    ("filtername=tags&filterval=a&filtername=id", "filtername"),
    ("filtername=colour&filterval=red", "filtername"),
    ("filtername=id&filterval=abc", "filterval"),
    ("filtername=id&filterval=%C2%B2", "filterval"),
    ("filtername=has_passed&filterval=yes", "filterval"),
    # an empty time would be a prefix of every time: no time, refused rather than matching every run
    ("filtername=started_at&filterval=", "filterval"),
    ("filtername=stopped_at&filterval=", "filterval"),
    ("filtername=started_at&filterval=2024-0", "filterval"),
    ("filtername=started_at&filterval=2024-02-09T08", "filterval"),
])
def test_bad_parameters_are_400_naming_the_parameter(sipfront, query, parameter):
    r = sipfront.get(f"{API}/runs?{query}", auth=AUTH)
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["status"] == 400 and body["parameter"] == parameter
    assert parameter in body["error"] and parameter in body["description"]


@pytest.mark.parametrize("query", ["start=99999999999999999999999", "start=9223372036854775807&orderdir=desc",
                                   "count=99999999999999999999999&orderdir=desc&filtername=has_passed&filterval=1"])
def test_a_start_or_count_beyond_any_index_is_a_page_not_a_500(sipfront, query):
    """The contract sets no maximum: a start past the end is an empty page, a count past it the rest."""
    r = sipfront.get(f"{API}/runs?{query}", auth=AUTH)
    assert r.status_code == 200, r.text
    body = r.json()
    wanted = dict(pair.split("=") for pair in query.split("&"))
    assert (body["start"], body["count"], body["total"]) == (int(wanted.get("start", 0)),
                                                            int(wanted.get("count", 100)), body["total"])
    if "start" in wanted:
        assert body["runs"] == []
    else:
        assert body["runs"] == runs(sipfront, orderdir="desc", filtername="has_passed", filterval=1)["runs"] != []


def test_rows_read_before_follow_the_clock_a_launch_a_stop_and_a_refused_launch(sipfront, server, control):
    """The list keeps the rows it wrote: a row read while its session runs is read again finished once the clock
    passes its end, a launch shows beside what was read before, a stopped project run's cut session shows cut,
    and a refused launch leaves nothing."""
    def listed():
        return {row["id"]: row for row in runs(sipfront, orderdir="desc", count=30)["runs"]}

    set_clock(server, control, T0)
    first = sipfront.post(f"{API}/tests/run", json={"id": 123}, auth=AUTH).json()["data"]  # 115 s, passes
    before = listed()
    [mine] = [row for row in before.values() if row["session_id"] == first["session_id"]]
    assert (mine["session_status"], mine["stopped_at"]) == ("running", None)
    advance(server, control, 120)
    after = listed()
    assert (after[mine["id"]]["session_status"], after[mine["id"]]["stopped_at"]) == ("passed", "2030-01-01 00:01:55")
    assert {k: v for k, v in after.items() if k != mine["id"]} == {k: v for k, v in before.items() if k != mine["id"]}

    r = sipfront.post(f"{API}/projects/run", json={"id": 1}, auth=AUTH)
    assert r.status_code == 200, r.text
    project_run = r.json()["data"]
    advance(server, control, 30)
    running = [row for row in listed().values() if row["session_status"] == "running"]
    assert len(running) == 1
    r = control.post(f"{server.url}/_mock/sipfront/project-runs/{project_run['project_run_uuid']}/stop",
                     params={"tenant": sipfront.tenant}, timeout=10)
    assert r.status_code == 200, r.text
    cut = listed()[running[0]["id"]]
    assert (cut["session_status"], cut["result_description"], cut["stopped_at"]) == (
        "failed", "Test run stopped by user", "2030-01-01 00:02:30")

    kept = listed()
    r = sipfront.post(f"{API}/tests/run", json={"test.name": "your-test-name", "step.9.9.x": "1"}, auth=AUTH)
    assert r.status_code == 400
    assert listed() == kept


def test_a_session_id_beyond_64_bits_is_listed_beside_the_others(sipfront, server, control):
    """orjson writes no integer beyond 64 bits: a page holding such an id is written whole by the json module,
    rows read before (and kept as orjson's text) included."""
    with open("mockserver/fixtures/sipfront.yaml", encoding="utf-8") as fixture:
        data = yaml.safe_load(fixture)
    data["runs"].append({**data["runs"][0], "id": 2**70, "session_id": "ffffffff-c123-45ee-6789-6cb5e9a2b1c2"})
    r = control.post(f"{server.url}/_mock/fixtures", params={"vendor": "sipfront", "tenant": sipfront.tenant},
                     json=data, timeout=10)
    assert r.status_code == 200, r.text
    before = runs(sipfront, count=3)["runs"]  # kept as text, without the big ones (the fixtures' project runs
    page = runs(sipfront)["runs"]  # number their sessions after it)
    assert page[:3] == before and [row["id"] for row in before] == FIXTURE_IDS[:3]
    assert 2**70 in [row["id"] for row in page]


def test_a_snapshot_after_a_listing_restores_the_listing(sipfront, server, control):
    """What the list keeps of its rows is no data of the tenant: a snapshot taken after a listing is taken, and
    after its restore the list reads as it did when it was taken."""
    where = {"tenant": sipfront.tenant, "vendor": "sipfront"}
    listed = runs(sipfront, orderdir="desc", filtername="has_passed", filterval=1)
    r = control.post(f"{server.url}/_mock/snapshots", params=where, json={"name": "listed"}, timeout=10)
    assert r.status_code == 201, r.text
    assert sipfront.post(f"{API}/tests/run", json={"id": 123}, auth=AUTH).status_code == 200
    advance(server, control, 3600)
    assert runs(sipfront, orderdir="desc", filtername="has_passed", filterval=1)["total"] == listed["total"] + 1
    r = control.post(f"{server.url}/_mock/snapshots/listed/restore", params=where, timeout=10)
    assert r.status_code == 200, r.text
    assert runs(sipfront, orderdir="desc", filtername="has_passed", filterval=1) == listed


PHASE_FILTERS = [{}, {"filtername": "has_passed", "filterval": 1}, {"filtername": "is_failed", "filterval": 1},
                 {"filtername": "is_finished", "filterval": 0}, {"filtername": "is_finished", "filterval": 1},
                 {"filtername": "session_status", "filterval": "running"},
                 {"filtername": "session_status", "filterval": "pending"}]
PAGES = [{"orderdir": "desc", "count": 4}, {"start": 2, "count": 3}, {"orderdir": "desc", "start": 3, "count": 5}]


_ASKED = itertools.count()


def phase_page(client, **params) -> dict:
    """A page in id order with a phase filter (cut from the phases kept per world) after checking it against the
    same page read by another way (a startdate every run passes: each run's phase looked at on the clock). A new
    query parameter each time keeps the read cache from answering: what the list keeps of its own is what is read."""
    fast = runs(client, **params, asked=next(_ASKED))
    assert fast == runs(client, **params, startdate=1, asked=next(_ASKED))
    return fast


def sessions(client, **params) -> list[str]:
    return [row["session_id"] for row in phase_page(client, orderdir="desc", count=100, **params)["runs"]]


def test_a_phase_page_follows_launches_and_the_clock_both_ways(sipfront, server, control):
    """The phases a page in id order is cut from are kept between requests: each launch joins them, and a move of
    the clock (on or back, across a session's start or end or not) is seen by the next page."""
    def launch(test_id):
        r = sipfront.post(f"{API}/tests/run", json={"id": test_id}, auth=AUTH)
        assert r.status_code == 200, r.text
        return r.json()["data"]["session_id"]

    def every_page():
        for where in PHASE_FILTERS:
            for paging in PAGES:
                phase_page(sipfront, **where, **paging)

    set_clock(server, control, T0)
    passed_before = sessions(sipfront, filtername="has_passed", filterval=1)
    every_page()
    passing = [launch(123) for _ in range(3)]  # 115 s, passes
    failing = [launch(124) for _ in range(2)]  # 45 s, fails
    assert sessions(sipfront, filtername="session_status", filterval="running") == [*failing[::-1], *passing[::-1]]
    assert sessions(sipfront, filtername="has_passed", filterval=1) == passed_before
    every_page()
    advance(server, control, 45)  # the failing ones end
    assert sessions(sipfront, filtername="is_failed", filterval=1)[:2] == failing[::-1]
    assert sessions(sipfront, filtername="session_status", filterval="running") == passing[::-1]
    late = launch(123)  # ends 160 s after T0
    assert sessions(sipfront, filtername="session_status", filterval="running") == [late, *passing[::-1]]
    every_page()
    advance(server, control, 70)  # the first passing ones end
    assert sessions(sipfront, filtername="has_passed", filterval=1) == [*passing[::-1], *passed_before]
    assert sessions(sipfront, filtername="is_finished", filterval=0) == [late]
    every_page()
    set_clock(server, control, "2030-01-01T00:00:10Z")  # back: the late one has not started, the rest run again
    assert sessions(sipfront, filtername="session_status", filterval="running") == [*failing[::-1], *passing[::-1]]
    assert late not in sessions(sipfront)
    every_page()
    r = sipfront.post(f"{API}/projects/run", json={"id": 1}, auth=AUTH)  # three sessions one after another
    assert r.status_code == 200, r.text
    queued = phase_page(sipfront, filtername="session_status", filterval="running", count=100)["total"]
    assert queued == 6  # its first session and the five above; the two queued behind it are in no page
    every_page()
    advance(server, control, 30)
    project_run = r.json()["data"]["project_run_uuid"]
    assert phase_page(sipfront, filtername="session_status", filterval="running", count=100)["total"] == 6
    [newest_failed] = phase_page(sipfront, filtername="is_failed", filterval=1, orderdir="desc", count=1)["runs"]
    r = control.post(f"{server.url}/_mock/sipfront/project-runs/{project_run}/stop", params={"tenant": sipfront.tenant},
                     timeout=10)  # its first session ends failed now, the queued ones are gone
    assert r.status_code == 200, r.text
    assert phase_page(sipfront, filtername="session_status", filterval="running", count=100)["total"] == 5
    [cut] = phase_page(sipfront, filtername="is_failed", filterval=1, orderdir="desc", count=1)["runs"]
    assert cut["id"] > newest_failed["id"]
    assert (cut["result_description"], cut["stopped_at"]) == ("Test run stopped by user", "2030-01-01 00:00:40")
    every_page()
    advance(server, control, 3600)
    assert sessions(sipfront, filtername="is_finished", filterval=0) == []
    every_page()
