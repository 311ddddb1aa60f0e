"""Files: project uploads and downloads, user files with the virus scan, zips, limits."""

from __future__ import annotations

import io
import zipfile

from .conftest import ME, PROJECT, USER_ID, load_fixtures

APK = b"PK\x03\x04 pretend apk " + bytes(range(256)) * 4


def test_project_file_upload_and_download_round_trip(bb):
    for role in ("application", "data", "test"):
        name = {"application": "MyApp.apk", "data": "MyData.zip", "test": "MyAppTest.apk"}[role]
        up = bb.post(f"{ME}/projects/{PROJECT}/files/{role}", files={"file": (name, APK)})
        assert up.status_code == 201, role
        body = up.json()
        assert body["originalName"] == name and body["readableSize"] == "1 KB" and isinstance(body["uploadTime"], int)
        down = bb.get(f"{ME}/projects/{PROJECT}/files/{role}")
        assert down.status_code == 200 and down.content == APK
        assert down.headers["Content-Disposition"] == f"attachment; filename=\"{name}\"; filename*=UTF-8''{name}"


def test_test_file_fills_package_facts(bb):
    android = bb.post(f"{ME}/projects/{PROJECT}/files/test", files={"file": ("BitbarSampleAppTest.apk", APK)}).json()
    assert android["packageName"] == "com.example.bitbarsampleapptest" and android["minSdk"] == 21
    assert android["mainActivity"] is None and android["bundleIdentifier"] is None
    ios = bb.post(f"{ME}/projects/{PROJECT}/files/test", files={"file": ("CalcTests.ipa", APK)}).json()
    assert ios["bundleIdentifier"] == "com.example.calctests" and ios["packageName"] is None


def test_non_latin_file_names_download_intact(bb):
    up = bb.post(f"{ME}/files", files={"file": ("тест.apk", b"abc")}).json()
    assert up["name"] == "тест.apk"
    down = bb.get(f"{ME}/files/{up['id']}/file")
    assert down.content == b"abc"
    assert "filename*=UTF-8''%D1%82%D0%B5%D1%81%D1%82.apk" in down.headers["Content-Disposition"]


def test_upload_never_uses_the_client_path(bb):
    up = bb.post(f"{ME}/projects/{PROJECT}/files/data", files={"file": ("../../etc/evil.zip", b"zip")})
    assert up.status_code == 201 and up.json()["originalName"] == "evil.zip"


def test_upload_without_a_file_part_is_400(bb):
    r = bb.post(f"{ME}/projects/{PROJECT}/files/application", data={"notfile": "x"})
    assert r.status_code == 400 and "file" in r.json()["message"]
    r = bb.post(f"{ME}/files", json={"file": "x"})
    assert r.status_code == 400


def test_upload_to_unknown_project_is_404_and_leaves_nothing(bb):
    before = bb.get(f"{ME}/files").json()["total"]
    assert bb.post(f"{ME}/projects/1/files/application", files={"file": ("a.apk", APK)}).status_code == 404
    assert bb.get(f"{ME}/files").json()["total"] == before


def test_files_zip_is_a_real_zip_of_the_project_files(bb):
    r = bb.get(f"{ME}/projects/{PROJECT}/files.zip")
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(r.content))
    assert sorted(archive.namelist()) == ["application/BitbarSampleApp.apk", "data/BitbarSampleAppData.zip",
                                          "test/BitbarSampleAppTest.apk"]
    assert archive.read("application/BitbarSampleApp.apk") == b"PK sample application bytes"


def test_missing_project_file_is_404(bb):
    pid = bb.post(f"{ME}/projects", data={"name": "empty"}).json()["id"]
    assert bb.get(f"{ME}/projects/{pid}/files/test").status_code == 404


def test_user_files_as_the_client_uploads_them(bb):
    up = bb.post(f"/api/v2/users/{USER_ID}/files", files={"file": ("app.apk", APK)})
    assert up.status_code == 201
    body = up.json()
    assert body["name"] == "app.apk" and body["size"] == len(APK) and body["direction"] == "INPUT"
    assert body["inputType"] == "application" and body["state"] == "READY"
    assert body["fileProperties"] == [{"key": "virus_scan_status", "value": "safe"}]
    assert bb.get(f"{ME}/files/{body['id']}").json()["id"] == body["id"]
    down = bb.get(f"{ME}/files/{body['id']}/file")
    assert down.content == APK and down.headers["Content-Length"] == str(len(APK))
    inputs = bb.get(f"{ME}/files", params={"limit": 0, "filter": "s_direction_eq_INPUT"}).json()
    assert body["id"] in [f["id"] for f in inputs["data"]]
    assert bb.delete(f"{ME}/files/{body['id']}").status_code == 204
    assert bb.get(f"{ME}/files/{body['id']}/file").status_code == 404


def test_virus_scan_as_the_fixtures_script_it(bb, server, control, clock):
    load_fixtures(server, control, bb.tenant, virusScanSeconds=30, infectedFileNames=["eicar.apk"])
    clock.set()
    up = bb.post(f"{ME}/files", files={"file": ("app.apk", APK)}).json()
    assert up["fileProperties"][0]["value"] == "in_progress"
    clock.advance(30)
    assert bb.get(f"{ME}/files/{up['id']}").json()["fileProperties"][0]["value"] == "safe"
    bad = bb.post(f"{ME}/files", files={"file": ("eicar.apk", APK)}).json()
    clock.advance(30)
    assert bb.get(f"{ME}/files/{bad['id']}").json()["fileProperties"][0]["value"] == "infected"


def test_storage_is_bounded_per_tenant(bb, server, control):
    load_fixtures(server, control, bb.tenant, maxStoredMb=1)
    assert bb.post(f"{ME}/files", files={"file": ("a.zip", b"x" * 600_000)}).status_code == 201
    r = bb.post(f"{ME}/files", files={"file": ("b.zip", b"x" * 600_000)})
    assert r.status_code == 413 and r.json()["statusCode"] == 413
    assert bb.get(f"{ME}/files", params={"filter": "direction_eq_INPUT"}).json()["total"] == 4
