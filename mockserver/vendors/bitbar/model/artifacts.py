"""Real bytes for what a run produces: PNG screenshots, junit.xml, logs, performance samples,
PDF/CSV/zipped-HTML reports and zip bundles."""

from __future__ import annotations

import csv
import io
import random
import zipfile
from xml.sax.saxutils import quoteattr

from ....core.media import html_grid, html_page, solid_png
from . import timeline

PASS_RGB = (46, 160, 67)
FAIL_RGB = (200, 40, 40)


ICON_RGB = (0, 120, 215)
DEVICE_IMAGE_RGB = (40, 40, 40)


def screenshot_png(shot: dict) -> bytes:
    width, height = (96, 54) if shot["type"] == "LANDSCAPE" else (54, 96)
    return solid_png(width, height, FAIL_RGB if shot["fail"] else PASS_RGB)


def icon_png() -> bytes:
    """A project's icon (taken from its application, as the service does)."""
    return solid_png(48, 48, ICON_RGB)


def device_image_png() -> bytes:
    """A device's picture at any of its frame sizes."""
    return solid_png(25, 50, DEVICE_IMAGE_RGB)


def screenshots(dr: dict) -> list[dict]:
    """One screenshot per test case, taken at its end; a failing case's shows the failure."""
    shots = []
    for index, (name, passed) in enumerate(timeline.cases_of(dr)):
        shots.append({
            "id": dr["screenshotIdBase"] + index,
            "originalName": timeline.screenshot_name(name),
            "fail": not passed,
            "type": "LANDSCAPE" if index % 3 == 2 else "PORTRAIT",
            "deviceRunId": dr["id"],
        })
    return shots


def junit_xml(dr: dict, device: dict) -> bytes:
    results = timeline.cases_of(dr)
    failures = sum(not ok for _, ok in results)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             f'<testsuite name={quoteattr(device["displayName"])} tests="{len(results)}" failures="{failures}" '
             f'errors="0" skipped="0" time="{dr["durationMs"] / 1000:.3f}">']
    for name, ok in results:
        lines.append(f'  <testcase classname="{timeline.TEST_CLASS}" name="{name}" time="1.000">')
        if not ok:
            lines.append(f'    <failure message="{name} failed" type="junit.framework.AssertionFailedError">'
                         f'junit.framework.AssertionFailedError: {name} failed</failure>')
        lines.append("  </testcase>")
    lines.append("</testsuite>")
    return ("\n".join(lines) + "\n").encode()


def logs(dr: dict, device: dict, view: dict) -> bytes:
    """The states so far; the test runner's lines only once the tests have completed."""
    out = [f"--- device run {dr['id']} on {device['displayName']} ---"]
    for st in view["states"]:
        out.append(f"{st['startTimeMS']} I/Testdroid: {st['deviceRunStateType']} {st['status']}")
    for name, ok in (timeline.cases_of(dr) if view["status"] in timeline.COMPLETED else []):
        level = "I" if ok else "E"
        out.append(f"{level}/TestRunner: {'finished' if ok else 'failed'}: {name}({timeline.TEST_CLASS})")
    return ("\n".join(out) + "\n").encode()


def performance(dr: dict, at: int) -> list[dict]:
    """A sample every tenth of the run, up to now; values seeded by the device run id."""
    rng = random.Random(dr["id"])
    items = []
    step = max(dr["durationMs"] // 10, 1)
    for i in range(10):
        ts = dr["startMs"] + i * step
        if ts > at:
            break
        items.append({"packageName": "com.bitbar.testdroid", "cpuUsage": round(rng.uniform(0.05, 0.9), 2),
                      "timestamp": ts, "memUsage": rng.randint(12000, 90000)})
    return items


def zip_bytes(entries: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def _pdf_escape(text: str) -> str:
    latin = text.encode("latin-1", "replace").decode("latin-1")
    return latin.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF 1.4 with Helvetica text (valid xref offsets, readable by any viewer)."""
    text = ["BT", "/F1 16 Tf", "50 800 Td", f"({_pdf_escape(title)}) Tj", "/F1 10 Tf"]
    for line in lines[:60]:
        text += ["0 -14 Td", f"({_pdf_escape(line)}) Tj"]
    text.append("ET")
    stream = "\n".join(text).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


REPORT_COLUMNS = ("testRunId", "testRun", "deviceRunId", "device", "status", "testCase", "result")


def report_rows(items: list[tuple[dict, dict, dict, str]], failures_only: bool) -> list[dict]:
    """items: (run, device run, device, status) -> one row per test case."""
    rows = []
    for run, dr, device, status in items:
        for name, ok in timeline.cases_of(dr):
            if failures_only and ok:
                continue
            rows.append({"testRunId": run["id"], "testRun": run["displayName"], "deviceRunId": dr["id"],
                         "device": device["displayName"], "status": status, "testCase": name,
                         "result": "PASSED" if ok else "FAILED"})
    return rows


def report(kind: str, title: str, rows: list[dict]) -> tuple[bytes, str, str]:
    """(bytes, content type, file extension) of a report in the asked presentation type."""
    if kind == "CSV":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=REPORT_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
        return buffer.getvalue().encode(), "text/csv", "csv"
    if kind == "PDF":
        lines = [f"{r['testRun']} / {r['device']}: {r['testCase']} {r['result']}" for r in rows] or ["No test cases"]
        return pdf(title, lines), "application/pdf", "pdf"
    page = html_page(title, html_grid(REPORT_COLUMNS, rows))
    return zip_bytes([("index.html", page.encode())]), "application/zip", "zip"
