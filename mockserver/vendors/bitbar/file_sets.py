"""File sets: named sets of the caller's uploaded files, listed, zipped and shared with access groups
(`testdroid share-file-set`). The v2 doc leaves them out; their shape follows the other user resources."""

from __future__ import annotations

from ...core import context
from ...core.filenames import zip_entry
from ...core.negotiation import empty
from . import errors
from . import schemas as s
from .blueprint import (
    caller,
    dump,
    dump_list,
    file_bytes,
    file_out,
    given,
    me,
    me_route,
    send,
    share,
    state,
)
from .model import artifacts


def _set(fileSetId) -> dict:
    return caller().owned("fileSets", fileSetId, errors.file_set_not_found)


def _out(record: dict) -> dict:
    return {**record, "fileCount": len(record["fileIds"])}


def _files(record: dict) -> list[dict]:
    st = state()
    return [f for f in (st.get("files", i) for i in record["fileIds"]) if f is not None]


@me_route("/file-sets")
def list_file_sets():
    rows = sorted(state().where("fileSets", "userId", me()["id"]), key=lambda r: r["id"])
    return dump_list(s.FileSetOut, [_out(r) for r in rows])


@me_route("/file-sets", methods=("POST",))
def create_file_set():
    name = given("name")["name"]
    record = state().insert("fileSets", {"id": None, "userId": me()["id"], "name": name,
                                          "createTime": context.now_ms(), "fileIds": []})
    return dump(s.FileSetOut, _out(record), 201, root="fileSet")


@me_route("/file-sets/<int:fileSetId>")
def get_file_set(fileSetId):
    return dump(s.FileSetOut, _out(_set(fileSetId)), root="fileSet")


@me_route("/file-sets/<int:fileSetId>", methods=("POST",))
def update_file_set(fileSetId):
    record = _set(fileSetId)
    record["name"] = given("name")["name"]
    return dump(s.FileSetOut, _out(record), 202, root="fileSet")


@me_route("/file-sets/<int:fileSetId>", methods=("DELETE",))
def delete_file_set(fileSetId):
    _set(fileSetId)
    st = state()
    st.delete("fileSets", fileSetId)
    for access in st.table("accessGroups").values():
        kept = [r for r in access["resources"] if not (r["type"] == "FILE_SET" and r["resourceId"] == fileSetId)]
        if len(kept) != len(access["resources"]):
            access["resources"] = kept
    return empty()


@me_route("/file-sets/<int:fileSetId>/files")
def list_file_set_files(fileSetId):
    return dump_list(s.FileOut, [file_out(f) for f in _files(_set(fileSetId))])


@me_route("/file-sets/<int:fileSetId>/files", methods=("POST",))
def add_file_set_file(fileSetId):
    record = _set(fileSetId)
    added = caller().file(given("fileId")["fileId"])
    if added["id"] in record["fileIds"]:
        raise errors.file_already_in_set(added["id"])
    record["fileIds"].append(added["id"])
    return dump(s.FileSetOut, _out(record), 201, root="fileSet")


@me_route("/file-sets/<int:fileSetId>/files/<int:fileId>", methods=("DELETE",))
def remove_file_set_file(fileSetId, fileId):
    record = _set(fileSetId)
    if fileId not in record["fileIds"]:
        raise errors.file_not_in_set(fileId)
    record["fileIds"].remove(fileId)
    return empty()


@me_route("/file-sets/<int:fileSetId>/files.zip")
def file_set_zip(fileSetId):
    record = _set(fileSetId)
    entries = [(zip_entry(name=f["name"]), file_bytes(f)) for f in _files(record)]
    return send(artifacts.zip_bytes(entries), f"file-set-{fileSetId}.zip", "application/zip")


@me_route("/file-sets/<int:fileSetId>/share", methods=("POST",))
def share_file_set(fileSetId):
    _set(fileSetId)
    return share("FILE_SET", fileSetId)
