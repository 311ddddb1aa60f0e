"""Every request field is declared once, in openapi/bitbar.yaml: lengths, patterns, enums and defaults are
the contract's, the handlers read the checked values (no request schemas of their own)."""

from __future__ import annotations

import yaml

from mockserver.settings import OPENAPI_DIR

from .conftest import ME, PROJECT, RUN

SPEC = OPENAPI_DIR / "bitbar.yaml"
LONG = "x" * 256


def test_names_are_1_to_255_characters_wherever_they_are_sent(bb):
    cases = [(f"{ME}/projects", {}), (f"{ME}/projects/{PROJECT}", {}), (f"{ME}/device-groups", {"osType": "IOS"}),
             (f"{ME}/device-groups/4148", {}), (f"{ME}/access-groups", {}),
             (f"{ME}/projects/{PROJECT}/runs/{RUN}", {}), (f"{ME}/projects/{PROJECT}/runs/{RUN}/tags", {}),
             (f"{ME}/projects/{PROJECT}/runs", {})]
    for url, extra in cases:
        for bad in ("", LONG):
            for how in ("params", "data", "json"):
                r = bb.post(url, **{how: {**extra, "name": bad}})
                assert r.status_code == 400 and r.json()["message"].startswith("name: "), (url, how, bad, r.text)
    assert bb.get(f"{ME}/projects/{PROJECT}").json()["name"] != ""
    ok = bb.post(f"{ME}/projects", json={"name": "x" * 255})
    assert ok.status_code == 201 and ok.json()["name"] == "x" * 255


def test_a_parameter_key_is_not_empty(bb):
    r = bb.post(f"{ME}/projects/{PROJECT}/config/parameters", data={"key": "", "value": "v"})
    assert r.status_code == 400 and r.json()["message"].startswith("key: ")
    r = bb.post(f"{ME}/projects/{PROJECT}/config/parameters", params={"key": "k"})
    assert r.status_code == 400 and r.json()["message"] == "value: Missing data for required field."


def test_device_language_code_pattern_in_query_form_and_json(bb):
    for how in ("params", "data", "json"):
        r = bb.post(f"{ME}/projects/{PROJECT}/config", **{how: {"deviceLanguageCode": "en-US"}})
        assert r.status_code == 400 and r.json()["message"].startswith("deviceLanguageCode: "), how
    r = bb.post(f"{ME}/projects/{PROJECT}/config", json={"deviceLanguageCode": "fi_FI"})
    assert r.status_code == 201 and r.json()["deviceLanguageCode"] == "fi_FI"


def test_documented_defaults_apply(bb):
    project = bb.post(f"{ME}/projects", data={"name": "only a name"}).json()
    assert project["type"] == "GENERIC" and project["description"] == ""
    group = bb.post(f"{ME}/access-groups", json={"name": "team"}).json()
    assert group["scope"] == "USER"
    config = bb.post(f"{ME}/runs/config", json={"osType": "ANDROID", "frameworkId": 252, "projectId": PROJECT,
                                                "files": [{"id": 27170}]}).json()
    assert config["scheduler"] == "PARALLEL" and config["testRunName"] is None and config["timeout"] is None


def test_the_spec_documents_those_defaults():
    spec = yaml.safe_load(SPEC.read_text())
    create = spec["paths"]["/api/v2/me/projects"]["post"]
    body = create["requestBody"]["content"]["application/json"]["schema"]["properties"]
    assert body["type"]["default"] == "GENERIC" and body["description"]["default"] == ""
    assert body["name"]["minLength"] == 1 and body["name"]["maxLength"] == 255
    runs = spec["paths"]["/api/v2/me/runs"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert runs["properties"]["scheduler"]["default"] == "PARALLEL" and runs["properties"]["deviceIds"]["default"] == []


def test_undeclared_fields_never_reach_a_record(bb):
    r = bb.post(f"{ME}/projects/{PROJECT}", json={"description": "d", "userId": 1, "id": 5, "createTime": 0})
    assert r.status_code == 202 and r.json()["id"] == PROJECT and r.json()["createTime"] != 0
    assert bb.get(f"{ME}/projects/{PROJECT}").status_code == 200
    g = bb.post(f"{ME}/access-groups", json={"name": "team", "users": "x", "userId": 1}).json()
    assert bb.get(f"{ME}/access-groups/{g['id']}/users").json()["data"] == []
    p = bb.post(f"{ME}/projects/{PROJECT}/config/parameters", json={"key": "k", "value": "v", "projectId": 1})
    assert p.status_code == 201 and set(p.json()) == {"id", "key", "value"}
    assert bb.get(f"{ME}/projects/{PROJECT}/config/parameters/{p.json()['id']}").status_code == 200
    config = bb.post(f"{ME}/runs/config", json={"osType": "ANDROID", "frameworkId": 252, "projectId": PROJECT,
                                                "files": [{"id": 27170}], "extra": 1})
    assert config.status_code == 200 and "extra" not in config.json()


def test_json_booleans_may_be_spelled_as_text_and_null_clears_a_nullable_field(bb):
    r = bb.post(f"{ME}/projects/{PROJECT}", json={"common": "true"})
    assert r.status_code == 202 and r.json()["common"] is True
    r = bb.post(f"{ME}/projects/{PROJECT}/config", json={"autoScreenshots": "false", "limitationType": "PACKAGE"})
    assert r.status_code == 201 and r.json()["autoScreenshots"] is False and r.json()["limitationType"] == "PACKAGE"
    r = bb.post(f"{ME}/projects/{PROJECT}/config", json={"limitationType": None})
    assert r.status_code == 201 and r.json()["limitationType"] is None


def test_a_run_config_may_come_from_the_query_string(bb):
    r = bb.post(f"{ME}/runs/config", params={"osType": "ANDROID", "frameworkId": 252, "projectId": PROJECT,
                                             "deviceIds": [304]})
    # the query cannot carry `files` (a list of objects): the service's own check answers
    assert r.status_code == 400 and "file" in r.json()["message"]
    r = bb.post(f"{ME}/runs/config", params={"osType": "ANDROID"})
    assert r.status_code == 400 and r.json()["message"] == "frameworkId: Missing data for required field."
    r = bb.post(f"{ME}/runs/config", params={"osType": "WINDOWS", "frameworkId": 252})
    assert r.status_code == 400 and r.json()["message"].startswith("osType: ")
