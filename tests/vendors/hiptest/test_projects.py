"""Projects, backups on the mock clock, and permissive auth."""

from __future__ import annotations

import io
import json
import zipfile

import requests

from mockserver.settings import Settings
from tests.conftest import vendor_client
from tests.harness import start_server

from .conftest import ACCEPT, BOOKS, CASH


def test_show_project(api):
    r = api.get(f"/api/projects/{CASH}")
    data = r.json()["data"]
    assert data["id"] == str(CASH) and data["attributes"]["bdd-mode"] is True
    assert data["attributes"]["name"] == "Testing CASH WITHDRAWAL (sample N°2)"
    assert r.json()["included"] == []
    assert data["relationships"] == {"scenarios-folder": {"links": {
        "self": f"/projects/{CASH}/relationships/scenarios-folder", "related": f"/projects/{CASH}/scenarios-folder"}}}
    assert api.get("/api/projects/1").status_code == 404


def test_backups_run_thirty_seconds_one_at_a_time(api, frozen):
    last = f"/api/projects/{BOOKS}/backups/last"
    assert api.get(last).json() == {"data": None, "included": []}
    r = api.post(f"/api/projects/{BOOKS}/backups")
    assert r.status_code == 202
    assert r.json()["data"]["attributes"]["new-backup-in-progress"] is True
    # documented: while the very first backup runs there is nothing to show yet
    assert api.get(last).json()["data"] is None
    assert api.post(f"/api/projects/{BOOKS}/backups").status_code == 409
    assert api.post(f"/api/projects/{CASH}/backups").status_code == 409  # one per organisation
    frozen(31)
    done = api.get(last).json()["data"]
    assert done["type"] == "backups" and done["links"] == {"self": f"/backups/{done['id']}"}
    attrs = done["attributes"]
    assert attrs["new-backup-in-progress"] is False and attrs["project-id"] == BOOKS
    assert attrs["file-name"] == f"project_{BOOKS}_20240301.zip" and attrs["file-size"] > 0
    assert attrs["updated-at"] == "2024-03-01T12:00:30.000Z" and "Expires=" in attrs["url"]
    assert api.get(f"/api/projects/{BOOKS}").json()["data"]["attributes"]["new-backup-in-progress"] is False
    assert api.post(f"/api/projects/{BOOKS}/backups").status_code == 202
    again = api.get(last).json()["data"]
    assert again["id"] == done["id"] and again["attributes"]["new-backup-in-progress"] is True
    assert api.post("/api/projects/5/backups").status_code == 404


def test_backup_url_downloads_the_archive_from_the_mock_for_ten_minutes(api, frozen):
    api.post(f"/api/projects/{BOOKS}/backups")
    frozen(31)
    attrs = api.get(f"/api/projects/{BOOKS}/backups/last").json()["data"]["attributes"]
    url = attrs["url"]
    assert url.startswith(api.base_url) and "/backups/" in url  # not S3: no network at run time
    # a pre-signed URL: opened as a browser or curl would, without the API's credentials
    r = requests.get(url, timeout=10)
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/zip"
    assert len(r.content) == attrs["file-size"]
    project = json.loads(zipfile.ZipFile(io.BytesIO(r.content)).read("project.json"))
    assert project["project"]["id"] == BOOKS and project["scenarios"]
    edited = url.replace("Expires=", "Expires=9")
    refused = requests.get(edited, timeout=10)
    assert refused.status_code == 403 and "<Code>SignatureDoesNotMatch</Code>" in refused.text
    assert requests.get(url.replace("/backups/", "/backups/9"), timeout=10).status_code == 404
    frozen(601)
    expired = requests.get(url, timeout=10)
    assert expired.status_code == 403 and expired.headers["Content-Type"].startswith("application/xml")
    assert "<Message>Request has expired</Message>" in expired.text
    # a fresh look at backups/last hands out a fresh link
    assert requests.get(api.get(f"/api/projects/{BOOKS}/backups/last").json()["data"]["attributes"]["url"],
                        timeout=10).status_code == 200


def test_permissive_auth_takes_any_well_formed_credentials():
    running = start_server(Settings(vendors=("hiptest",), auth="permissive"))
    try:
        client = vendor_client(running, "hiptest")
        headers = {"Accept": ACCEPT, "access-token": "anything", "client": "any", "uid": "who@example.com"}
        r = client.get("/api/projects", headers=headers)
        assert r.status_code == 200 and r.headers["expiry"]
        assert client.get("/api/projects", headers={**headers, "client": ""}).status_code == 401
        assert client.get("/api/projects", headers={**headers, "Accept": "application/json"}).status_code == 406
    finally:
        running.stop()


def test_the_scenarios_folder_related_link_answers_the_root_folder(api):
    project = api.get(f"/api/projects/{CASH}?include=scenarios-folder").json()["data"]
    rel = project["relationships"]["scenarios-folder"]
    r = api.get("/api" + rel["links"]["related"])
    assert r.status_code == 200
    assert r.json()["data"]["type"] == "folders"
    assert r.json()["data"]["id"] == rel["data"]["id"]
    assert r.json()["data"]["attributes"]["parent-id"] is None
