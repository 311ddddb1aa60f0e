"""GET /api/v2/projects: the projects, each with the ids of its tests."""

from __future__ import annotations

from ...core import context
from .blueprint import API, blueprint, reply
from .schemas import ProjectOut


@blueprint.get(f"{API}/projects")
def list_projects():
    state = context.state()
    # every project and test is read, none copied into the tenant: what is answered is new dicts
    test_ids: dict[int, list[int]] = {}
    for test in state.peek_values("tests"):
        test_ids.setdefault(test["project_id"], []).append(test["id"])
    projects = [{**project, "test_ids": sorted(test_ids.get(project["id"], ()))}
                for project in sorted(state.peek_values("projects"), key=lambda project: project["id"])]
    return reply("projects", ProjectOut, projects, many=True)
