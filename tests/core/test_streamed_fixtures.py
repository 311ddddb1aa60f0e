"""A JSON fixture file is parsed record by record, each record loaded as soon as it is read (a 100k set is
never in memory twice): the same set, the same errors, as parsing it whole and loading that."""

from __future__ import annotations

import json

import pytest

from mockserver.app import load_vendors
from mockserver.core.fixtures import FixtureError, load_file, parse_file, streamed_json, validate, write_json
from mockserver.core.overlay import private
from mockserver.settings import vendor_names

VENDORS = vendor_names()

TEXTS = [
    '{}', ' { } ', '{"a": []}', '{"a":[1,2,3],"b":{"c":[1]}}', '\n{\n"a": [\n{"id": 1},\n{"id": 2}\n],\n"b": null\n}\n',
    '{"a": [ {"x": [1, {"y": 2}]} , "s" ,null,true, 1.5e3 ] , "a": [7]}',  # a repeated key: the last wins
    '{"a": [], "b": "x"}\t\r\n', '{"é": ["ü", "\\u00e9"]}', '{"a": 1, "b": [NaN, Infinity]}',
]
BAD = ['{', '{"a": [1,]}', '{"a": [1 2]}', '{"a" [1]}', '{"a": 1,}', '{1: 2}', '{"a": 1} x',
       '{"a": 1}{}', '{"a": [}', '\ufeff{"a": 1}']


@pytest.mark.parametrize("text", TEXTS)
def test_the_streamed_parse_reads_what_json_loads_reads(text):
    seen = []

    def item_of(key):
        return (lambda item: seen.append((key, item)) or item) if key == "a" else None

    data, done = streamed_json(text, item_of)
    assert json.dumps(data) == json.dumps(json.loads(text))  # order and all
    assert done == ({"a"} if isinstance(data.get("a"), list) else set())
    final = data.get("a") if isinstance(data.get("a"), list) else []
    assert [item for _key, item in seen][len(seen) - len(final):] == final  # each item given as read


@pytest.mark.parametrize("text", BAD)
def test_the_streamed_parse_refuses_what_json_loads_refuses(text):
    with pytest.raises(ValueError):
        json.loads(text)
    with pytest.raises(ValueError):
        streamed_json(text, lambda key: (lambda item: item))


def test_a_file_not_holding_an_object_is_parsed_whole_and_refused_as_before(tmp_path):
    with pytest.raises(ValueError):
        streamed_json("[]", lambda key: None)
    (tmp_path / "happo.json").write_text("[1]", encoding="utf-8")
    with pytest.raises(FixtureError) as err:
        load_file(load_vendors(["happo"])["happo"], tmp_path / "happo.json")
    assert str(err.value) == f"{tmp_path}/happo.json: (root): expected a mapping of collections, got list"


@pytest.mark.parametrize("name", VENDORS)
def test_a_json_file_loads_record_by_record_as_it_loads_whole(name, generated, tmp_path):
    vendor = load_vendors([name])[name]
    whole = validate(vendor, parse_file(generated / f"{name}.json"), "x")
    streamed = load_file(vendor, generated / f"{name}.json")
    assert json.dumps(streamed, default=repr) == json.dumps(whole, default=repr)
    assert streamed == vendor.fixture_schema().load(json.loads((generated / f"{name}.json").read_text()))
    # a set written by hand, on one line, loads the same
    (tmp_path / f"{name}.json").write_text(json.dumps(json.loads((generated / f"{name}.json").read_text())))
    assert load_file(vendor, tmp_path / f"{name}.json") == whole


def test_a_record_marshmallow_must_coerce_or_refuse_is_loaded_or_worded_as_before(tmp_path):
    vendor = load_vendors(["bitbar"])["bitbar"]
    good = {"id": 1, "email": "demo@example.com", "password": "p", "apiKey": "k"}
    path = tmp_path / "bitbar.json"
    write_json({"users": [good, {**good, "id": "2", "email": "b@example.com"}]}, path)
    assert [u["id"] for u in load_file(vendor, path)["users"]] == [1, 2]  # coerced, as marshmallow does
    write_json({"users": [good, {**good, "id": 2, "email": "nope"}]}, path)
    with pytest.raises(FixtureError) as err:
        load_file(vendor, path)
    assert str(err.value) == f"{path}: users.1.email: Not a valid email address."
    path.write_text('{"users": [\n{"id": 1,}\n]}', encoding="utf-8")
    with pytest.raises(FixtureError) as err:
        load_file(vendor, path)
    assert str(err.value).startswith(f"{path} (line 2, column 10): not valid JSON")


def test_loaded_records_are_plain_dicts_that_behave_as_any_other(generated):
    vendor = load_vendors(["qtest"])["qtest"]
    jobs = load_file(vendor, generated / "qtest.json")["jobs"]
    job = jobs[0]
    assert type(job) is dict and job == dict(job) and json.loads(json.dumps(job)) == job
    copy = private(job)
    copy["status"], copy["extra"] = "CANCELED", 1
    assert job["status"] != "CANCELED" and "extra" not in job
    other = dict(jobs[1])
    del other["status"]
    other["new"] = 1
    assert list(other)[-1] == "new" and "status" not in other and other != jobs[1]
