"""Test suites under a release, a test cycle or the project root: listed and created (the Jenkins plugin
finds or creates the suite it submits into)."""

from __future__ import annotations

from ...core import context
from . import errors
from .blueprint import blueprint, ok, project, wire
from .model import suites
from .schemas import TestSuiteOut

SUITES = "/api/v3/projects/<int:projectId>/test-suites"


def _parent(projectId: int) -> tuple[str | None, int | None]:
    """The parentType/parentId query; a named parent must exist in the project."""
    params = wire()[0]
    parent_type, parent_id = params.get("parentType"), params.get("parentId")
    if parent_type is None and parent_id is None:
        return None, None
    parent_type = parent_type or "release"  # qTest's default container for a suite
    if parent_type != "root":
        if parent_id is None:
            raise errors.parent_id_missing(parent_type)
        if suites.find_parent(context.state(), projectId, parent_type, parent_id) is None:
            raise errors.parent_not_found(parent_type, parent_id)
    return parent_type, parent_id or 0


@blueprint.get(SUITES)
def list_test_suites(projectId):
    project(projectId)
    parent_type, parent_id = _parent(projectId)
    found = suites.children(context.state(), projectId, parent_type, parent_id)
    return ok(TestSuiteOut, [suites.render(s) for s in found])


@blueprint.post(SUITES)
def create_test_suite(projectId):
    body = wire()[1]
    project(projectId)
    parent_type, parent_id = _parent(projectId)
    suite = suites.create(context.state(), projectId, body["name"], parent_type or "root", parent_id or 0,
                          body.get("properties"))
    # the Jenkins plugin takes only 200 as success for this create
    return ok(TestSuiteOut, suites.render(suite))


@blueprint.get(SUITES + "/<int:testSuiteId>")
def get_test_suite(projectId, testSuiteId):
    project(projectId)
    suite = suites.find_suite(context.state(), projectId, testSuiteId)
    if suite is None:
        raise errors.test_suite_not_found(testSuiteId)
    return ok(TestSuiteOut, suites.render(suite))
