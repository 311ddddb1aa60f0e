"""Sipfront's domain over mock time, as plain functions of (state or record, now), no Flask.

Test sessions and project runs: where a run is is computed on read from its start time, its duration
and the clock, so advancing the clock is all it takes to finish a run. Then the runs list's query
(paging, sorting, filters) and the media metrics a session shows.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import json
import random
import re
from datetime import datetime, timedelta, timezone
from functools import lru_cache

import orjson
from sortedcontainers import SortedList

from ...core.paging import WHOLE_NUMBER, page, sort_items
from . import errors
from .schemas import TIME_FORMAT


@lru_cache(maxsize=65536)
def parse_time(text: str | None) -> datetime | None:
    return None if text is None else _parsed(text)


_PADDED = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}")


@lru_cache(maxsize=1 << 16)  # every read of a run parses its stored times: each string parsed once
def _parsed(text: str) -> datetime:
    # fromisoformat reads TIME_FORMAT zero-padded (all this mock writes) at a tenth of strptime's cost, which a
    # scan of a table larger than the cache pays per run; strptime keeps the rest ("2024-2-9 8:20:18" passes
    # the fixture check)
    if _PADDED.fullmatch(text):
        return datetime.fromisoformat(text + "+00:00")  # (UTC named in the text: replace() costs more)
    return datetime.strptime(text, TIME_FORMAT).replace(tzinfo=timezone.utc)


@lru_cache(maxsize=4096)  # the API shows a run's tags as JSON text: written once per distinct list
def _tags_text(tags: tuple) -> str:
    return json.dumps(list(tags))


def format_time(value: datetime | None) -> str | None:
    """A time as the API writes it (TIME_FORMAT). Not cached: what is stored once (a launch's start, the
    clock's now, new each time) would only push out what the reads below write again and again. Written out
    rather than by strftime, which costs a launch three times as much; strftime writes a year before 1000
    unpadded, so those are its own (tests/vendors/sipfront/test_model.py holds the two together)."""
    if value is None:
        return None
    at = value.astimezone(timezone.utc)
    if at.year < 1000:
        return at.strftime(TIME_FORMAT)
    return f"{at.year}-{at.month:02d}-{at.day:02d} {at.hour:02d}:{at.minute:02d}:{at.second:02d}"


@lru_cache(maxsize=1 << 16)  # a run's stop time and a session's sample times are written on every read of it
def _formatted(value: datetime) -> str:
    return format_time(value)


def session_uuid(state) -> str:
    """The next token as a version-4 UUID, as uuid.UUID(hex=token, version=4) writes it: the version nibble
    set to 4, the variant's top bits to 10 (written out, not through the uuid module: once per launch)."""
    h = state.next_token("session", 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}"


# -- one test session ------------------------------------------------------------------------

@lru_cache(maxsize=1 << 14)  # bounded below the parse cache: a miss costs one parse lookup and an addition
def _span(started_at: str, seconds: int) -> tuple[datetime, datetime]:
    """A run's start and end from the two fields it stores them by. Keyed by their values, not by the run: a
    run stored again with another length (stopped) finds its own, and the clock is compared on every read."""
    start = _parsed(started_at)
    return start, start + timedelta(seconds=seconds)


def started(run: dict, now: datetime) -> bool:
    return parse_time(run["started_at"]) <= now


def ends_at(run: dict) -> datetime:
    return _span(run["started_at"], run["duration_seconds"])[1]


def phase(run: dict, now: datetime) -> str:
    """pending (queued behind other tests of a project run), running, passed or failed."""
    start, end = _span(run["started_at"], run["duration_seconds"])
    if now < start:
        return "pending"
    return "running" if now < end else run["outcome"]


def next_change(run: dict, now: datetime) -> datetime | None:
    """When what `started` and `phase` say of `run` next changes: its start, its end, or never."""
    start = parse_time(run["started_at"])
    if now < start:
        return start
    end = ends_at(run)
    return end if now < end else None


def settles_at(state, now: datetime) -> datetime | None:
    """The first moment any run changes phase (None: none of them will): the first start or end after `now`
    (a run that has not started ends after it starts, so its end never comes first)."""
    return phase_moment(state, now)[1]


def phase_moment(state, now: datetime) -> tuple[int, datetime | None]:
    """How many starts and ends of runs have come by `now`, which says the phase of every run while the runs are
    as they are, and when the next one comes (settles_at)."""
    count, _, after = _moments(_run_times(state), now)
    return count, after


def _moments(times: dict, now: datetime) -> tuple[int, datetime | None, datetime | None]:
    """Of every run's start and end: how many have come by `now`, the last of those, and the first after it."""
    by_start, ends = times["by_start"], times["ends"]
    started_by = by_start.bisect_right((now, _AFTER_ANY_ID))
    ended_by = ends.bisect_right(now)
    last = max(filter(None, (by_start[started_by - 1][0] if started_by else None,
                             ends[ended_by - 1] if ended_by else None)), default=None)
    after = min(filter(None, (by_start[started_by][0] if started_by < len(by_start) else None,
                              ends[ended_by] if ended_by < len(ends) else None)), default=None)
    return started_by + ended_by, last, after


_AFTER_ANY_ID = float("inf")  # (start, id) pairs at or before a moment sort before (moment, this)


def all_started(state, now: datetime) -> bool:
    by_start = _run_times(state)["by_start"]
    return not by_start or by_start[-1][0] <= now


def not_started(state, now: datetime) -> frozenset:
    """The ids of the sessions that start after `now` (queued behind others of a project run)."""
    by_start = _run_times(state)["by_start"]
    return frozenset(run_id for _, run_id in by_start.islice(by_start.bisect_right((now, _AFTER_ANY_ID))))


def _run_times(state) -> dict[str, SortedList]:
    """Sorted: (start, id) of each run (`by_start`) and every run's end (`ends`); kept per world while the runs
    table is as it was (a run changed in place is stored again, which counts as a change: see
    stop_project_run), so how many runs stand where at any moment is a bisection. Sorted lists, not lists:
    a launch's start goes before the ends of the runs still going, which in a list moved them all (a launch cost
    ~30 µs more at 100k runs)."""
    version = state.version("runs")
    found = state.scratch.get("sipfront_run_times")
    if found is None or found[0] != version:
        runs = list(state.peek_values("runs"))  # only two fields of each are looked at
        times = {"by_start": SortedList((parse_time(run["started_at"]), run["id"]) for run in runs),
                 "ends": SortedList(ends_at(run) for run in runs)}
        found = state.scratch["sipfront_run_times"] = (version, times)
    return found[1]


def _run_added(state, run: dict, before: int, at: datetime) -> None:
    """Keep the kept times and phases up to date with a run just stored at `at` (the launch's clock), when they
    were up to date before it (O(log n) to find the place; a rolled-back request leaves them at a version the
    table never gets back to)."""
    scratch, version = state.scratch, state.version("runs")
    rows = scratch.get("sipfront_rows")
    if rows is not None and rows[0][0] == before:  # (no row of the new run is kept: nothing to drop)
        scratch["sipfront_rows"] = ((version, *rows[0][1:]), rows[1])
    start, end = _span(run["started_at"], run["duration_seconds"])
    found = scratch.pop("sipfront_phase_ids", None)
    if found is not None and found[0] == before:
        _phase_ids_added(scratch, found, run, start, end, version, at)
    found = scratch.get("sipfront_run_times")
    if found is None or found[0] != before:
        return
    times = found[1]
    times["by_start"].add((start, run["id"]))
    times["ends"].add(end)
    scratch["sipfront_run_times"] = (version, times)


def _in_window(lo: datetime | None, hi: datetime | None, now: datetime) -> bool:
    return (lo is None or lo <= now) and (hi is None or now < hi)


def phase_ids(state, now: datetime) -> dict[str, list]:
    """The ids of the runs in each phase at `now`, ascending. Kept per world with the stretch of time around
    `now` in which no run changes phase (from the last start or end at or before it to the next after it): a
    read anywhere in that stretch is given them again, a launch adds its run (_phase_ids_added), a move of the
    clock out of it or any other change of the runs table builds them anew."""
    version = state.version("runs")
    found = state.scratch.get("sipfront_phase_ids")
    if found is not None and found[0] == version and _in_window(found[1], found[2], now):
        return found[3]
    _, last, after = _moments(_run_times(state), now)
    ids = {where: [] for where in PHASES}
    for key, run in state.peek("runs"):  # (read, not copied into a tenant's world)
        ids[phase(run, now)].append(key)
    for keys in ids.values():
        keys.sort()
    state.scratch["sipfront_phase_ids"] = (version, last, after, ids)
    return ids


def _phase_ids_added(scratch: dict, found: tuple, run: dict, start: datetime, end: datetime, version: int,
                     at: datetime) -> None:
    """A launched run joins the kept phases: the stretch they hold for narrows to the part around `at` that the
    run's start and end leave (a read at another moment builds them anew)."""
    _, lo, hi, ids = found
    if (lo is not None and at < lo) or (hi is not None and not at < hi):
        return
    for moment in (start, end):
        if moment <= at:
            lo = moment if lo is None or lo < moment else lo
        elif hi is None or moment < hi:
            hi = moment
    keys = ids["pending" if at < start else "running" if at < end else run["outcome"]]  # (phase(run, at))
    if keys and not run["id"] > keys[-1]:
        bisect.insort(keys, run["id"])
    else:
        keys.append(run["id"])
    scratch["sipfront_phase_ids"] = (version, lo, hi, ids)


def find_session(state, key: str, now: datetime) -> dict | None:
    """A started session by `key`: the session UUID the status URLs carry, or the session's numeric id
    (of those that match, the first in table order, as a scan finds it)."""
    number = whole_number(key)
    found = state.where("runs", "session_id", key)
    by_id = state.get("runs", number) if number is not None else None
    if by_id is not None:
        found.append(by_id)
    if len(found) > 1:
        order = {k: i for i, k in enumerate(state.table("runs"))}
        found.sort(key=lambda run: order[run["id"]])
    return next((run for run in found if started(run, now)), None)


def sessions_of_test(state, test_id: int, now: datetime) -> list[dict]:
    """The test's sessions that have started, oldest first."""
    return sorted((r for r in state.where("runs", "test_id", test_id) if started(r, now)),
                  key=lambda r: (r["started_at"], r["id"]))


def run_row(state, run: dict, now: datetime) -> dict:
    """The full session row; a running session has no outcome, no stop time and no verdict yet."""
    test = state.get("tests", run["test_id"])
    project = state.get("projects", test["project_id"])
    where = phase(run, now)
    passed, failed = where == "passed", where == "failed"
    # the keys of RunOut, in its order and with its types: the list answers this row as it is, not dumped
    # again (tests/vendors/sipfront/test_model.py holds the two together)
    return {
        "agentpool_name": run["agentpool_name"],
        "has_passed": int(passed),
        "id": run["id"],
        "is_failed": int(failed),
        "is_finished": int(passed or failed),
        "project_id": project["id"],
        "project_name": project["name"],
        "result_description": run["result_description"] if failed else "",
        "session_id": run["session_id"],
        "session_status": where,
        "started_at": run["started_at"],
        "status": where,
        "stopped_at": _formatted(ends_at(run)) if passed or failed else None,
        "tags": _tags_text(tuple(run["tags"])),
        "test_id": test["id"],
        "test_name": test["name"],
        "testcase_name": test["testcase_name"],
    }


ROWS_KEPT = 4096  # rows kept per world: the pages a client reads, not a copy of a big table


def _rows_kept(state) -> dict:
    """The rows `run_row` wrote, by (run id, phase), good while the runs, tests and projects are as they were
    (a launch only adds a run: what was kept stays good, see _run_added). A row is a function of its run, the
    run's test and project, and the phase alone: the clock is in the key."""
    versions = (state.version("runs"), state.version("tests"), state.version("projects"))
    found = state.scratch.get("sipfront_rows")
    if found is None or found[0] != versions or len(found[1]) > ROWS_KEPT:
        found = state.scratch["sipfront_rows"] = (versions, {})
    return found[1]


def run_rows(state, runs, now: datetime, encoded: bool = False) -> list:
    """`run_row` of each of `runs`, each written once per phase it is read in; with `encoded`, as its JSON text
    (an orjson Fragment, which orjson writes as it is and the json module not at all: a page with a row orjson
    cannot write, an id beyond 64 bits, is all rows). Shared: never change one."""
    kept = _rows_kept(state)
    found = []
    for run in runs:
        key = (run["id"], phase(run, now))
        both = kept.get(key)
        if both is None:
            row = run_row(state, run, now)
            try:
                text = orjson.Fragment(orjson.dumps(row))
            except orjson.JSONEncodeError:
                text = None
            both = kept[key] = (row, text)
        found.append(both)
    if encoded and all(text is not None for _, text in found):
        return [text for _, text in found]
    return [row for row, _ in found]


def new_session(state, test: dict, start: datetime, overrides: dict, report_mode: str,
                project_run_id: int | None = None, launched: datetime | None = None) -> dict:
    """A session of `test` starting at `start`, ending as the test's fixture says it ends.

    What a session holds beyond its own fields is never changed in place (a test's parameters and tags neither:
    nothing edits a test), so a session without overrides holds its test's parameters object and its tags as a
    tuple: a launch leaves one container for the collector to walk, not three."""
    parameters = test["parameters"]
    if overrides:
        parameters = {**parameters, **{key: str(value) for key, value in overrides.items()}}
    before = state.version("runs")
    run = state.insert("runs", {
        "id": state.next_id("runs"),
        "session_id": session_uuid(state),
        "test_id": test["id"],
        "started_at": format_time(start),
        "duration_seconds": test["duration_seconds"],
        "outcome": test["outcome"],
        "result_description": test["result_description"],
        "tags": tuple(test["tags"]),
        "agentpool_name": test["agentpool_name"],
        "report_mode": report_mode,
        "parameters": parameters,
        "project_run_id": project_run_id,
    })
    _run_added(state, run, before, start if launched is None else launched)
    return run


def complete_fixture_run(state, run: dict) -> dict:
    """Fill what a fixture run may leave out from its test."""
    test = state.get("tests", run["test_id"])
    if run.get("tags") is None:
        run["tags"] = list(test["tags"])
    if run.get("agentpool_name") is None:
        run["agentpool_name"] = test["agentpool_name"]
    if run.get("parameters") is None:
        run["parameters"] = dict(test["parameters"])
    if run["outcome"] == "passed":
        run["result_description"] = ""
    return run


# -- project runs ----------------------------------------------------------------------------

def start_project_run(state, project: dict, test_ids: list[int], created: datetime, report_mode: str,
                      run_id: int | None = None, run_uuid: str | None = None) -> dict:
    """A project run starts its tests one after another, each when the one before it has ended."""
    prun = state.insert("project_runs", {
        "id": run_id if run_id is not None else state.next_id("project_runs"),
        "uuid": run_uuid or session_uuid(state),
        "project_id": project["id"],
        "test_ids": list(test_ids),
        "created_at": format_time(created),
        "report_mode": report_mode,
        "stopped_at": None,
    })
    start = created
    for test_id in test_ids:
        test = state.get("tests", test_id)
        new_session(state, test, start, {}, report_mode, project_run_id=prun["id"], launched=created)
        start += timedelta(seconds=test["duration_seconds"])
    return prun


def stop_project_run(state, prun: dict, when: datetime) -> None:
    """As a user pressing stop: queued tests never start, the one under way ends failed at `when`."""
    prun["stopped_at"] = format_time(when)
    for run in list(sessions_of(state, prun)):
        if not started(run, when):
            state.delete("runs", run["id"])
        elif when < ends_at(run):
            run["duration_seconds"] = max(1, int((when - parse_time(run["started_at"])).total_seconds()))
            run["outcome"] = "failed"
            run["result_description"] = "Test run stopped by user"
            state.insert("runs", run)  # stored again: what is kept of the runs' times sees its new end


def sessions_of(state, prun: dict) -> list[dict]:
    return state.where("runs", "project_run_id", prun["id"])


def project_phase(state, prun: dict, now: datetime) -> str:
    stopped = parse_time(prun.get("stopped_at"))
    if stopped is not None and stopped <= now:
        return "stopped"
    phases = [phase(run, now) for run in sessions_of(state, prun)]
    if any(p in ("pending", "running") for p in phases):
        return "running"
    return "failed" if "failed" in phases else "passed"


def project_row(state, prun: dict, now: datetime) -> dict:
    sessions = sessions_of(state, prun)
    where = project_phase(state, prun, now)
    if where == "stopped":
        stopped_at = prun["stopped_at"]
    elif where == "running":
        stopped_at = None
    else:
        stopped_at = _formatted(max(ends_at(run) for run in sessions))
    project = state.get("projects", prun["project_id"])
    return {
        "id": prun["id"],
        "uuid": prun["uuid"],
        "run_status": where,
        "project_id": project["id"],
        "project_name": project["name"],
        "total_tests": len(prun["test_ids"]),
        "tests_started": sum(1 for run in sessions if started(run, now)),
        "created_at": prun["created_at"],
        "stopped_at": stopped_at,
        "report_mode": prun["report_mode"],
    }


def find_project_run(state, run_uuid: str, now: datetime) -> dict | None:
    for prun in state.where("project_runs", "uuid", run_uuid):
        if parse_time(prun["created_at"]) <= now:
            return prun
    return None


def last_project_run(state, project_id: int, now: datetime) -> dict | None:
    """The project's latest run created by `now` (None: it has not run yet)."""
    pruns = [p for p in state.where("project_runs", "project_id", project_id)
             if find_project_run(state, p["uuid"], now) is not None]
    return max(pruns, key=lambda p: (p["created_at"], p["id"]), default=None)


# -- the runs list: start/count paging, orderby/orderdir, startdate/enddate, filtername/filterval ---

NUMERIC = {"id", "has_passed", "test_id", "project_id", "is_finished", "is_failed"}
TIMES = {"started_at", "stopped_at"}
DEFAULT_COUNT = 100
MAX_DIGITS = 4000  # below Python's int-parsing limit
# a time filter names a year, month, day, hour, minute or second: a leading part of the column's text cut at
# a field boundary, so "" (which every time starts with) or "2024-0" is no time and refused
TIME_PREFIX = re.compile(r"\d{4}(-\d{2}(-\d{2}( \d{2}(:\d{2}(:\d{2})?)?)?)?)?")


def whole_number(text: str) -> int | None:
    """ASCII digits (no "²") short enough for int(); anything else is no whole number."""
    return int(text) if len(text) <= MAX_DIGITS and WHOLE_NUMBER.match(text) else None


PHASES = ("pending", "running", "passed", "failed")
STARTED = PHASES[1:]
_FLAGS = {"has_passed": ("passed",), "is_failed": ("failed",), "is_finished": ("passed", "failed")}
PHASE_COLUMNS = frozenset(("status", "session_status", *_FLAGS))  # the columns that say only where a run is


def phase_column(column: str, where: str):
    """A phase column's value (as `run_row` writes it) for a run in phase `where`."""
    return where if column in ("status", "session_status") else int(where in _FLAGS[column])


def run_column(state, run: dict, now: datetime, column: str):
    """One column of `run_row` without building the row: what filtering and sorting every session reads."""
    if column in ("id", "session_id", "started_at", "agentpool_name", "test_id"):
        return run[column]
    if column == "tags":
        return _tags_text(tuple(run["tags"]))
    where = phase(run, now)
    if column in PHASE_COLUMNS:
        return phase_column(column, where)
    if column == "stopped_at":
        return _formatted(ends_at(run)) if where in ("passed", "failed") else None
    return run_row(state, run, now)[column]


def _matches(state, run: dict, now: datetime, column: str, value) -> bool:
    if column == "tags":
        return value in run["tags"]
    found = run_column(state, run, now, column)
    if column in TIMES:
        # a prefix picks a day or an hour ("2024-02-09"), the whole value one second
        return found is not None and found.startswith(value)
    return found == value


@lru_cache(maxsize=256)  # (column, value) pairs a client filters on: a handful
def _phases_where(column: str, value) -> frozenset:
    """The phases in which a run's phase column `column` reads `value`."""
    return frozenset(where for where in PHASES if phase_column(column, where) == value)


@lru_cache(maxsize=256)  # (the filters a client sends: a handful)
def _keep_plan(filters: tuple) -> tuple[frozenset | None, tuple]:
    """The phases the filters on phase columns keep together (None: there is none), and the other filters."""
    on_phase = [_phases_where(name, value) for name, value in filters if name in PHASE_COLUMNS]
    return (on_phase[0].intersection(*on_phase[1:]) if on_phase else None,
            tuple((name, value) for name, value in filters if name not in PHASE_COLUMNS))


def _keeps(state, now: datetime, filters: tuple):
    """One test a run passes when it passes every filter (None: there is none). Filters on phase columns are
    one look at the run's phase, against the phases every such filter keeps."""
    kept, others = _keep_plan(filters)
    checks = [(lambda run, name=name, value=value: _matches(state, run, now, name, value))
              for name, value in others]
    if kept is not None:
        checks.insert(0, lambda run: phase(run, now) in kept)
    if len(checks) > 1:
        return lambda run: all(check(run) for check in checks)
    return checks[0] if checks else None


@lru_cache(maxsize=256)  # (the filters a client sends: a handful; a refusal is not kept)
def _filters(names: tuple, values: tuple) -> tuple:
    """The filter pairs, a numeric column's value read as its whole number: what the contract cannot say
    (filters come in pairs, a numeric column needs a whole number, a time column a time) is a 400 naming the
    parameter."""
    if len(names) != len(values):
        raise errors.unpaired_filters(len(names), len(values))
    filters = []
    for name, value in zip(names, values):
        if name in NUMERIC:
            number = whole_number(value.strip())
            if number is None:
                raise errors.filterval_not_whole(name, value, MAX_DIGITS)
            value = number
        elif name in TIMES and not TIME_PREFIX.fullmatch(value):
            raise errors.filterval_not_time(name, value)
        filters.append((name, value))
    return tuple(filters)


def _page_of(lists: list, skip: int, stop: int, descending: bool) -> list:
    """[skip, stop) of the ascending id lists `lists` merged (newest first when `descending`): a slice of one
    list, O(page + skip) through a merge of several."""
    if len(lists) == 1:
        keys = lists[0]
        if not descending:
            return keys[skip:stop]
        n = len(keys)
        found = keys[max(0, n - stop):max(0, n - skip)]
        found.reverse()
        return found
    merged = heapq.merge(*map(reversed, lists), reverse=True) if descending else heapq.merge(*lists)
    return list(itertools.islice(merged, skip, stop))


def query_runs(state, now: datetime, params: dict) -> dict:
    """Apply the documented parameters to the started sessions; `runs` is the page of stored runs, to be
    rendered with `run_row`. The contract already refused values of the wrong type or range, unknown columns
    and directions; what it cannot say (filters come in pairs, a numeric column needs a whole number) is a
    400 naming the parameter here. Filters and sorts read just their columns of each session, and a page in
    id order (the default) is cut from the table's key order, so only the page is ever rendered."""
    start = params.get("start") or 0
    count = params.get("count") or DEFAULT_COUNT
    # without orderby the sessions come in id order, as their table's primary key would give them
    column = params.get("orderby") or "id"
    descending = (params.get("orderdir") or "asc").lower() == "desc"
    startdate, enddate = params.get("startdate"), params.get("enddate")
    filters = _filters(tuple(params.get("filtername") or ()), tuple(params.get("filterval") or ()))

    def epoch(run):
        return parse_time(run["started_at"]).timestamp()

    rows = state.ordered("runs")
    begun = all_started(state, now)
    if startdate is None and enddate is None and column == "id" and len(filters) <= 1 and \
            (not filters or filters[0][0] in PHASE_COLUMNS):
        # in id order, no filter or one on a phase: the page is cut from the ids of the runs in the phases it
        # keeps (kept per world, see phase_ids), O(page) however many runs there are and where they stand
        skip, stop = min(start, len(rows)), min(start + count, len(rows))
        if not filters and begun:
            total, found = len(rows), rows[len(rows) - stop:len(rows) - skip][::-1] if descending else rows[skip:stop]
        else:
            kept = _phases_where(*filters[0]) if filters else STARTED
            ids = phase_ids(state, now)
            lists = [ids[where] for where in STARTED if where in kept and ids[where]]
            total = sum(map(len, lists))
            table = state.table("runs")
            found = [table[key] for key in _page_of(lists, skip, stop, descending)] if lists else []
        return {"runs": found, "total": total, "start": start, "count": count}
    waiting = frozenset() if begun else not_started(state, now)
    keep = _keeps(state, now, filters)
    # every session is read below: without copying it into a tenant's world (an id is the table's key, so this is
    # the key order); the page alone is fetched from the table
    rows = sorted(state.peek_values("runs"), key=lambda run: run["id"])
    if waiting:
        rows = [run for run in rows if run["id"] not in waiting]
    if startdate is not None:
        rows = [r for r in rows if epoch(r) >= startdate]
    if enddate is not None:
        rows = [r for r in rows if epoch(r) <= enddate]
    if keep is not None:
        rows = list(filter(keep, rows))
    if column != "id" or descending:  # a stable sort of rows in id order: ties stay in id order
        rows = sort_items(rows, [(column, descending)], get=lambda run, c: run_column(state, run, now, c))
    table = state.table("runs")
    return {"runs": [table[run["id"]] for run in page(rows, start, count)], "total": len(rows), "start": start,
            "count": count}


# -- media metrics ---------------------------------------------------------------------------
# One time series per measure, direction and role, drawn from a seeded generator so the same session
# always shows the same numbers, healthy for a passed run and degraded for a failed one.

# rtp_byte_per_sec and rtp_jitter are the doc's and come first, so its example is the list's head;
# the packet-loss and MOS names are our best guess
MEASURES = ("rtp_byte_per_sec", "rtp_jitter", "rtp_packet_loss", "mos")
DIRS = ("in", "out")
ROLES = ("callee", "caller")
SAMPLE_SECONDS = 5

# (healthy low, healthy high, degraded low, degraded high)
_RANGES = {
    "mos": (4.1, 4.45, 1.3, 2.6),
    "rtp_byte_per_sec": (7800.0, 8200.0, 900.0, 4200.0),
    "rtp_jitter": (0.4, 4.0, 28.0, 95.0),
    "rtp_packet_loss": (0.0, 0.4, 6.0, 22.0),
}


def dimensions(measures=MEASURES) -> list[dict]:
    """Callee dimensions before caller ones, measure by measure, in before out: the doc example's order."""
    return [{"dir": d, "role": r, "stats_measure": m} for r in ROLES for m in measures for d in DIRS]


def _timeline(run: dict, now: datetime) -> list[datetime]:
    """Sample instants recorded so far: the whole call once it ended, up to now while it runs."""
    start = parse_time(run["started_at"])
    last = min(now, ends_at(run))
    out, at = [], start
    while at <= last:
        out.append(at)
        at += timedelta(seconds=SAMPLE_SECONDS)
    return out


def series(run: dict, measure: str, direction: str, role: str, now: datetime) -> list[dict]:
    degraded = run["outcome"] == "failed"
    low, high, bad_low, bad_high = _RANGES[measure]
    rng = random.Random(f"{run['session_id']}/{measure}/{direction}/{role}")
    times = _timeline(run, now)
    full_length = len(_timeline(run, ends_at(run)))
    points = []
    for i, at in enumerate(times):
        # a failing call degrades from its middle on, so the curve shows when it went wrong
        broken = degraded and i * 2 >= full_length
        lo, hi = (bad_low, bad_high) if broken else (low, high)
        points.append({"ts": _formatted(at), "value": round(rng.uniform(lo, hi), 3)})
    return points


def _selected(measure: str, direction, role) -> list[dict]:
    return [dim for dim in dimensions((measure,)) if direction in (None, dim["dir"]) and role in (None, dim["role"])]


def run_series(run: dict, measure: str, now: datetime, direction=None, role=None) -> list[dict]:
    return [{**dim, "data": series(run, measure, dim["dir"], dim["role"], now)}
            for dim in _selected(measure, direction, role)]


def run_dimensions(run: dict, now: datetime) -> list[dict]:
    return dimensions() if _timeline(run, now) else []


def dimensions_of_test(runs: list[dict], now: datetime) -> list[dict]:
    """Every dimension any of a test's sessions has recorded, in the order they first show up."""
    seen = []
    for run in runs:
        for dim in run_dimensions(run, now):
            if dim not in seen:
                seen.append(dim)
    return seen


def aggregate(runs: list[dict], measure: str, now: datetime, direction=None, role=None) -> list[dict]:
    """Per dimension, one min/avg/max row per session of the test that has recorded data."""
    out = []
    for dim in _selected(measure, direction, role):
        rows = []
        for run in runs:
            values = [p["value"] for p in series(run, measure, dim["dir"], dim["role"], now)]
            if not values:
                continue
            rows.append({
                "session_id": run["session_id"],
                "started_at": run["started_at"],
                "has_passed": int(phase(run, now) == "passed"),
                "samples": len(values),
                "min": min(values),
                "avg": round(sum(values) / len(values), 3),
                "max": max(values),
            })
        out.append({**dim, "data": rows})
    return out
