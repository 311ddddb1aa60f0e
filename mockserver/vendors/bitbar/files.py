"""Uploaded and produced files: kept in memory per tenant, under generated ids, served back byte for byte."""

from __future__ import annotations

from ...core.negotiation import empty
from . import errors
from . import schemas as s
from .blueprint import (
    caller,
    dump,
    dump_list,
    file_bytes,
    file_out,
    file_ready,
    me,
    me_route,
    send,
    share,
    state,
    store_upload,
)


@me_route("/files")
def list_files():
    rows = [file_out(f) for f in state().where("files", "userId", me()["id"])]
    return dump_list(s.FileOut, sorted(rows, key=lambda f: f["id"]))


@me_route("/files", methods=("POST",))
def upload_file():
    return dump(s.FileOut, file_out(store_upload()), 201, root="file")


@me_route("/files/<int:fileId>")
def get_file(fileId):
    return dump(s.FileOut, file_out(caller().file(fileId)), root="file")


@me_route("/files/<int:fileId>", methods=("DELETE",))
def delete_file(fileId):
    caller().file(fileId)
    state().delete("files", fileId)
    for file_set in state().table("fileSets").values():
        if fileId in file_set["fileIds"]:
            file_set["fileIds"].remove(fileId)
    projects = state().table("projects")
    for key in [key for key, project in state().peek("projects") if fileId in project["files"].values()]:
        roles = projects[key]["files"]  # (only the projects holding the file are copied into the tenant)
        for role, ident in list(roles.items()):
            if ident == fileId:
                roles[role] = None
    return empty()


@me_route("/files/<int:fileId>/file")
def download_file(fileId):
    record = caller().file(fileId)
    if not file_ready(record):
        raise errors.file_not_ready(fileId)
    return send(file_bytes(record), record["name"])


@me_route("/files/<int:fileId>/share", methods=("POST",))
def share_file(fileId):
    caller().file(fileId)
    return share("FILE", fileId)
