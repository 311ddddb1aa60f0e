"""The spec guard is on: what clients legitimately send passes it, what the spec forbids is a 400."""

from __future__ import annotations

from .conftest import ME, PROJECT


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
