"""Jobs: orchestrate, create (or reuse), cancel and its deprecated alias fail."""

from __future__ import annotations

from ...core.bodies import schema_of
from ...core.errors import VendorError
from ...core.negotiation import json_response
from . import schemas
from .model import jobs
from .routes import account, bp, checked_body, current_world, project

JOB = schema_of(schemas.JobOut)


@bp.post("/api/jobs/<sha1>/<sha2>/orchestrate")
def orchestrate_job(sha1, sha2):
    data = checked_body()
    world = current_world()
    for index, name in enumerate(data["projects"]):
        if not name:  # an empty name would mean the default project, which a job must name
            raise VendorError(400, f"projects.{index}: must name a project", fields={"projects": {str(index): ["must name a project"]}})
        project({"project": name})  # every named project must exist
    return json_response(JOB.dump(jobs.view(world, jobs.orchestrate(world, account(), sha1, sha2, data))))


@bp.post("/api/jobs/<sha1>/<sha2>")
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


@bp.post("/api/jobs/<sha1>/<sha2>/cancel")
def cancel_job(sha1, sha2):
    return _cancel(sha1, sha2)


@bp.post("/api/jobs/<sha1>/<sha2>/fail")
def fail_job(sha1, sha2):
    return _cancel(sha1, sha2)
