"""Finding records under their parents and stamping them with a time and an author."""

from __future__ import annotations

from datetime import datetime
from operator import itemgetter

_ID = itemgetter("id")


def stamp(now: datetime) -> str:
    """A moment shaped like the API's timestamps: 2017-11-28T11:05:55.806Z."""
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def scoped(state, kind: str, key: int, **scope) -> dict | None:
    """The record of `kind` with id `key` when it matches every field of `scope`, else None."""
    try:  # (a table's own lookup, a fork's base record copied by __missing__, as State.get does)
        record = state.tables[kind][key]
    except KeyError:
        return None
    for field, value in scope.items():
        if record.get(field) != value:
            return None
    return record


# the parent fields no request changes once a record is stored (a folder's parent or a scenario's folder do
# change: a move), so an index may answer by them
FIXED = ("project_id", "test_run_id", "scenario_id", "owner_id")


def rows(state, kind: str, **scope) -> list[dict]:
    """Records of `kind` matching `scope`, by id (the API's lists come back unpaginated)."""
    for fixed in FIXED:
        if fixed in scope:
            break
    else:
        return sorted(peeked(state, kind, scope), key=_ID)
    found = state.where(kind, fixed, scope[fixed])  # (what the index answers matches its field)
    if len(scope) > 1:
        rest = [(k, v) for k, v in scope.items() if k != fixed]
        if len(rest) == 1:  # (a tag's owner: by id, then type)
            (field, value), = rest
            found = [r for r in found if r.get(field) == value]
        else:
            found = [r for r in found if all(r.get(k) == v for k, v in rest)]
    return sorted(found, key=_ID)


def tags_on(state, owner_type: str, owner_id: int) -> list[dict]:
    """The tags of one record, by id: rows(state, "tags", owner_type=..., owner_id=...) without its generality (a
    listing with `?include=tags` asks once per record it shows)."""
    found = state.where("tags", "owner_id", owner_id)
    if not found:
        return []  # (most records of a listing carry none)
    mine = [t for t in found if t.get("owner_type") == owner_type]
    if len(mine) > 1:
        mine.sort(key=_ID)
    return mine


def peeked(state, kind: str, scope: dict) -> list[dict]:
    """The records of `kind` matching `scope`, in table order, for a field no index may answer (one a request
    changes): every record is read without copying it into the tenant's world (core/overlay.py), only those
    matching are fetched (copied) for the caller."""
    table = state.table(kind)
    keys = [key for key, record in state.peek(kind) if all(record.get(k) == v for k, v in scope.items())]
    return [table[key] for key in keys]


def touch(record: dict, at: str, author: str) -> dict:
    record["updated_at"] = at
    record["last_author"] = author
    return record


def new_record(at: str, author: str, **fields) -> dict:
    return {"created_at": at, "updated_at": at, "last_author": author, **fields}
