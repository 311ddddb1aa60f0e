"""Hostile file names never break an upload or a download: every vendor that stores a named file, on the main
port (prefix) and on its own port, stores the safe base name, echoes and lists it, and sends it back in a
well-formed RFC 6266 `Content-Disposition` (an ASCII `filename` and the exact UTF-8 `filename*`), with no
header injected. Multipart bodies are built by hand so that the names reach the server byte for byte."""

from __future__ import annotations

import io
import re
import unicodedata
import uuid
import zipfile
from urllib.parse import quote, unquote

import pytest
import requests
import yaml
from werkzeug.http import parse_options_header

from mockserver.vendors import registry
from tests.vendors.bitbar.conftest import DEFAULT_FIXTURES

LONG = "n" * 996 + ".txt"  # 1,000 characters
WIDE = "é" * 300 + ".pdf"  # 600 bytes of two-byte characters: cut on a character boundary
# sent → what is stored and echoed ("" = nothing usable is left: the vendor's default name or its 4xx)
NAMES = {
    "../../../../etc/passwd": "passwd",
    "a\r\nX-Injected: 1.txt": "aX-Injected: 1.txt",
    "nul\x00.txt": "nul.txt",
    "résumé 日本.pdf": "résumé 日本.pdf",
    LONG: "n" * 251 + ".txt",
    WIDE: "é" * 125 + ".pdf",
    "C:\\Users\\me\\report.txt": "report.txt",
    "\u202etxt.exe": "txt.exe",  # a right-to-left override would show it as exe.txt
    "My Screenshot (2).png": "My Screenshot (2).png",
    ".": "",
    "..": "",
    "": "",
}
# raw bytes between the quotes of `filename="..."`, as a careless or hostile client writes them
RAW = [
    b"../../../../etc/passwd",
    "résumé 日本.pdf".encode(),
    b"latin-1 \xe9t\xe9.txt",
    b"\xff\xfe broken utf-8.txt",
    b"nul\x00.txt",
    b"a\rX-Injected: 1.txt",
    b"a\nX-Injected: 1.txt",
    b'quote\\".txt',
    b"..\\..\\windows\\win.ini",
    b"%2e%2e%2fetc%2fpasswd",
    b"\x1b[31mred.txt",
    b"x" * 5000 + b".txt",
    b"",
    b".",
]
# the whole header: RFC 6266's two forms, the fallback plain printable ASCII without `"`, `\` or `%`
DISPOSITION = re.compile(r"attachment; filename=\"([ !#$&-\[\]-~]*)\"; filename\*=UTF-8''([A-Za-z0-9!#$&+\-.^_`|~%]*)")


def _multipart(parts: list[tuple[str, bytes, bytes]]) -> tuple[bytes, str]:
    """(body, content type) of parts (field, extra Content-Disposition parameters, content)."""
    boundary = f"names-{uuid.uuid4().hex}"
    out = b""
    for field, params, content in parts:
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"".encode() + params + b"\r\n")
        if params:
            out += b"Content-Type: application/octet-stream\r\n"
        out += b"\r\n" + content + b"\r\n"
    return out + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def carried(name: str) -> bytes:
    """The name exactly as the server will read it: RFC 2231's filename* (any character), or an empty filename."""
    return b"; filename*=UTF-8''" + quote(name, safe="").encode() if name else b'; filename=""'


def raw(name: bytes) -> bytes:
    return b'; filename="' + name + b'"'


def file_body(field: str, params: bytes, content: bytes = b"PK\x03\x04 bytes", **fields: str) -> dict:
    body, ctype = _multipart([(field, params, content)] + [(k, b"", v.encode()) for k, v in fields.items()])
    return {"data": body, "headers": {"Content-Type": ctype}}


def looks_safe(name: str) -> bool:
    return (bool(name.strip(".")) and not re.search(r"[/\\]", name) and len(name.encode()) <= 255
            and not any(unicodedata.category(ch) in ("Cc", "Cs") for ch in name) and name == name.strip())


def check_download(r: requests.Response, expected: str, where: str) -> None:
    assert r.status_code == 200, f"{where}: {r.status_code} {r.text[:200]}"
    assert "X-Injected" not in r.headers, where
    header = r.headers["Content-Disposition"]
    match = DISPOSITION.fullmatch(header)
    assert match, f"{where}: {header!r}"
    fallback, encoded = match.groups()
    assert unquote(encoded, errors="strict") == expected, where
    assert parse_options_header(header)[1]["filename"] == expected, where  # what a client's parser reads
    if expected.isascii() and '"' not in expected and "\\" not in expected and "%" not in expected:
        assert fallback == expected, where


