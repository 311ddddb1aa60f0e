"""Projects, backups on the mock clock, and permissive auth."""

from __future__ import annotations

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
    assert api.get("/api/projects/1").status_code == 404


def test_backups_run_thirty_seconds_and_refuse_a_second_one(api, frozen):
    assert api.get(f"/api/projects/{BOOKS}/backups/last").json() == {"data": None, "included": []}
    r = api.post(f"/api/projects/{BOOKS}/backups")
    assert r.status_code == 202
    assert r.json()["data"]["attributes"]["new-backup-in-progress"] is True
    running = api.get(f"/api/projects/{BOOKS}/backups/last").json()["data"]
    assert running["type"] == "backups" and running["attributes"]["new-backup-in-progress"] is True
    assert running["attributes"]["url"] is None
    assert api.post(f"/api/projects/{BOOKS}/backups").status_code == 409
    frozen(31)
    done = api.get(f"/api/projects/{BOOKS}/backups/last").json()["data"]["attributes"]
    assert done["new-backup-in-progress"] is False and done["project-id"] == BOOKS
    assert done["file-name"] == f"project-{BOOKS}-backup.zip" and done["file-size"] > 0 and done["url"]
    assert api.get(f"/api/projects/{BOOKS}").json()["data"]["attributes"]["new-backup-in-progress"] is False
    assert api.post(f"/api/projects/{BOOKS}/backups").status_code == 202
    assert api.post("/api/projects/5/backups").status_code == 404


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
