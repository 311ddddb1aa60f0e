"""With thousands of users, projects and notifications, a request reads the big tables without copying them into
the tenant's world (core/overlay.py): what it finds goes through an index or a read of every record that keeps
none, and only the records it hands out or changes are the tenant's own."""

from __future__ import annotations

import base64

import pytest
from werkzeug.test import Client

from mockserver.app import create_app, load_vendors
from mockserver.core.fixtures import load_all
from mockserver.settings import DEFAULT_FIXTURES, Settings

from .conftest import API_KEY, ME, PROJECT

MANY = 3000
JSON = {"Accept": "application/json"}
KEY = {**JSON, "Authorization": "Basic " + base64.b64encode(f"{API_KEY}:".encode()).decode()}


@pytest.fixture
def big():
    """(the app, a werkzeug client, how many records the default tenant holds of its own now)."""
    vendors = load_vendors(["bitbar"])
    data = load_all(DEFAULT_FIXTURES, vendors)["bitbar"]
    user, project, note, device = data["users"][0], data["projects"][0], data["notifications"][0], data["devices"][0]
    data["users"] = data["users"] + [
        {**user, "id": 90_000 + n, "email": f"User{n}@Example.com", "apiKey": f"key-{n}", "password": "pw"}
        for n in range(MANY)]
    data["projects"] = data["projects"] + [
        {**project, "id": 500_000 + n, "userId": 90_000 + n, "name": f"p{n}",
         "config": {**project["config"], "id": 600_000 + n, "usedDeviceGroupId": 11}} for n in range(MANY)]
    data["notifications"] = data["notifications"] + [
        {**note, "id": 700_000 + n, "userId": 90_000 + n} for n in range(MANY)]
    data["devices"] = data["devices"] + [
        {**device, "id": 800_000 + n, "displayName": f"Phone {n}"} for n in range(MANY)]
    server = create_app(Settings(vendors=("bitbar",)), vendors=vendors, fixtures={"bitbar": data})
    return server, Client(server), lambda: server.core.store.own_records().get("default", {}).get("bitbar", 0)


def test_a_sign_in_by_email_copies_no_user(big):
    _, client, held = big
    before = held()
    r = client.post("/bitbar/oauth/token", headers=JSON, data={
        "client_id": "testdroid-cloud-api", "grant_type": "password", "username": f"user{MANY - 1}@example.com",
        "password": "pw"})
    assert r.status_code == 200 and r.get_json()["access_token"]
    r = client.get(f"/bitbar{ME}", headers={**JSON, "Authorization": f"Bearer {r.get_json()['access_token']}"})
    assert r.status_code == 200 and r.get_json()["id"] == 90_000 + MANY - 1
    assert held() - before <= 10, f"{held() - before} records copied by a sign-in"


def test_sharing_with_an_email_copies_no_user(big):
    _, client, held = big
    before = held()
    r = client.post(f"/bitbar{ME}/projects/{PROJECT}/sharings", headers=KEY, data={"email": "USER2999@example.COM"})
    assert r.status_code == 201 and r.get_json()["userId"] == 90_000 + 2999
    assert held() - before <= 10, f"{held() - before} records copied by a sharing"


def test_deleting_a_group_copies_only_the_projects_that_used_it(big):
    _, client, held = big
    before = held()
    assert client.delete(f"/bitbar{ME}/device-groups/4148", headers=KEY).status_code == 204
    config = client.get(f"/bitbar{ME}/projects/{PROJECT}/config", headers=KEY).get_json()
    assert config["usedDeviceGroupId"] == 11  # the free Android group, as before
    assert held() - before <= 10, f"{held() - before} records copied by a group's delete"


def test_deleting_a_file_copies_only_the_projects_that_hold_it(big):
    _, client, held = big
    before = held()
    assert client.delete(f"/bitbar{ME}/files/27170", headers=KEY).status_code == 204
    assert client.get(f"/bitbar{ME}/projects/{PROJECT}/config", headers=KEY).get_json()["runAvailable"] is False
    assert held() - before <= 10, f"{held() - before} records copied by a file's delete"


def test_deleting_a_project_reads_its_notifications_by_index(big):
    _, client, held = big
    r = client.post(f"/bitbar{ME}/projects", headers=KEY, data={"name": "Short-lived", "type": "ANDROID"})
    project = r.get_json()["id"]
    r = client.post(f"/bitbar{ME}/projects/{project}/notifications", headers=KEY,
                    data={"email": "qa@example.com", "type": "ALWAYS"})
    assert r.status_code == 200
    before = held()
    assert client.delete(f"/bitbar{ME}/projects/{project}", headers=KEY).status_code == 204
    listed = client.get(f"/bitbar{ME}/notifications", headers=KEY).get_json()["data"]
    assert [n["email"] for n in listed] == ["example@bitbar.com"]
    assert held() - before <= 10, f"{held() - before} records copied by a project's delete"


def test_a_searched_or_sorted_device_list_copies_no_device(big):
    _, client, held = big
    r = client.get("/bitbar/api/v2/devices", headers=JSON, query_string={"search": f"phone {MANY - 1}"})
    assert r.status_code == 200 and [d["id"] for d in r.get_json()["data"]] == [800_000 + MANY - 1]
    r = client.get("/bitbar/api/v2/devices", headers=JSON, query_string={"sort": "id_d", "limit": 2})
    assert [d["id"] for d in r.get_json()["data"]] == [800_000 + MANY - 1, 800_000 + MANY - 2]
    r = client.get("/bitbar/api/v2/devices", headers=JSON, query_string={"offset": MANY, "limit": 2})
    assert r.get_json()["total"] > MANY and len(r.get_json()["data"]) == 2  # a page: just its own are copied
    assert held() <= 5, f"the tenant holds {held()} records after three lists"
