"""What a handed-out URL points at in a browser: report, comparison and job pages, status badges, snapshot images."""

from __future__ import annotations

from html import escape

from flask import Response

from ...core import media
from ...core.auth import public
from . import errors
from .blueprint import blueprint, current_world
from .model import comparisons, reports

BADGE_COLOURS = {"success": "#2da44e", "failure": "#cf222e", "awaiting review": "#bf8700", "pending": "#6e7781"}


def _html(title: str, rows: list[tuple[str, object]]) -> Response:
    return Response(media.html_page(title, media.html_table(rows)), content_type="text/html; charset=utf-8")


def _project(accountId: int, projectId: int) -> dict:
    proj = reports.project_by_id(current_world(), projectId)
    if proj is None or proj["accountId"] != accountId:
        raise errors.project_id_not_found(projectId)
    return proj


@blueprint.get("/a/<int:accountId>/p/<int:projectId>/report/<sha>")
@public
def report_page(accountId, projectId, sha):
    world = current_world()
    proj = _project(accountId, projectId)
    status = reports.status_of(world, proj, reports.existing_report(world, proj, sha))
    return _html(f"Happo report {sha}", [("Project", proj["name"]), ("Snapshots", status["snapshotCount"]),
                                          ("Created", status["createdAt"]),
                                          ("Completed", status["completedAt"] or "-")])


def _comparison(accountId, projectId, sha1, sha2):
    world = current_world()
    proj = _project(accountId, projectId)
    comparison = comparisons.existing(world, proj, sha1, sha2)
    comparisons.settle(world, comparison)
    return proj, comparison


@blueprint.get("/a/<int:accountId>/p/<int:projectId>/compare/<sha1>/<sha2>")
@public
def compare_page(accountId, projectId, sha1, sha2):
    proj, comparison = _comparison(accountId, projectId, sha1, sha2)
    rows = [("Project", proj["name"]), ("Status", comparisons.status_value(comparison))]
    if comparison.get("result") is not None:
        rows.append(("Summary", comparisons.summary(comparison["result"])))
    return _html(f"Happo comparison {sha1}..{sha2}", rows)


@blueprint.get("/a/<int:accountId>/p/<int:projectId>/compare/<sha1>/<sha2>/status.svg")
@public
def compare_badge(accountId, projectId, sha1, sha2):
    _, comparison = _comparison(accountId, projectId, sha1, sha2)
    status = comparisons.status_value(comparison)
    svg = (f"<svg xmlns='http://www.w3.org/2000/svg' width='160' height='20'>"
           f"<rect width='160' height='20' fill='{BADGE_COLOURS[status]}'/>"
           f"<text x='8' y='14' fill='#fff' font-family='sans-serif' font-size='11'>happo: {escape(status)}</text>"
           "</svg>")
    return Response(svg, content_type="image/svg+xml")


@blueprint.get("/a/<int:accountId>/jobs/<int:jobId>")
@public
def job_page(accountId, jobId):
    job = current_world().state.get("jobs", jobId)
    if job is None or job["accountId"] != accountId:
        raise errors.job_id_not_found(jobId)
    return _html(f"Happo job {jobId}", [("Before", job["sha1"]), ("After", job["sha2"]),
                                        ("Projects", ", ".join(job["projects"])), ("Status", job["status"])])


@blueprint.get("/snapshots/<digest>/<int:width>/<int:height>")
@public
def snapshot_image(digest, width, height):
    if not (1 <= width <= media.MAX_SIDE and 1 <= height <= media.MAX_SIDE):
        raise errors.no_such_image()
    data = media.solid_png(width, height, media.colour_for(digest))
    return Response(data, content_type="image/png", headers={"Cache-Control": "public, max-age=31536000, immutable"})
