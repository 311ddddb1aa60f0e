"""The undo log behind every request's rollback: exact restores, at the cost of what changed."""

from __future__ import annotations

import copy
import json
import pickle

from mockserver.core import tracked
from mockserver.core.state import State
from mockserver.core.tracked import TDict, TList


def sealed() -> State:
    state = State("t")
    for i in range(1, 6):
        state.insert("rows", {"id": i, "tags": ["a"], "meta": {"n": i}})
    state.extra["index"] = {"by_name": {"x": [1, 2]}}
    return state.seal()


def snapshot(state: State) -> str:
    return json.dumps(state.to_json())  # key order included


def test_a_rolled_back_request_leaves_the_state_exactly_as_it_was():
    state = sealed()
    before = snapshot(state)
    log = tracked.begin()
    rows = state.table("rows")
    rows[2]["meta"]["n"] = 99
    rows[3]["tags"].append("b")
    rows[3]["tags"].sort(reverse=True)
    del rows[1]                                  # order must come back too
    rows.pop(4)
    state.insert("rows", {"id": None, "tags": []})
    state.table("new_table")[1] = {"id": 1}
    state.extra["index"]["by_name"].setdefault("y", []).append(3)
    state.extra.update({"flag": True})
    state.extra["index"]["by_name"]["x"] += [7]
    tracked.end(log, keep=False)
    assert snapshot(state) == before
    assert state.next_id("rows") == 6            # the sequence was rolled back as well


def test_committed_values_become_tracked_and_keep_their_sharing():
    state = sealed()
    log = tracked.begin()
    shared = {"v": [1]}
    state.insert("rows", {"id": 10, "a": shared, "b": shared})
    tracked.end(log, keep=True)
    row = state.get("rows", 10)
    assert type(row) is TDict and type(row["a"]) is TDict and type(row["a"]["v"]) is TList
    assert row["a"] is row["b"]
    before = snapshot(state)
    log = tracked.begin()
    row["a"]["v"].append(2)                      # a change deep inside what the last request stored
    tracked.end(log, keep=False)
    assert snapshot(state) == before


def test_a_nested_begin_joins_the_open_log():
    state = sealed()
    before = snapshot(state)
    outer = tracked.begin()
    assert tracked.begin() is None
    state.table("rows")[1]["tags"].clear()
    tracked.end(outer, keep=False)
    assert snapshot(state) == before


def test_tracked_containers_behave_as_plain_ones():
    state = sealed()
    copied = pickle.loads(pickle.dumps(state))
    assert snapshot(copied) == snapshot(state) and type(copied.tables["rows"][1]) is TDict
    assert snapshot(copy.deepcopy(state)) == snapshot(state)
    assert json.loads(json.dumps(state.tables["rows"][1])) == {"id": 1, "tags": ["a"], "meta": {"n": 1}}
    assert state.tables["rows"][1] == {"id": 1, "tags": ["a"], "meta": {"n": 1}}
    # without an open log nothing is recorded and changes simply happen
    state.tables["rows"][1]["tags"].append("z")
    assert state.tables["rows"][1]["tags"] == ["a", "z"]


# -- State.where: the per-parent lookups (a run's environments) that keep reads and builds O(answer) --
def _children(state: State, parent: int) -> list[int]:
    return [r["id"] for r in state.where("kids", "parent", parent)]


def family() -> State:
    state = State("t")
    for i in range(1, 7):
        state.insert("kids", {"id": i, "parent": i % 2})
    return state.seal()


def test_where_follows_inserts_and_deletes_in_table_order():
    state = family()
    assert _children(state, 1) == [1, 3, 5] and _children(state, 0) == [2, 4, 6]
    handed_out = state.where("kids", "parent", 1)
    state.insert("kids", {"id": None, "parent": 1})
    state.delete("kids", 3)
    assert _children(state, 1) == [1, 5, 7]
    assert [r["id"] for r in handed_out] == [1, 3, 5]  # a list handed out never changes under its holder
    assert _children(state, 9) == []


