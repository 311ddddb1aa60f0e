"""The endpoint index, projects, tests and app images."""

from __future__ import annotations

import hashlib
import json

import pytest
import requests

from tests.vendors.sipfront.helpers import API, AUTH, DOC_SESSION

DOC_PATHS = [
    (["GET"], ""), (["GET", "POST"], "/appimages"), (["GET"], "/projects"), (["GET"], "/projects/:id/status/last"),
    (["POST"], "/projects/run"), (["GET"], "/runs"), (["GET"], "/runs/:id/status"), (["GET"], "/runs/:sid/stats"),
    (["GET"], "/runs/:sid/stats/:measure"), (["GET"], "/tests"), (["GET"], "/tests/:id/status/last"),
    (["GET"], "/tests/:tid/stats"), (["GET"], "/tests/:tid/stats/:measure"), (["POST"], "/tests/run"),
]


def test_index_lists_the_doc_endpoints_on_the_mock_host(sipfront, server):
    r = sipfront.get(API, auth=AUTH)
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/json")
    body = r.json()
    assert body["status"] == 200
    base = server.vendor_url("sipfront") + API
    assert [(e["methods"], e["url"]) for e in body["endpoints"]] == [(m, base + p) for m, p in DOC_PATHS]
    named = [e for e in body["endpoints"] if "name" in e]
    assert named == [{"methods": ["GET"], "name": "api_run_status", "url": base + "/runs/:id/status"}]


def test_index_with_the_doc_trailing_slash_and_on_the_vendor_port(server):
    # plain requests: the spec lists the index once, without the slash the doc's curl adds
    r = requests.get(server.vendor_url("sipfront") + API + "/", auth=AUTH, timeout=10)
    assert r.status_code == 200 and r.json()["endpoints"][0]["url"] == server.vendor_url("sipfront") + API
    r = requests.get(server.port_url("sipfront") + API + "/", auth=AUTH, timeout=10)
    assert r.status_code == 200
    assert r.json()["endpoints"][1]["url"] == server.port_url("sipfront") + API + "/appimages"


def test_every_index_url_answers(sipfront):
    samples = {"/projects/:id/": "/projects/1/", "/runs/:id/": f"/runs/{DOC_SESSION}/",
               "/runs/:sid/": f"/runs/{DOC_SESSION}/", "/tests/:id/": "/tests/123/", "/tests/:tid/": "/tests/123/",
               ":measure": "rtp_jitter"}
    for entry in sipfront.get(API, auth=AUTH).json()["endpoints"]:
        if "GET" not in entry["methods"]:
            continue
        path = entry["url"][len(sipfront.base_url):]
        for key, value in samples.items():
            path = path.replace(key, value)
        r = sipfront.get(path or "/", auth=AUTH)
        assert r.status_code == 200, (path, r.text)
        assert r.json()["status"] == 200


def test_projects(sipfront):
    r = sipfront.get(f"{API}/projects", auth=AUTH)
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == 200
    assert [(p["id"], p["name"], p["test_ids"]) for p in body["projects"]] == [
        (1, "my-project-name", [123, 124, 125]), (2, "voice-regression", [201, 202])]
    assert body["projects"][0]["created_at"] == "2024-01-15 10:00:00"


def test_tests_with_their_parameters(sipfront):
    r = sipfront.get(f"{API}/tests", auth=AUTH)
    assert r.status_code == 200
    tests = {t["id"]: t for t in r.json()["tests"]}
    assert sorted(tests) == [123, 124, 125, 201, 202]
    doc = tests[123]
    assert doc["name"] == "your-test-name"
    assert doc["project_id"] == 1 and doc["project_name"] == "my-project-name"
    assert doc["testcase_name"] == "Media analysis for Audio Call"
    assert json.loads(doc["tags"]) == ["media", "prod", "validation"]
    assert doc["parameters"]["step.1.0.dial_destination"] == "439992001"


def test_appimages_list(sipfront):
    r = sipfront.get(f"{API}/appimages", auth=AUTH)
    assert r.status_code == 200
    images = r.json()["appimages"]
    assert [(i["id"], i["filename"], i["platform"]) for i in images] == [
        (1, "softphone-2.4.1.apk", "android"), (2, "softphone-2.4.1.ipa", "ios")]