@pytest.fixture(params=["main", "own"])
def session(request, server):
    """(requests session, base URL) for the vendor of the test, on the main port's prefix or its own port."""
    def make(vendor: str):
        s = requests.Session()
        s.headers.update({**registry()[vendor].demo_headers, "X-Mock-Tenant": f"names-{uuid.uuid4().hex[:10]}"})
        base = server.vendor_url(vendor) if request.param == "main" else server.port_url(vendor)
        return s, base
    return make


# -- Hiptest: attachments of folders, scenarios, runs and results ----------------------------------
HIPTEST_OWNER = "/api/projects/61344/folders/390002"


def test_hiptest_attachment_names(session):
    s, base = session("hiptest")
    for sent, safe in NAMES.items():
        where = f"hiptest {base} {sent[:30]!r}"
        r = s.post(base + HIPTEST_OWNER + "/attachments", timeout=30, **file_body("file", carried(sent)))
        if not sent:  # an empty file name is no file (as Rack reads it): the upload's own refusal
            assert r.status_code == 422 and r.json()["errors"], where
            continue
        assert r.status_code == 200, f"{where}: {r.status_code} {r.text[:200]}"
        attrs = r.json()["data"]["attributes"]
        stored = safe or "unnamed"
        assert attrs["file-name"] == stored, where
        check_download(s.get(base + attrs["file-url"], timeout=30), stored, where)
        listed = s.get(base + HIPTEST_OWNER + "/attachments", timeout=30).json()["data"]
        assert [a["attributes"]["file-name"] for a in listed if a["id"] == str(attrs["id"])] == [stored], where
        # the json:api rename takes any string up to the spec's 255 characters: it is reduced the same way
        renamed = s.patch(base + attrs["file-url"], timeout=30, json={
            "data": {"type": "attachments", "attributes": {"file-name": "x/" + sent}}})
        if len(sent) > 253:
            assert renamed.status_code == 422 and "file_name" in renamed.json()["errors"][0], where
            continue
        assert renamed.status_code == 200, f"{where}: {renamed.status_code} {renamed.text[:200]}"
        assert renamed.json()["data"]["attributes"]["file-name"] == stored, where
        check_download(s.get(base + attrs["file-url"], timeout=30), stored, where)


def test_hiptest_raw_multipart_names(session):
    s, base = session("hiptest")
    for name in RAW:
        where = f"hiptest {base} {name[:30]!r}"
        r = s.post(base + HIPTEST_OWNER + "/attachments", timeout=30, **file_body("file", raw(name)))
        assert r.status_code in (200, 400, 422), f"{where}: {r.status_code} {r.text[:200]}"
        if r.status_code == 200:
            attrs = r.json()["data"]["attributes"]
            assert looks_safe(attrs["file-name"]), f"{where}: {attrs['file-name']!r}"
            check_download(s.get(base + attrs["file-url"], timeout=30), attrs["file-name"], where)


# -- Bitbar: user files, project files and the project's files.zip --------------------------------
ME = "/api/v2/me"
PROJECT = 31945182


def test_bitbar_file_names(session):
    s, base = session("bitbar")
    for sent, safe in NAMES.items():
        where = f"bitbar {base} {sent[:30]!r}"
        r = s.post(base + ME + "/files", timeout=30, **file_body("file", carried(sent)))
        if not sent:  # no file name: the upload's "no file" refusal
            assert r.status_code == 400 and "file" in r.json()["message"], where
            continue
        assert r.status_code == 201, f"{where}: {r.status_code} {r.text[:200]}"
        stored = safe or "file"
        assert r.json()["name"] == stored, where
        check_download(s.get(f"{base}{ME}/files/{r.json()['id']}/file", timeout=30), stored, where)
        project = s.post(f"{base}{ME}/projects/{PROJECT}/files/data", timeout=30,
                         **file_body("file", carried(sent)))
        assert project.status_code == 201 and project.json()["originalName"] == stored, where
        check_download(s.get(f"{base}{ME}/projects/{PROJECT}/files/data", timeout=30), stored, where)
        archive = s.get(f"{base}{ME}/projects/{PROJECT}/files.zip", timeout=30)
        check_download(archive, f"project-{PROJECT}-files.zip", where)
        assert f"data/{stored}" in zipfile.ZipFile(io.BytesIO(archive.content)).namelist(), where
    listed = s.get(base + ME + "/files?limit=100", timeout=30).json()["data"]
    assert {f["name"] for f in listed} >= {safe or "file" for sent, safe in NAMES.items() if sent}


def test_bitbar_raw_multipart_names(session):
    s, base = session("bitbar")
    for name in RAW:
        where = f"bitbar {base} {name[:30]!r}"
        r = s.post(f"{base}{ME}/projects/{PROJECT}/files/data", timeout=30, **file_body("file", raw(name)))
        assert r.status_code in (201, 400), f"{where}: {r.status_code} {r.text[:200]}"
        if r.status_code == 201:
            stored = r.json()["originalName"]
            assert looks_safe(stored), f"{where}: {stored!r}"
            check_download(s.get(f"{base}{ME}/projects/{PROJECT}/files/data", timeout=30), stored, where)
            archive = zipfile.ZipFile(io.BytesIO(s.get(f"{base}{ME}/projects/{PROJECT}/files.zip", timeout=30).content))
            assert all(looks_safe(part) for entry in archive.namelist() for part in entry.split("/")), where


