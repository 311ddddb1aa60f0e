"""Files: what Bitbar reads out of an upload, and the bytes and readiness of the files a run produces."""

from __future__ import annotations

import mimetypes
import os
import re

from . import artifacts, timeline

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


def stored_bytes(state) -> int:
    return sum(len(f["content"] or b"") for f in state.peek_values("files"))


def uploaded(state, user_id: int, name: str, data: bytes, role: str | None, project_id: int | None, at: int) -> dict:
    """A new input file record of `user_id` (not yet inserted); its virus scan ends by the simulation's clock."""
    sim = timeline.simulation(state)
    return {"id": None, "userId": user_id, "name": name, "content": data, "generated": None,
            "direction": "INPUT", "inputType": role or input_type(name), "createTime": at,
            "projectId": project_id, "role": role,
            "virusScanStatus": "infected" if name in sim["infectedFileNames"] else "safe",
            "scanReadyMs": at + sim["virusScanSeconds"] * 1000, **package_facts(name)}


# A produced file depends on its device run's progress, an uploaded one never: `now` (a function giving
# the mock time in ms) is only called for a produced one, so an upload's answer stays time-free.
def content(state, record: dict, now) -> bytes:
    generated = record.get("generated")
    if not generated:
        return record["content"] or b""
    dr = state.get("deviceRuns", generated["deviceRunId"])
    device = state.get("devices", dr["deviceId"])
    if generated["kind"] == "junit":
        return artifacts.junit_xml(dr, device)
    if generated["kind"] == "screenshot":
        return artifacts.screenshot_png(artifacts.screenshots(dr)[generated["index"]])
    return artifacts.logs(dr, device, timeline.view(dr, now()))


def ready(state, record: dict, now) -> bool:
    generated = record.get("generated")
    if not generated:
        return True
    dr = state.get("deviceRuns", generated["deviceRunId"])
    # an aborted device run leaves its logs but no test results
    return timeline.view(dr, now())["status"] in (timeline.FINAL if generated["kind"] == "logs"
                                                  else timeline.COMPLETED)


def out(state, record: dict, at: int) -> dict:
    """A file as the API shows it at `at`: size, type, READY/PROCESSING and its virus scan status."""
    scan = record.get("virusScanStatus", "safe")
    if at < record.get("scanReadyMs", 0):
        scan = "in_progress"
    return {**record, "size": len(content(state, record, lambda: at)), "mimeType": mime_of(record["name"]),
            "state": "READY" if ready(state, record, lambda: at) else "PROCESSING", "tags": record.get("tags", []),
            "fileProperties": [{"key": "virus_scan_status", "value": scan}]}
