"""Uploaded and produced files: kept in memory per tenant, under generated ids, served back byte for byte."""

from __future__ import annotations

import io
import mimetypes
import os
import re

from flask import Response, request, send_file

from ...core.errors import VendorError
from ...core.negotiation import empty
from . import auth, schemas as s
from .model import artifacts, lookups
from .model import timeline as runs
from .users import share
from .blueprint import dump, dump_list, me_route, state

MISSING_FILE = "Missing file: send multipart/form-data with a 'file' part"
MIME = {".apk": "application/vnd.android.package-archive", ".ipa": "application/octet-stream",
        ".zip": "application/zip", ".xml": "application/xml", ".txt": "text/plain"}


def readable_size(size: int) -> str:
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= scale:
            value = size / scale
            return f"{value:.1f} {unit}".replace(".0 ", " ")
    return f"{size} B"


def mime_of(name: str) -> str:
    ext = os.path.splitext(name)[1].lower()
    return MIME.get(ext) or mimetypes.guess_type(name)[0] or "application/octet-stream"


def input_type(name: str) -> str:
    lower = name.lower()
    if "test" in lower:
        return "test"
    if lower.endswith((".apk", ".ipa", ".app")):
        return "application"
    # a bare zip is most often an Appium test package on Bitbar; "data" in the name marks a data zip
    return "data" if "data" in lower else "test"


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", os.path.splitext(name)[0].lower()) or "app"


def package_facts(name: str) -> dict:
    """What Bitbar reads out of a package: Android package/minSdk or iOS bundle id."""
    if name.lower().endswith((".ipa", ".app")):
        return {"bundleIdentifier": f"com.example.{_slug(name)}", "bundleName": os.path.splitext(name)[0],
                "packageName": None, "minSdk": None, "mainActivity": None}
    return {"packageName": f"com.example.{_slug(name)}", "minSdk": 21,
            "mainActivity": None if "test" in name.lower() else f"com.example.{_slug(name)}.MainActivity",
            "bundleIdentifier": None, "bundleName": None}


def store_upload(role: str | None = None, project_id: int | None = None) -> dict:
    """The multipart field `file` saved as a new file record of the caller."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise VendorError(400, MISSING_FILE)
    data = upload.read()
    name = os.path.basename(upload.filename.replace("\\", "/")) or "file"
    st = state()
    sim = runs.simulation(st)
    stored = sum(len(f["content"] or b"") for f in st.table("files").values())
    if stored + len(data) > sim["maxStoredMb"] * 1024 * 1024:
        raise VendorError(413, "Storage quota of this account exceeded")
    record = {"id": None, "userId": lookups.user_id(), "name": name, "content": data, "generated": None,
              "direction": "INPUT", "inputType": role or input_type(name), "createTime": auth.now_ms(),
              "projectId": project_id, "role": role,
              "virusScanStatus": "infected" if name in sim["infectedFileNames"] else "safe",
              "scanReadyMs": auth.now_ms() + sim["virusScanSeconds"] * 1000, **package_facts(name)}
    return st.insert("files", record)


def file_bytes(record: dict) -> bytes:
    generated = record.get("generated")
    if not generated:
        return record["content"] or b""
    st = state()
    dr = st.get("deviceRuns", generated["deviceRunId"])
    device = st.get("devices", dr["deviceId"])
    if generated["kind"] == "junit":
        return artifacts.junit_xml(dr, device)
    if generated["kind"] == "screenshot":
        return artifacts.screenshot_png(artifacts.screenshots(dr)[generated["index"]])
    return artifacts.logs(dr, device, runs.view(dr))


def file_ready(record: dict) -> bool:
    generated = record.get("generated")
    if not generated:
        return True
    dr = state().get("deviceRuns", generated["deviceRunId"])
    # an aborted device run leaves its logs but no test results
    return runs.view(dr)["status"] in (runs.FINAL if generated["kind"] == "logs" else runs.COMPLETED)


def file_out(record: dict) -> dict:
    scan = record.get("virusScanStatus", "safe")
    if auth.now_ms() < record.get("scanReadyMs", 0):
        scan = "in_progress"
    return {**record, "size": len(file_bytes(record)), "mimeType": mime_of(record["name"]),
            "state": "READY" if file_ready(record) else "PROCESSING",
            "fileProperties": [{"key": "virus_scan_status", "value": scan}]}


def legacy_out(record: dict) -> dict:
    return {**record, "originalName": record["name"], "readableSize": readable_size(len(record["content"] or b"")),
            "uploadTime": record["createTime"]}


def send(data: bytes, name: str, mimetype: str | None = None) -> Response:
    """An attachment; Flask writes an ASCII filename plus filename* for names beyond latin-1."""
    return send_file(io.BytesIO(data), mimetype=mimetype or mime_of(name), as_attachment=True, download_name=name,
                     etag=False, conditional=False, max_age=None)


@me_route("/files")
def list_files():
    rows = [file_out(f) for f in state().table("files").values() if f["userId"] == lookups.user_id()]
    return dump_list(s.FileOut, sorted(rows, key=lambda f: f["id"]))


@me_route("/files", methods=("POST",))
def upload_file():
    return dump(s.FileOut, file_out(store_upload()), 201, root="file")


@me_route("/files/<int:fileId>")
def get_file(fileId):
    return dump(s.FileOut, file_out(lookups.file(fileId)), root="file")


@me_route("/files/<int:fileId>", methods=("DELETE",))
def delete_file(fileId):
    lookups.file(fileId)
    state().delete("files", fileId)
    for project in state().table("projects").values():
        for role, ident in list(project["files"].items()):
            if ident == fileId:
                project["files"][role] = None
    return empty()


@me_route("/files/<int:fileId>/file")
def download_file(fileId):
    record = lookups.file(fileId)
    if not file_ready(record):
        raise VendorError(404, f"File {fileId} is not ready yet")
    return send(file_bytes(record), record["name"])


@me_route("/files/<int:fileId>/share", methods=("POST",))
def share_file(fileId):
    lookups.file(fileId)
    return share("FILE", fileId)