def test_bitbar_names_from_fixtures_and_paths_download_safely(session, server):
    s, base = session("bitbar")
    # fixtures are the operator's data, kept as written; what goes out as a header or a zip entry is made safe
    data = yaml.safe_load(DEFAULT_FIXTURES.read_text(encoding="utf-8"))
    hostile = "../../evil\r\nX-Injected: 1 ü.zip"
    for record in data["files"]:
        if record["role"] == "data":
            record["name"] = hostile
    tenant = s.headers["X-Mock-Tenant"]
    loaded = requests.post(f"{server.url}/_mock/fixtures", params={"vendor": "bitbar", "tenant": tenant},
                           json=data, timeout=10)
    assert loaded.status_code == 200, loaded.text
    check_download(s.get(f"{base}{ME}/projects/{PROJECT}/files/data", timeout=30), "evilX-Injected: 1 ü.zip", base)
    archive = zipfile.ZipFile(io.BytesIO(s.get(f"{base}{ME}/projects/{PROJECT}/files.zip", timeout=30).content))
    assert "data/evilX-Injected: 1 ü.zip" in archive.namelist()
    # a name taken from the URL path: percent-decoded, so it can hold a CR/LF
    image = s.get(f"{base}/resources/images/devices/a%0D%0AX-Injected:%201%E2%80%AE.png", timeout=30)
    check_download(image, "aX-Injected: 1.png", base)


# -- Sipfront: app images (the file part's name, or the `filename` field) -------------------------
APPIMAGES = "/api/v2/appimages"


def test_sipfront_appimage_names(session):
    s, base = session("sipfront")
    for sent, safe in NAMES.items():
        where = f"sipfront {base} {sent[:30]!r}"
        by_part = s.post(base + APPIMAGES, timeout=30, **file_body("file", carried(sent), platform="android"))
        by_field = s.post(base + APPIMAGES, timeout=30,
                          **file_body("file", carried("app.apk"), filename=sent, platform="android"))
        by_url = s.post(base + APPIMAGES, timeout=30, json={
            "url": "https://downloads.example.com/app.apk", "filename": sent, "platform": "android"})
        for how, r in (("part", by_part), ("field", by_field), ("url", by_url)):
            if not safe:  # no name left: the vendor's "filename" refusal
                assert r.status_code == 400 and r.json()["status"] == 400, f"{where} {how}: {r.text[:200]}"
                continue
            if how != "part" and len(sent) > 255:  # the field's own length limit
                assert r.status_code == 400 and "filename" in r.text, f"{where} {how}: {r.text[:200]}"
                continue
            assert r.status_code == 201, f"{where} {how}: {r.status_code} {r.text[:200]}"
            image = r.json()["appimage"]
            assert image["filename"] == safe and image["name"] == safe, f"{where} {how}"
    listed = s.get(base + APPIMAGES, timeout=30).json()["appimages"]
    assert {safe for safe in NAMES.values() if safe} <= {i["filename"] for i in listed}
    assert all(looks_safe(i["filename"]) for i in listed)


def test_sipfront_raw_multipart_names(session):
    s, base = session("sipfront")
    for name in RAW:
        where = f"sipfront {base} {name[:30]!r}"
        r = s.post(base + APPIMAGES, timeout=30, **file_body("file", raw(name), platform="android"))
        assert r.status_code in (201, 400), f"{where}: {r.status_code} {r.text[:200]}"
        if r.status_code == 201:
            assert looks_safe(r.json()["appimage"]["filename"]), f"{where}: {r.text[:200]}"


# -- Happo: assets and images are stored by hash, the file's own name is never kept ----------------
def test_happo_uploads_take_any_file_name(session):
    s, base = session("happo")
    for index, params in enumerate([raw(name) for name in RAW] + [carried(name) for name in NAMES]):
        where = f"happo {base} {params[:40]!r}"
        r = s.post(f"{base}/api/snap-requests/assets/h{index}", timeout=30, **file_body("payload", params))
        assert r.status_code in (200, 400), f"{where}: {r.status_code} {r.text[:200]}"
        target = s.get(f"{base}/api/images/img{index}/upload-url", timeout=30).json()["uploadUrl"]
        target = base + target[target.index("/uploads/"):]
        r = s.post(target, timeout=30, **file_body("file", params, content=b"\x89PNG\r\n\x1a\n"))
        assert r.status_code in (200, 400), f"{where}: {r.status_code} {r.text[:200]}"
