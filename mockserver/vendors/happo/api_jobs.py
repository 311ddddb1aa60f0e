"""Jobs: orchestrate, create (or reuse), cancel and its deprecated alias fail."""

from __future__ import annotations

from ...core.negotiation import json_response
from . import jobs, schemas
from .routes import account, body, bp, current_world, project

JOB = schemas.JobOut()


@bp.post("/api/jobs/<sha1>/<sha2>/orchestrate")
def orchestrate_job(sha1, sha2):
    data = body(schemas.Orchestrate)
    world = current_world()
    for name in data["projects"]:
        project({"project": name})  # every named project must exist
    return json_response(JOB.dump(jobs.view(world, jobs.orchestrate(world, account(), sha1, sha2, data))))


@bp.post("/api/jobs/<sha1>/<sha2>")
def create_job(sha1, sha2):
    data = body(schemas.LinkMessage)
    world = current_world()
    job = jobs.start(world, account(), project(data), sha1, sha2, data)
    return json_response(JOB.dump(jobs.view(world, job)))


def _cancel(sha1, sha2):
    data = body(schemas.CancelJob)
    world = current_world()
    job = jobs.cancel(world, account(), project(data), sha1, sha2, data)
    return json_response(JOB.dump(jobs.view(world, job)))


@bp.post("/api/jobs/<sha1>/<sha2>/cancel")
def cancel_job(sha1, sha2):
    return _cancel(sha1, sha2)


@bp.post("/api/jobs/<sha1>/<sha2>/fail")
def fail_job(sha1, sha2):
    return _cancel(sha1, sha2)
