"""Everything a handed-out URL points at: report, comparison and job pages, status badges, images, upload targets."""

from __future__ import annotations

from html import escape

from flask import Response, request

from ...core.errors import VendorError
from ...core.negotiation import json_response
from ...core import media as png
from .model import assets, comparisons, reports
from .routes import bp, current_world, public, signed

BADGE_COLOURS = {"success": "#2da44e", "failure": "#cf222e", "awaiting review": "#bf8700", "pending": "#6e7781"}


def _html(title: str, rows: list[tuple[str, str]]) -> Response:
    items = "".join(f"<tr><th>{escape(k)}</th><td>{escape(str(v))}</td></tr>" for k, v in rows)
    page = f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(title)}</title></head>" \
           f"<body><h1>{escape(title)}</h1><table>{items}</table></body></html>"
    return Response(page, content_type="text/html; charset=utf-8")


def _project(accountId: int, projectId: int) -> dict:
    proj = reports.project_by_id(current_world(), projectId)
    if proj is None or proj["accountId"] != accountId:
        raise VendorError(404, f"No project {projectId}")
    return proj


@bp.get("/a/<int:accountId>/p/<int:projectId>/report/<sha>")
@public
def report_page(accountId, projectId, sha):
    world = current_world()
    proj = _project(accountId, projectId)
    report = reports.raw_report(world, proj, sha)
    if report is None:
        raise VendorError(404, f'No report found for sha "{sha}"')
    status = reports.status_of(world, proj, report)
    return _html(f"Happo report {sha}", [("Project", proj["name"]), ("Snapshots", status["snapshotCount"]),
                                          ("Created", status["createdAt"]), ("Completed", status["completedAt"] or "-")])


def _comparison(accountId, projectId, sha1, sha2):
    world = current_world()
    proj = _project(accountId, projectId)
    comparison = comparisons.find(world, proj, sha1, sha2)
    if comparison is None:
        raise VendorError(404, f'No comparison found for "{sha1}" and "{sha2}"')
    comparisons.settle(world, comparison)
    return proj, comparison


@bp.get("/a/<int:accountId>/p/<int:projectId>/compare/<sha1>/<sha2>")
@public
def compare_page(accountId, projectId, sha1, sha2):
    proj, comparison = _comparison(accountId, projectId, sha1, sha2)
    rows = [("Project", proj["name"]), ("Status", comparisons.status_value(comparison))]
    if comparison.get("result") is not None:
        rows.append(("Summary", comparisons.summary(comparison["result"])))
    return _html(f"Happo comparison {sha1}..{sha2}", rows)


@bp.get("/a/<int:accountId>/p/<int:projectId>/compare/<sha1>/<sha2>/status.svg")
@public
def compare_badge(accountId, projectId, sha1, sha2):
    _, comparison = _comparison(accountId, projectId, sha1, sha2)
    status = comparisons.status_value(comparison)
    svg = (f"<svg xmlns='http://www.w3.org/2000/svg' width='160' height='20'>"
           f"<rect width='160' height='20' fill='{BADGE_COLOURS[status]}'/>"
           f"<text x='8' y='14' fill='#fff' font-family='sans-serif' font-size='11'>happo: {escape(status)}</text></svg>")
    return Response(svg, content_type="image/svg+xml")


@bp.get("/a/<int:accountId>/jobs/<int:jobId>")
@public
def job_page(accountId, jobId):
    job = current_world().state.get("jobs", jobId)
    if job is None or job["accountId"] != accountId:
        raise VendorError(404, f"No job {jobId}")
    return _html(f"Happo job {jobId}", [("Before", job["sha1"]), ("After", job["sha2"]),
                                        ("Projects", ", ".join(job["projects"])), ("Status", job["status"])])


@bp.get("/snapshots/<digest>/<int:width>/<int:height>")
@public
def snapshot_image(digest, width, height):
    if not (1 <= width <= png.MAX_SIDE and 1 <= height <= png.MAX_SIDE):
        raise VendorError(404, "No such image")
    data = png.solid_png(width, height, png.colour_for(digest))
    return Response(data, content_type="image/png", headers={"Cache-Control": "public, max-age=31536000, immutable"})


@bp.get("/images/<int:accountId>/<hash>")
@public
def uploaded_image(accountId, hash):
    image = current_world().state.get("images", (accountId, hash))
    if image is None:
        raise VendorError(404, f"No image {hash}")
    return Response(image["data"], content_type=image["contentType"])


@bp.put("/uploads/assets/<int:accountId>/<hash>")
@signed(assets.check_signed)
def signed_asset_put(accountId, hash):
    md5 = assets.put_signed(current_world(), accountId, hash, request.args.get("signature", ""), request.get_data())
    # S3 answers a PUT with the body's md5 as the ETag; happo 6 checks it
    return Response(b"", status=200, headers={"ETag": f'"{md5}"'})


@bp.post("/uploads/images/<int:accountId>/<hash>")
@signed(assets.check_image_upload)
def image_upload(accountId, hash):
    upload = request.files.get("file")
    if upload is None:
        raise VendorError(400, "file: a multipart file field is required")
    data = upload.read()
    out = assets.store_image(current_world(), accountId, hash, request.args.get("signature", ""), data,
                             upload.mimetype or "image/png")
    return json_response(out)
