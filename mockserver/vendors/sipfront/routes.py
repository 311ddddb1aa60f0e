"""The one Sipfront blueprint: auth on every route, the endpoint index, projects, tests and app images.
Runs, launches and reports register on this same blueprint from their own modules."""

from __future__ import annotations

import hashlib
import json
import posixpath
from urllib.parse import urlparse

from flask import Blueprint, g, request

from ...core import context
from ...core.bodies import is_json
from ...core.negotiation import json_response
from . import errors
from .auth import require_api_key
from .model import format_time
from .schemas import AppImageOut, EndpointOut, ProjectOut, TestOut

blueprint = Blueprint("sipfront", __name__)
API = "/api/v2"

# the doc's endpoint index, in its order; only the run-status route carries a name there
INDEX = (
    (("GET",), "", None),
    (("GET", "POST"), "/appimages", None),
    (("GET",), "/projects", None),
    (("GET",), "/projects/:id/status/last", None),
    (("POST",), "/projects/run", None),
    (("GET",), "/runs", None),
    (("GET",), "/runs/:id/status", "api_run_status"),
    (("GET",), "/runs/:sid/stats", None),
    (("GET",), "/runs/:sid/stats/:measure", None),
    (("GET",), "/tests", None),
    (("GET",), "/tests/:id/status/last", None),
    (("GET",), "/tests/:tid/stats", None),
    (("GET",), "/tests/:tid/stats/:measure", None),
    (("POST",), "/tests/run", None),
)


@blueprint.before_request
def _authenticate():
    require_api_key()


def reply(key: str, schema, data, status: int = 200, many: bool = False):
    """Sipfront's envelope: the payload under its key next to the HTTP status."""
    return json_response({key: schema(many=many).dump(data), "status": status}, status)


def body_params() -> dict:
    """The body the contract checked (form or multipart fields, or a JSON object whose nested objects are
    read as the dotted keys they stand for); with --no-validate-requests, a multipart body sent to an
    operation that documents none still has its text fields read."""
    if g.get("body") is not None:
        return _flatten(g.body) if is_json() else dict(g.body)
    if request.mimetype == "multipart/form-data":
        return {key: values if len(values) > 1 else values[0] for key, values in request.form.lists()}
    return {}


def _flatten(data: dict, prefix: str = "") -> dict:
    out = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, f"{name}."))
        else:
            out[name] = value
    return out


def tags_text(tags: list[str]) -> str:
    return json.dumps(tags)


@blueprint.get(API)
def index():
    base = context.base_url() + API
    endpoints = []
    for methods, path, name in INDEX:
        entry = {"methods": list(methods), "url": base + path}
        if name:
            entry["name"] = name
        endpoints.append(entry)
    return reply("endpoints", EndpointOut, endpoints, many=True)


@blueprint.get(f"{API}/projects")
def list_projects():
    state = context.state()
    tests = sorted(state.table("tests").values(), key=lambda t: t["id"])
    projects = [
        {**project, "test_ids": [t["id"] for t in tests if t["project_id"] == project["id"]]}
        for project in sorted(state.table("projects").values(), key=lambda p: p["id"])
    ]
    return reply("projects", ProjectOut, projects, many=True)


def test_out(state, test: dict) -> dict:
    project = state.get("projects", test["project_id"])
    return {**test, "project_name": project["name"], "tags": tags_text(test["tags"])}


@blueprint.get(f"{API}/tests")
def list_tests():
    state = context.state()
    tests = [test_out(state, t) for t in sorted(state.table("tests").values(), key=lambda t: t["id"])]
    return reply("tests", TestOut, tests, many=True)


@blueprint.get(f"{API}/appimages")
def list_appimages():
    images = sorted(context.state().table("appimages").values(), key=lambda a: a["id"])
    return reply("appimages", AppImageOut, images, many=True)


_EXTENSIONS = {".apk": "android", ".aab": "android", ".ipa": "ios", ".app": "ios"}


@blueprint.post(f"{API}/appimages")
def upload_appimage():
    strangers = [name for name in request.files if name != "file"]
    if strangers:
        raise errors.stray_file_part(strangers[0])
    # the contract sees a multipart part only as a field value, so it cannot tell the file part from a
    # text field named `file`: a text `file` carries no image
    if "file" in request.form:
        raise errors.file_as_text_field()
    fields = body_params()  # checked by the contract: name, platform, url and filename as the spec declares them
    upload = request.files.get("file")
    if upload is not None:
        content = upload.read()
        filename = fields.get("filename") or posixpath.basename(upload.filename or "")
        size, digest, url = len(content), hashlib.sha256(content).hexdigest(), None
        if not content:
            raise errors.empty_upload()
    elif fields.get("url"):
        url = fields["url"]
        filename = fields.get("filename") or posixpath.basename(urlparse(url).path)
        size, digest = 0, ""
    else:
        raise errors.image_missing()
    if not filename:
        raise errors.filename_missing()
    platform = fields.get("platform") or _EXTENSIONS.get(posixpath.splitext(filename)[1].lower())
    if platform is None:
        raise errors.platform_unknown()
    image = context.state().insert("appimages", {
        "name": fields.get("name") or filename,
        "filename": filename,
        "platform": platform,
        "size": size,
        "sha256": digest,
        "url": url,
        "created_at": format_time(context.now()),
    })
    # a created record is answered 201, the standard code the doc promises
    return reply("appimage", AppImageOut, image, status=201)


from . import launch, runs_api  # noqa: E402,F401  (they add their routes to this blueprint)
