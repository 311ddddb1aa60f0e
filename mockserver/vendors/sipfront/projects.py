"""GET /api/v2/projects: the projects, each with the ids of its tests."""

from __future__ import annotations

from ...core import context
from .blueprint import API, blueprint, reply
from .schemas import ProjectOut


@blueprint.get(f"{API}/projects")
def list_projects():
    state = context.state()
    tests = sorted(state.table("tests").values(), key=lambda t: t["id"])
    projects = [
        {**project, "test_ids": [t["id"] for t in tests if t["project_id"] == project["id"]]}
        for project in sorted(state.table("projects").values(), key=lambda p: p["id"])
    ]
    return reply("projects", ProjectOut, projects, many=True)
