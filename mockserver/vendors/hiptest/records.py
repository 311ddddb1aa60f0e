"""Finding records under their parents (404 otherwise) and stamping them with the mock clock."""

from __future__ import annotations

from ...core import context
from ...core.errors import VendorError

NOT_FOUND = "Record not found"


def stamp() -> str:
    """Now on the mock clock, shaped like the API's timestamps: 2017-11-28T11:05:55.806Z."""
    now = context.now()
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def find(state, kind: str, key: int, **scope) -> dict:
    record = state.get(kind, key)
    if record is None or any(record.get(k) != v for k, v in scope.items()):
        # the docs never show a 404 body; it takes the errors shape of the documented 401s
        raise VendorError(404, NOT_FOUND)
    return record


def rows(state, kind: str, **scope) -> list[dict]:
    """Records of `kind` matching `scope`, by id (the API's lists come back unpaginated)."""
    out = [r for r in state.table(kind).values() if all(r.get(k) == v for k, v in scope.items())]
    return sorted(out, key=lambda r: r["id"])


def touch(record: dict) -> dict:
    record["updated_at"] = stamp()
    record["last_author"] = _author()
    return record


def new_record(**fields) -> dict:
    now = stamp()
    return {"created_at": now, "updated_at": now, "last_author": _author(), **fields}


def _author() -> str:
    from .auth import current_author

    return current_author()