def test_appimage_multipart_upload_appears_in_list(sipfront, server, control):
    content = b"PK\x03\x04 fake android package"
    r = sipfront.post(f"{API}/appimages", auth=AUTH, files={"file": ("dialer-1.0.apk", content)},
                      data={"name": "Dialer"})
    assert r.status_code == 201
    image = r.json()["appimage"]
    assert r.json()["status"] == 201
    assert image["name"] == "Dialer" and image["filename"] == "dialer-1.0.apk" and image["platform"] == "android"
    assert image["size"] == len(content) and image["sha256"] == hashlib.sha256(content).hexdigest()
    assert image["id"] == 3
    listed = sipfront.get(f"{API}/appimages", auth=AUTH).json()["appimages"]
    assert listed[-1] == image


def test_appimage_form_with_url_and_json(sipfront):
    r = sipfront.post(f"{API}/appimages", auth=AUTH,
                      data={"url": "https://downloads.example.com/builds/app-7.ipa"})
    assert r.status_code == 201
    image = r.json()["appimage"]
    assert (image["filename"], image["platform"], image["name"], image["url"]) == (
        "app-7.ipa", "ios", "app-7.ipa", "https://downloads.example.com/builds/app-7.ipa")
    r = sipfront.post(f"{API}/appimages", auth=AUTH,
                      json={"url": "https://downloads.example.com/app", "platform": "android", "filename": "app.bin"})
    assert r.status_code == 201 and r.json()["appimage"]["platform"] == "android"
    assert len(sipfront.get(f"{API}/appimages", auth=AUTH).json()["appimages"]) == 4


@pytest.mark.parametrize("kwargs, parameter", [
    ({"files": {"file": ("notes.txt", b"hello")}}, "platform"),
    ({"files": {"file": ("empty.apk", b"")}}, "file"),
    ({"files": {"image": ("a.apk", b"x")}}, "image"),
    # a multipart upload with neither the part `file` nor a url; a form body cannot carry a file, so it misses the url
    ({"files": {"name": (None, "nothing")}}, "file"),
    ({"data": {"name": "nothing"}}, "url"),
    ({"data": {"url": "https://x.example.com/a.apk", "platform": "windows"}}, None),
    ({"data": {"url": "not a url"}}, None),
    ({"data": {"url": "https://münchen.example/a.apk"}}, None),
    ({"data": {"url": "https://x.example.com/a.apk", "colour": "blue"}}, None),
    ({"data": {"url": "http:///a.apk"}}, "url"),
    # the multipart text fields keep the same contract as the form's
    ({"files": {"file": ("a.apk", b"x"), "platform": (None, "windows")}}, "platform"),
    ({"files": {"file": ("a.apk", b"x"), "name": (None, "n" * 256)}}, "name"),
    ({"files": {"file": ("a.apk", b"x"), "filename": (None, "")}}, "filename"),
    ({"files": {"file": ("a.apk", b"x"), "colour": (None, "blue")}}, "colour"),
    ({"files": {"url": (None, "http://")}}, "url"),
    ({"files": {"url": (None, "https://münchen.example/a.apk")}}, "url"),
    ({"files": {"url": (None, "ftp://x.example.com/a.apk")}}, "url"),
    # a text field named `file` is no file part
    ({"files": {"file": (None, "a.apk"), "url": (None, "https://x.example.com/a.apk")}}, "file"),
])
def test_appimage_bad_uploads_are_400_and_store_nothing(sipfront, kwargs, parameter):
    r = sipfront.post(f"{API}/appimages", auth=AUTH, **kwargs)
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["status"] == 400 and isinstance(body["error"], str) and isinstance(body["description"], str)
    if parameter:
        assert body["parameter"] == parameter
    assert len(sipfront.get(f"{API}/appimages", auth=AUTH).json()["appimages"]) == 2


def test_appimage_multipart_without_a_file_but_with_a_url(sipfront):
    r = sipfront.post(f"{API}/appimages", auth=AUTH, files={"url": (None, "http://builds.local/dialer.aab")})
    assert r.status_code == 201, r.text
    assert (r.json()["appimage"]["platform"], r.json()["appimage"]["size"]) == ("android", 0)
