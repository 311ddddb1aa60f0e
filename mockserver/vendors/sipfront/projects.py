"""GET /api/v2/projects: the projects, each with the ids of its tests."""

from __future__ import annotations

from ...core import context
from .blueprint import API, blueprint, reply
from .schemas import ProjectOut


@blueprint.get(f"{API}/projects")
def list_projects():
    state = context.state()
    projects = [
        {**project, "test_ids": sorted(t["id"] for t in state.where("tests", "project_id", project["id"]))}
        for project in state.ordered("projects")
    ]
    return reply("projects", ProjectOut, projects, many=True)
