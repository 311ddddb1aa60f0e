"""Fixture sets at scale: the JSON form, the compiled validation, one load per start, seeded generation."""

from __future__ import annotations

import json
import subprocess
import time

import pytest
import requests
import yaml

from mockserver.app import load_vendors
from mockserver.core import fastload
from mockserver.core.fixtures import load_vendor, parse_file, vendor_files
from mockserver.core.generate import generate
from mockserver.settings import DEFAULT_FIXTURES, Settings, vendor_names
from tests.harness import free_server_ports, start_server
from tests.served import ROOT, SCRIPT, run_cli, wait_health

VENDORS = vendor_names()


@pytest.fixture(scope="module")
def both_forms(tmp_path_factory):
    """The same seeded sets written once as YAML and once as JSON."""
    root = tmp_path_factory.mktemp("forms")
    for name in VENDORS:
        generate(name, 8, 3, root / "yaml", "yaml")
        generate(name, 8, 3, root / "json", "json")
    return root / "yaml", root / "json"


def test_json_and_yaml_forms_hold_the_same_set(both_forms):
    yaml_dir, json_dir = both_forms
    for name in VENDORS:
        assert [p.name for p in vendor_files(json_dir, name)] == [f"{name}.json"]
        assert parse_file(json_dir / f"{name}.json") == yaml.safe_load((yaml_dir / f"{name}.yaml").read_text())


def test_a_server_on_the_json_form_serves_what_the_yaml_form_serves(both_forms):
    servers = [start_server(Settings(vendor_ports=False, fixtures=str(d))) for d in both_forms]
    try:
        for name in VENDORS:
            states = [requests.get(f"{s.url}/_mock/state", params={"vendor": name}, timeout=30) for s in servers]
            assert [r.status_code for r in states] == [200, 200]
            assert states[0].json() == states[1].json(), name
        # and through a vendor's own API: Bitbar's device list (JSON) from either set
        lists = [requests.get(f"{s.url}/bitbar/api/v2/devices", params={"limit": 0}, auth=("bitbar-demo-key", ""),
                              headers={"Accept": "application/json"}, timeout=30) for s in servers]
        assert lists[0].status_code == 200 and lists[0].json()["total"] == 8
        assert lists[0].text.replace(servers[0].url, "") == lists[1].text.replace(servers[1].url, "")
    finally:
        for s in servers:
            s.stop()


@pytest.mark.parametrize("name", VENDORS)
def test_compiled_validation_gives_what_marshmallow_gives(name, both_forms):
    vendor = load_vendors([name])[name]
    sets = [parse_file(p) for p in vendor_files(DEFAULT_FIXTURES, name)]
    sets.append(parse_file(both_forms[1] / f"{name}.json"))
    for data in sets:
        assert fastload.load(vendor.fixture_schema, data) == vendor.fixture_schema().load(data)


def _bad_user(tmp_path, users):
    (tmp_path / "bitbar.json").write_text(json.dumps({"users": users}), encoding="utf-8")
    return run_cli("fixtures", "check", str(tmp_path), "--vendor", "bitbar")


def test_a_bad_record_in_a_json_file_names_the_file_and_key_path(tmp_path):
    good = {"id": 1, "email": "demo@example.com", "password": "p", "apiKey": "k"}
    result = _bad_user(tmp_path, [good, {**good, "id": 2, "email": "not-an-address"}])
    assert result.returncode == 2
    assert f"{tmp_path}/bitbar.json: users.1.email: Not a valid email address." in result.stderr
    result = _bad_user(tmp_path, [good, {**good, "id": "two"}, {**good, "colour": "red"}])
    assert f"{tmp_path}/bitbar.json: users.1.id: Not a valid integer." in result.stderr
    assert f"{tmp_path}/bitbar.json: users.2.colour: Unknown field." in result.stderr
    # what marshmallow coerces (an id written as a string) still loads, as it did before
    assert _bad_user(tmp_path, [good, {**good, "id": "2"}]).returncode == 0


def test_json_syntax_errors_name_line_and_column(tmp_path):
    (tmp_path / "sipfront.json").write_text('{\n"tests": [\n{"id": 1,}\n]\n}\n', encoding="utf-8")
    result = run_cli("fixtures", "check", str(tmp_path), "--vendor", "sipfront")
    assert result.returncode == 2
    assert f"{tmp_path}/sipfront.json (line 3, column 10): not valid JSON" in result.stderr


