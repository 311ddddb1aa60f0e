"""Attachments of folders, scenarios, test runs and test results: multipart `file` uploads."""

from __future__ import annotations

from flask import Response, request

from ...core import context
from ...core.filenames import content_disposition, safe_name
from . import errors
from .blueprint import blueprint, find, in_project, in_run, options, read_resource, render, respond, rows

P = "/api/projects/<int:project_id>"
OWNERS = {
    "folders": (P + "/folders/<int:folder_id>", "folder_id"),
    "scenarios": (P + "/scenarios/<int:scenario_id>", "scenario_id"),
    "test_runs": (P + "/test_runs/<int:test_run_id>", "test_run_id"),
    "test_results": (P + "/test_runs/<int:test_run_id>/test_snapshots/<int:test_snapshot_id>"
                     "/test_results/<int:test_result_id>", "test_result_id"),
}


def _owner(state, kind, kw) -> dict:
    if kind == "test_results":
        _, snap = in_run(state, "test_snapshots", kw["project_id"], kw["test_run_id"], kw["test_snapshot_id"])
        return find(state, "test_results", kw["test_result_id"], test_snapshot_id=snap["id"])
    return in_project(state, kind, kw["project_id"], kw[OWNERS[kind][1]])


def _uploaded():
    # the contract (Upload) required a `file` field, but it cannot tell a file part from a text field of
    # that name (or a part whose file name could not be parsed, which reads as one); Rack drops a part
    # with an empty file name too
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise errors.file_required()
    return upload


def _stored_name(sent: str | None) -> str:
    # only the base name is kept; a name with nothing usable left becomes "unnamed", as CarrierWave
    # (the most plausible Rails uploader behind Hiptest) names one
    return safe_name(sent) or "unnamed"


def _check_room(state, content: bytes, replacing: dict | None = None) -> None:
    """The tenant's attachments stay within --max-stored-mb (a replaced file's bytes are freed)."""
    # a sum over every record: read without copying them into the tenant's world
    stored = sum(a.get("file_size") or 0 for a in state.peek_values("attachments"))
    if replacing is not None:
        stored -= replacing.get("file_size") or 0
    if not context.check_stored(stored, len(content)):
        raise errors.storage_full(context.settings().max_stored_mb)


def _register(kind: str):
    prefix, _ = OWNERS[kind]

    def list_attachments(**kw):
        state = context.state()
        owner = _owner(state, kind, kw)
        return render(state, "attachments", rows(state, "attachments", owner_type=kind, owner_id=owner["id"]),
                      options=options())

    def create_attachment(**kw):
        state = context.state()
        owner = _owner(state, kind, kw)
        upload = _uploaded()
        content = upload.read()
        _check_room(state, content)
        attachment = state.insert("attachments", {
            "owner_type": kind, "owner_id": owner["id"], "file_name": _stored_name(upload.filename),
            "file_size": len(content),
            "content": content, "content_type": upload.mimetype or "application/octet-stream"})
        attachment["file_url"] = request.path.removeprefix(request.script_root) + f"/{attachment['id']}"
        # the docs answer an upload with 200, unlike the 201 of every other create
        return render(state, "attachments", attachment, options=options())

    def _one(state, kw):
        owner = _owner(state, kind, kw)
        return find(state, "attachments", kw["attachment_id"], owner_type=kind, owner_id=owner["id"])

    def get_attachment(**kw):
        attachment = _one(context.state(), kw)
        return Response(attachment["content"], 200, content_type="application/octet-stream",
                        headers={"Content-Disposition": content_disposition(attachment["file_name"])})

    def update_attachment(**kw):
        state = context.state()
        attachment = _one(state, kw)
        if request.mimetype == "multipart/form-data":
            upload = _uploaded()
            content = upload.read()
            _check_room(state, content, replacing=attachment)
            attachment.update(file_name=_stored_name(upload.filename), content=content, file_size=len(content))
        else:
            attrs, _ = read_resource("attachments", url_id=kw["attachment_id"])
            if "file_name" in attrs:
                attrs["file_name"] = _stored_name(attrs["file_name"])
            attachment.update(attrs)
        return render(state, "attachments", attachment, options=options())

    def delete_attachment(**kw):
        state = context.state()
        attachment = _one(state, kw)
        state.delete("attachments", attachment["id"])
        return respond({"data": {}})

    blueprint.add_url_rule(prefix + "/attachments", f"list_attachments_{kind}", list_attachments, methods=["GET"])
    blueprint.add_url_rule(prefix + "/attachments", f"create_attachment_{kind}", create_attachment, methods=["POST"])
    one = prefix + "/attachments/<int:attachment_id>"
    blueprint.add_url_rule(one, f"get_attachment_{kind}", get_attachment, methods=["GET"])
    blueprint.add_url_rule(one, f"update_attachment_{kind}", update_attachment, methods=["PATCH"])
    blueprint.add_url_rule(one, f"delete_attachment_{kind}", delete_attachment, methods=["DELETE"])


for _kind in OWNERS:
    _register(_kind)
