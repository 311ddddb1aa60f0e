"""The query language of the automation agent search: `'name' ~ 'qTest' and 'active' = 'active'`."""

from __future__ import annotations

import re

# criteria -> (the agent's field, what it holds); the swagger's table of criteria and operators
CRITERIA = {
    "name": ("name", str), "framework": ("framework", str), "host_name": ("host_name", str),
    "id": ("agent_server_id", int), "project_id": ("project_id", int), "host_id": ("host_id", int),
    "active": ("active", bool),
}
OPERATORS = {
    str: ("<>", "~", "=", "!~", "is empty", "is not empty"),
    int: ("<>", ">", "<", "<=", ">=", "="),
    bool: ("=",),
}
_CLAUSE = re.compile(
    r"""^\s*'?(?P<field>[a-z_]+)'?\s*(?:(?P<unary>is\s+not\s+empty|is\s+empty)|(?P<op><>|<=|>=|!~|=|~|<|>)\s*"""
    r"""(?:'(?P<quoted>[^']*)'|(?P<bare>\S+)))\s*$""", re.IGNORECASE)
_JOIN = re.compile(r"\s+(and|or)\s+(?=(?:[^']*'[^']*')*[^']*$)", re.IGNORECASE)


class QueryError(ValueError):
    pass


def compile_query(text: str | None):
    """A predicate over rendered agents; QueryError names what is wrong. No query matches every agent."""
    if not text or not text.strip():
        return lambda agent: True
    parts = _JOIN.split(text.strip())
    clauses = [_clause(p) for p in parts[::2]]
    joins = [j.lower() for j in parts[1::2]]
    # "and" binds tighter than "or": the disjunction of and-groups
    groups, current = [], [clauses[0]]
    for join, clause in zip(joins, clauses[1:]):
        if join == "and":
            current.append(clause)
        else:
            groups.append(current)
            current = [clause]
    groups.append(current)
    return lambda agent: any(all(c(agent) for c in group) for group in groups)


def _clause(text: str):
    match = _CLAUSE.match(text)
    if match is None:
        raise QueryError(f"cannot read the clause '{text}'")
    name = match["field"].lower()
    if name not in CRITERIA:
        raise QueryError(f"unknown criteria '{name}'")
    field, kind = CRITERIA[name]
    op = " ".join((match["unary"] or match["op"]).lower().split())
    if op not in OPERATORS[kind]:
        raise QueryError(f"operator '{op}' does not apply to '{name}'")
    raw = match["quoted"] if match["quoted"] is not None else match["bare"]
    if op in ("is empty", "is not empty"):
        return lambda a: (not a.get(field)) is (op == "is empty")
    if kind is bool:
        if raw is None or raw.lower() not in ("active", "inactive"):
            raise QueryError("'active' takes 'active' or 'inactive'")
        wanted = raw.lower() == "active"
        return lambda a: bool(a.get(field)) is wanted
    if kind is int:
        try:
            number = int(raw)
        except (TypeError, ValueError):
            raise QueryError(f"'{name}' takes a number, not '{raw}'") from None
        compare = {"=": int.__eq__, "<>": int.__ne__, ">": int.__gt__, "<": int.__lt__, ">=": int.__ge__,
                   "<=": int.__le__}[op]
        return lambda a: a.get(field) is not None and compare(a[field], number)
    needle = (raw or "").lower()
    if op == "~":
        return lambda a: needle in (a.get(field) or "").lower()
    if op == "!~":
        return lambda a: needle not in (a.get(field) or "").lower()
    if op == "=":
        return lambda a: (a.get(field) or "").lower() == needle
    return lambda a: (a.get(field) or "").lower() != needle
