"""Jobs: orchestrate, create (or reuse), cancel and its deprecated alias fail."""

from __future__ import annotations

from ...core.bodies import schema_of
from ...core.negotiation import json_response
from . import errors, schemas
from .blueprint import account, blueprint, checked_body, current_world, project
from .model import jobs

JOB = schema_of(schemas.JobOut)


@blueprint.post("/api/jobs/<sha1>/<sha2>/orchestrate")
def orchestrate_job(sha1, sha2):
    data = checked_body()
    world = current_world()
    for index, name in enumerate(data["projects"]):
        if not name:  # an empty name would mean the default project, which a job must name
            raise errors.project_unnamed(index)
        project({"project": name})  # every named project must exist
    return json_response(JOB.dump(jobs.view(world, jobs.orchestrate(world, account(), sha1, sha2, data))))


@blueprint.post("/api/jobs/<sha1>/<sha2>")
def create_job(sha1, sha2):
    data = checked_body()
    world = current_world()
    job = jobs.start(world, account(), project(data), sha1, sha2, data)
    return json_response(JOB.dump(jobs.view(world, job)))


def _cancel(sha1, sha2):
    data = checked_body(status="failure")
    world = current_world()
    job = jobs.cancel(world, account(), project(data), sha1, sha2, data)
    return json_response(JOB.dump(jobs.view(world, job)))


@blueprint.post("/api/jobs/<sha1>/<sha2>/cancel")
def cancel_job(sha1, sha2):
    return _cancel(sha1, sha2)


@blueprint.post("/api/jobs/<sha1>/<sha2>/fail")
def fail_job(sha1, sha2):
    return _cancel(sha1, sha2)