def test_where_after_a_rolled_back_request_answers_as_before_it():
    state = family()
    assert _children(state, 1) == [1, 3, 5]  # the index exists before the request
    log = tracked.begin()
    state.delete("kids", 1)
    state.insert("kids", {"id": None, "parent": 1})
    assert _children(state, 1) == [3, 5, 7]
    tracked.end(log, keep=False)
    assert _children(state, 1) == [1, 3, 5]
    log = tracked.begin()  # and a later request that succeeds is seen, though it reuses the rolled-back id
    state.insert("kids", {"id": None, "parent": 0})
    tracked.end(log, keep=True)
    assert _children(state, 0) == [2, 4, 6, 7] and _children(state, 1) == [1, 3, 5]


def test_where_answers_the_stored_record_after_a_commit_replaced_it():
    state = family()
    log = tracked.begin()
    made = state.insert("kids", {"id": None, "parent": 1})
    assert _children(state, 1) == [1, 3, 5, 7]
    tracked.end(log, keep=True)  # the plain dict becomes a tracked copy in the table
    found = state.where("kids", "parent", 1)[-1]
    assert found is state.get("kids", 7) and found is not made and type(found) is TDict


def test_where_survives_pickling_as_snapshots_and_new_tenants_do():
    state = family()
    assert _children(state, 1) == [1, 3, 5]
    copy_ = pickle.loads(pickle.dumps(state))
    copy_.insert("kids", {"id": None, "parent": 1})
    assert _children(copy_, 1) == [1, 3, 5, 7] and _children(state, 1) == [1, 3, 5]


# -- State.ordered: a table by key, for list pages that read only their own records -----------
def _ids(rows) -> list[int]:
    return [r["id"] for r in rows]


def test_ordered_follows_inserts_and_deletes_and_pages_by_slice():
    state = State("t")
    for i in (5, 2, 9, 1):
        state.insert("kids", {"id": i, "parent": 0})
    state.seal()
    rows = state.ordered("kids")
    assert _ids(rows) == [1, 2, 5, 9] and len(rows) == 4 and rows[1:3] == [state.get("kids", 2), state.get("kids", 5)]
    assert rows[-1]["id"] == 9 and rows[10:] == []
    state.insert("kids", {"id": None, "parent": 0})  # 10: appended
    assert _ids(state.ordered("kids")) == [1, 2, 5, 9, 10]
    assert _ids(rows) == [1, 2, 5, 9]  # a sequence handed out keeps its length, though the state grew
    state.insert("kids", {"id": 3, "parent": 0})  # not the largest: the order is rebuilt
    state.delete("kids", 2)
    assert _ids(state.ordered("kids")) == [1, 3, 5, 9, 10]


def test_ordered_after_a_rolled_back_request_answers_as_before_it():
    state = family()
    assert _ids(state.ordered("kids")) == [1, 2, 3, 4, 5, 6]
    log = tracked.begin()
    state.insert("kids", {"id": None, "parent": 1})
    state.delete("kids", 1)
    assert _ids(state.ordered("kids")) == [2, 3, 4, 5, 6, 7]
    tracked.end(log, keep=False)
    assert _ids(state.ordered("kids")) == [1, 2, 3, 4, 5, 6]
    log = tracked.begin()
    state.insert("kids", {"id": None, "parent": 0})  # reuses the rolled-back id 7
    tracked.end(log, keep=True)
    assert _ids(state.ordered("kids")) == [1, 2, 3, 4, 5, 6, 7]
    assert state.ordered("kids")[-1] is state.get("kids", 7)
    copy_ = pickle.loads(pickle.dumps(state))
    copy_.insert("kids", {"id": None, "parent": 1})
    assert _ids(copy_.ordered("kids"))[-1] == 8 and _ids(state.ordered("kids"))[-1] == 7
