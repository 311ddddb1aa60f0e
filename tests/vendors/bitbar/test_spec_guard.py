"""The spec guard is on: what clients legitimately send passes it, what the spec forbids is a 400."""

from __future__ import annotations

from .conftest import ME, PROJECT, RUN


def test_required_fields_may_come_from_the_query_with_a_form_body(bb):
    r = bb.post(f"{ME}/access-groups", params={"name": "qa team"}, data={"scope": "USER"})
    assert r.status_code == 201 and r.json()["name"] == "qa team" and r.json()["scope"] == "USER"
    r = bb.post(f"{ME}/notification/31981820", params={"type": "ON_FAILURE"}, data={})
    assert r.status_code == 202 and r.json()["type"] == "ON_FAILURE"


def test_a_field_missing_from_query_and_body_is_the_handlers_400(bb):
    r = bb.post(f"{ME}/access-groups", data={"scope": "USER"})
    assert r.status_code == 400 and "name" in r.json()["message"]
    assert r.json()["statusCode"] == 400


def test_empty_search_sort_filter_as_the_envelope_links_carry_them(bb):
    r = bb.get(f"{ME}/projects", params={"offset": 0, "limit": 0, "search": "", "sort": "", "filter": ""})
    assert r.status_code == 200 and r.json()["total"] >= 1


def test_nullable_config_fields_sent_as_query_text(bb):
    r = bb.post(f"{ME}/projects/{PROJECT}/config", params={"limitationType": "PACKAGE", "limitationValue": "com.x",
                                                           "autoScreenshots": "true"})
    assert r.status_code == 201 and r.json()["limitationType"] == "PACKAGE" and r.json()["autoScreenshots"] is True


def test_a_query_value_the_spec_forbids_is_a_400_in_bitbar_shape(bb):
    r = bb.post(f"{ME}/projects/{PROJECT}/config", params={"scheduler": "RANDOM"})
    assert r.status_code == 400 and set(r.json()) == {"statusCode", "message"} and "scheduler" in r.json()["message"]
    assert bb.get(f"{ME}/projects/{PROJECT}/config").json()["scheduler"] == "PARALLEL"


def test_contract_refusals_name_the_field_first_as_the_handlers_do(bb):
    r = bb.get(f"{ME}/projects/{PROJECT}/runs/{RUN}/reports/summary")
    assert r.status_code == 400 and r.json() == {"statusCode": 400, "message": "type: required parameter is missing"}
    r = bb.get(f"{ME}/projects/{PROJECT}/reports/summary", params={"type": "DOC"})
    assert r.status_code == 400 and r.json()["message"].startswith("type: 'DOC' is not one of")
    r = bb.post(f"{ME}/runs/config", json={"osType": "ANDROID", "frameworkId": 252, "deviceIds": [1, "x"]})
    assert r.status_code == 400 and r.json()["message"].startswith("deviceIds.1: ")
    r = bb.get(f"{ME}/projects", params={"limit": -1})
    assert r.status_code == 400 and r.json()["message"].startswith("limit: ")


def test_a_contract_refusal_is_xml_by_default_like_every_bitbar_error(bb):
    r = bb.get(f"{ME}/projects/{PROJECT}/reports/summary", headers={"Accept": "*/*"})
    assert r.status_code == 400 and r.headers["Content-Type"].startswith("application/xml")
    assert "<statusCode>400</statusCode>" in r.text and "type: required parameter is missing" in r.text


def test_an_upload_that_is_not_multipart_is_the_upload_codes_400(bb):
    for body in ({"data": {"notfile": "x"}}, {"json": {"file": "x"}}, {}):
        r = bb.post(f"{ME}/projects/{PROJECT}/files/application", **body)
        assert r.status_code == 400, body
        assert r.json() == {"statusCode": 400, "message": "Missing file: send multipart/form-data with a 'file' part"}
    r = bb.post(f"{ME}/files", files={"notfile": ("a.apk", b"x")})
    assert r.status_code == 400 and "'file' part" in r.json()["message"]


def test_required_in_query_or_body_is_checked_after_the_contract(bb):
    r = bb.post(f"{ME}/notifications", json={"email": "qa@example.com"})
    assert r.status_code == 400 and r.json()["message"] == "type: Missing data for required field."
    r = bb.post(f"{ME}/notifications", params={"type": "ALWAYS"}, json={"email": "qa@example.com"})
    assert r.status_code == 201 and r.json()["email"] == "qa@example.com" and r.json()["type"] == "ALWAYS"
    r = bb.post(f"{ME}/device-groups/4148/devices", data={})
    assert r.status_code == 400 and r.json()["message"] == "id: Missing data for required field."
    r = bb.post(f"{ME}/device-groups/4148/devices", data={"id": "x"})
    assert r.status_code == 400 and r.json()["message"].startswith("id: ")
