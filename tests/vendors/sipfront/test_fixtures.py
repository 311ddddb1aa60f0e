"""Fixture sets: invalid ones are refused with the key path of each problem; the generator is seeded."""

from __future__ import annotations

import pytest
from faker import Faker

from mockserver.vendors.sipfront.generate import generate
from tests.vendors.sipfront.helpers import API, AUTH

BASE = {
    "credentials": [{"public_key": "k", "secret": "s"}],
    "projects": [{"id": 1, "name": "p", "created_at": "2024-01-01 00:00:00"}],
    "tests": [{"id": 5, "name": "t", "project_id": 1, "testcase_name": "SIP Call"}],
}


def post_fixtures(server, control, tenant, data):
    return control.post(f"{server.url}/_mock/fixtures", params={"vendor": "sipfront", "tenant": tenant},
                        json=data, timeout=10)


@pytest.mark.parametrize("change, where", [
    ({"runs": [{"id": 1, "session_id": "a", "test_id": 999, "started_at": "2024-01-01 00:00:00",
                "duration_seconds": 5, "outcome": "passed"}]}, "runs.0.test_id"),
    ({"runs": [{"id": 1, "session_id": "a", "test_id": 5, "started_at": "2024-01-01T00:00:00Z",
                "duration_seconds": 5, "outcome": "passed"}]}, "runs.0.started_at"),
    ({"runs": [{"id": 1, "session_id": "a", "test_id": 5, "started_at": "2024-01-01 00:00:00",
                "duration_seconds": 5, "outcome": "maybe"}]}, "runs.0.outcome"),
    ({"tests": [{"id": 5, "name": "t", "project_id": 2, "testcase_name": "x"}]}, "tests.0.project_id"),
    ({"tests": [{"id": 5, "name": "t", "project_id": 1, "testcase_name": "x", "parameters": {"dial": "1"}}]},
     "tests.0.parameters"),
    ({"project_runs": [{"id": 1, "uuid": "u", "project_id": 1, "test_ids": [6], "created_at": "2024-01-01 00:00:00"}]},
     "project_runs.0.test_ids"),
    ({"projects": [{"id": 1, "name": "p", "created_at": "2024-01-01 00:00:00", "colour": "red"}]}, "projects.0.colour"),
    ({"appimages": [{"id": 1, "name": "a", "filename": "a.exe", "platform": "windows",
                     "created_at": "2024-01-01 00:00:00"}]}, "appimages.0.platform"),
])
def test_invalid_fixture_sets_are_refused_with_the_key_path(server, control, sipfront, change, where):
    r = post_fixtures(server, control, sipfront.tenant, {**BASE, **change})
    assert r.status_code == 400 and where in r.json()["error"], r.text
    # the tenant keeps the default world
    assert sipfront.get(f"{API}/tests", auth=AUTH).json()["tests"][0]["id"] == 123


def test_fixture_credentials_are_the_ones_that_work(server, control, sipfront):
    assert post_fixtures(server, control, sipfront.tenant, BASE).status_code == 200
    assert sipfront.get(f"{API}/tests", auth=("k", "s")).json()["tests"][0]["name"] == "t"
    assert sipfront.get(f"{API}/tests", auth=AUTH).status_code == 401


def test_generator_is_seeded_and_its_set_is_served(server, control, sipfront):
    def make(seed):
        fake = Faker("en_US")
        fake.seed_instance(seed)
        return generate(fake, 40, lambda *a: None)

    first, again = make(11), make(11)
    assert first == again and make(12) != first
    assert post_fixtures(server, control, sipfront.tenant, first).status_code == 200
    body = sipfront.get(f"{API}/runs", params={"count": 5}, auth=AUTH).json()
    assert body["total"] == 40 and [r["id"] for r in body["runs"]] == [10000, 10001, 10002, 10003, 10004]
    assert len(sipfront.get(f"{API}/tests", auth=AUTH).json()["tests"]) == 40
