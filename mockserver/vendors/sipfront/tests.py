"""GET /api/v2/tests: the tests, each with its project's name and its tags as Sipfront writes them."""

from __future__ import annotations

import json

from ...core import context
from .blueprint import API, blueprint, reply
from .schemas import TestOut


def tags_text(tags: list[str]) -> str:
    return json.dumps(tags)


def test_out(test: dict, projects: dict) -> dict:
    return {**test, "project_name": projects[test["project_id"]]["name"], "tags": tags_text(test["tags"])}


@blueprint.get(f"{API}/tests")
def list_tests():
    state = context.state()
    # every test and project is read, none copied into the tenant: what is answered is new dicts
    projects = {project["id"]: project for project in state.peek_values("projects")}
    tests = [test_out(t, projects) for t in sorted(state.peek_values("tests"), key=lambda t: t["id"])]
    return reply("tests", TestOut, tests, many=True)
