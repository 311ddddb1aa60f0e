"""Jobs: plain and orchestrated, reused, finished by their comparison, cancelled (409 once finished)."""

from __future__ import annotations

from ..errors import job_finished, job_not_found
from .world import World

FINISHED = ("success", "failure", "cancelled")


def job_url(world: World, job: dict) -> str:
    return f"{world.pages}/a/{job['accountId']}/jobs/{job['id']}"


def view(world: World, job: dict) -> dict:
    return {"id": job["id"], "url": job_url(world, job)}


def _jobs_for(world: World, account_id: int, sha1: str, sha2: str) -> list[dict]:
    # by index: a job's account and shas are set when it is made, never changed
    found = [j for j in world.state.where("jobs", "sha2", sha2) if (j["accountId"], j["sha1"]) == (account_id, sha1)]
    return sorted(found, key=lambda j: j["id"], reverse=True)


def _status(world: World, sha: str, state: str, context: str, description: str, url: str) -> None:
    world.record("github_status", {"sha": sha, "state": state, "context": context,
                                   "description": description, "targetUrl": url})


def orchestrate(world: World, account: dict, sha1: str, sha2: str, body: dict) -> dict:
    for job in _jobs_for(world, account["id"], sha1, sha2):
        if job["orchestrated"] and job["status"] == "pending":
            return job
    job = world.state.insert("jobs", {
        "accountId": account["id"], "sha1": sha1, "sha2": sha2, "orchestrated": True,
        "projects": list(dict.fromkeys(body["projects"])), "results": {}, "status": "pending",
        "link": body.get("link"), "message": body.get("message"), "createdAt": world.stamp,
    })
    _status(world, sha2, "pending", "Happo", f"Waiting for {len(job['projects'])} projects", job_url(world, job))
    return job


def start(world: World, account: dict, project: dict, sha1: str, sha2: str, body: dict) -> dict:
    """Reuse an orchestration job naming the project, or a pending job of the project; else create one."""
    for job in _jobs_for(world, account["id"], sha1, sha2):
        if job["status"] != "pending":
            continue
        if job["orchestrated"] and project["name"] in job["projects"]:
            return job
        if not job["orchestrated"] and job["projects"] == [project["name"]]:
            return job
    job = world.state.insert("jobs", {
        "accountId": account["id"], "sha1": sha1, "sha2": sha2, "orchestrated": False,
        "projects": [project["name"]], "results": {}, "status": "pending",
        "link": body.get("link"), "message": body.get("message"), "createdAt": world.stamp,
    })
    _status(world, sha2, "pending", f"Happo ({project['name']})", "Happo is running", job_url(world, job))
    return job


def _current(world: World, account: dict, project: dict, sha1: str, sha2: str) -> dict | None:
    for job in _jobs_for(world, account["id"], sha1, sha2):
        if project["name"] in job["projects"]:
            return job
    return None


def cancel(world: World, account: dict, project: dict, sha1: str, sha2: str, body: dict) -> dict:
    job = _current(world, account, project, sha1, sha2)
    if job is None:
        raise job_not_found(sha1, sha2, project["name"])
    if job["status"] in FINISHED:
        raise job_finished(job)
    job.update({"status": "cancelled", "outcome": body["status"], "finishedAt": world.stamp,
                "cancelMessage": body.get("message")})
    context = "Happo" if job["orchestrated"] else f"Happo ({project['name']})"
    _status(world, sha2, body["status"], context, body.get("message") or "Cancelled",
            body.get("link") or job_url(world, job))
    return job


def comparison_finished(world: World, project: dict, sha1: str, sha2: str, state: str, post: bool,
                        summary: str, url: str) -> None:
    """A comparison settled: finish its job; an orchestration job reports once every project is in."""
    job = None
    for candidate in _jobs_for(world, project["accountId"], sha1, sha2):
        if candidate["status"] == "pending" and project["name"] in candidate["projects"]:
            job = candidate
            break
    if job is None or not job["orchestrated"]:
        if job is not None:
            job.update({"status": state, "finishedAt": world.stamp})
        if post:
            _status(world, sha2, state, f"Happo ({project['name']})", summary, url)
        return
    job["results"][project["name"]] = state
    if set(job["projects"]) <= set(job["results"]):
        combined = "failure" if "failure" in job["results"].values() else "success"
        job.update({"status": combined, "finishedAt": world.stamp})
        if post:
            _status(world, sha2, combined, "Happo", f"{len(job['projects'])} projects compared", job_url(world, job))