def test_generated_sets_are_byte_identical_for_a_seed_in_either_form(tmp_path):
    for fmt in ("json", "yaml"):
        first = generate("hiptest", 20, 5, tmp_path / f"a-{fmt}", fmt).read_bytes()
        assert generate("hiptest", 20, 5, tmp_path / f"b-{fmt}", fmt).read_bytes() == first
        assert generate("hiptest", 20, 6, tmp_path / f"c-{fmt}", fmt).read_bytes() != first
    data = load_vendor(tmp_path / "a-json", load_vendors(["hiptest"])["hiptest"])
    assert len(data["scenarios"]) == 20 and len(data["test_runs"]) == 2


def test_auto_format_is_yaml_for_small_sets_json_for_large_ones_and_replaces_the_other(tmp_path):
    small = run_cli("fixtures", "generate", "--vendor", "sipfront", "--scale", "1000", "--out", str(tmp_path))
    assert small.returncode == 0, small.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["sipfront.yaml"]
    large = run_cli("fixtures", "generate", "--vendor", "sipfront", "--scale", "1001", "--out", str(tmp_path))
    assert large.returncode == 0, large.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["sipfront.json"]  # both would be loaded, and merged
    check = run_cli("fixtures", "check", str(tmp_path), "--vendor", "sipfront")
    assert check.returncode == 0 and "tests=1001" in check.stdout


@pytest.mark.slow
def test_serve_reads_and_checks_each_fixture_file_once(tmp_path):
    generate("bitbar", 30, 1, tmp_path, "json")
    port = free_server_ports()
    proc = subprocess.Popen([SCRIPT, "serve", "--port", str(port), "--vendors", "bitbar", "--no-vendor-ports",
                             "--fixtures", str(tmp_path)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, cwd=ROOT)
    try:
        wait_health(f"http://127.0.0.1:{port}", proc)
        r = requests.get(f"http://127.0.0.1:{port}/bitbar/api/v2/devices", params={"limit": 0},
                         auth=("bitbar-demo-key", ""), headers={"Accept": "application/json"}, timeout=10)
        assert r.json()["total"] == 30  # the worker serves the set the command checked
        time.sleep(0.2)
    finally:
        proc.terminate()
        output = proc.communicate(timeout=15)[0]
    loads = [line for line in output.splitlines() if "mockserver.fixtures: bitbar: " in line]
    assert len(loads) == 1, output  # the command's check; the worker it forks takes that data
    assert f"bitbar: 155 records from {tmp_path}/bitbar.json in " in loads[0]


def test_a_loaded_set_holds_one_object_per_repeated_value_of_a_field(tmp_path):
    generate("sipfront", 300, 1, tmp_path, "json")
    vendor = load_vendors(["sipfront"])["sipfront"]
    raw = parse_file(tmp_path / "sipfront.json")
    for _ in range(2):  # a second load shares as the first did
        runs = load_vendor(tmp_path, vendor)["runs"]
        assert runs == vendor.fixture_schema().load(raw)["runs"]
        assert {r["outcome"] for r in runs} == {"passed", "failed"}
        assert len({id(r["outcome"]) for r in runs}) == 2  # 300 read, two kept
        assert len({id(r["result_description"]) for r in runs}) == len({r["result_description"] for r in runs})


def test_the_json_form_writes_what_the_json_encoder_writes_one_record_a_line(tmp_path):
    from mockserver.core.fixtures import write_json

    data = {"users": [{"id": 1, "name": "Zoë \"Z\"", "score": 0.5, "tags": ["a", None], "on": True}, {"id": 2}],
            "empty": [], "extra": {"k": "v"}}
    write_json(data, tmp_path / "x.json")
    lines = (tmp_path / "x.json").read_text(encoding="utf-8").splitlines()
    encode = json.JSONEncoder(ensure_ascii=False).encode
    assert encode(data["users"][0]) + "," in lines and encode(data["users"][1]) in lines
    assert json.loads((tmp_path / "x.json").read_text(encoding="utf-8")) == data


def test_a_broken_record_deep_in_a_generated_set_is_refused_as_marshmallow_words_it(tmp_path):
    # past the first thousands of records, where the loader has settled which fields' values it shares
    path = generate("sipfront", 5000, 2, tmp_path, "json")
    data = json.loads(path.read_text(encoding="utf-8"))
    data["runs"][4500]["outcome"] = 5
    data["runs"][4501]["result_description"] = None
    data["runs"][4502]["outcome"] = "exploded"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = run_cli("fixtures", "check", str(tmp_path), "--vendor", "sipfront")
    assert result.returncode == 2
    assert result.stderr.splitlines()[1:] == [
        f"{path}: runs.4500.outcome: Not a valid string.",
        f"{path}: runs.4501.result_description: Field may not be null.",
        f"{path}: runs.4502.outcome: Must be one of: passed, failed.",
    ]
