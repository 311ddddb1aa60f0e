"""Contracts are parsed and compiled on first use (not at start), so these check what start-up no longer does."""

from __future__ import annotations

import os
import shutil

import pytest
import yaml

from mockserver.core.contract import HTTP_METHODS, load_contract
from mockserver.settings import vendor_names
from tests.contract.validate import spec_path

WITH_SPEC = [v for v in vendor_names() if spec_path(v).is_file()]


@pytest.mark.parametrize("vendor", WITH_SPEC)
def test_every_documented_operation_compiles(vendor):
    spec = yaml.safe_load(spec_path(vendor).read_text(encoding="utf-8"))
    documented = sum(method in HTTP_METHODS for item in spec["paths"].values() for method in item)
    assert load_contract(spec_path(vendor)).compile_all() == documented


def test_a_spec_is_read_from_its_json_copy_until_it_changes(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("MOCKSERVER_CACHE_DIR", str(cache))
    spec = tmp_path / "qtest.yaml"
    shutil.copy(spec_path("qtest"), spec)
    first = load_contract(spec)
    copies = list(cache.glob("qtest-*.json"))
    assert len(copies) == 1 and first.spec == yaml.safe_load(spec.read_text(encoding="utf-8"))
    assert load_contract(spec) is first  # unchanged file: the contract already loaded

    copies[0].write_text("{not json", encoding="utf-8")  # a broken copy is parsed again from the YAML
    spec.write_text(spec.read_text(encoding="utf-8").replace("title:", "title: changed", 1), encoding="utf-8")
    os.utime(spec, ns=(spec.stat().st_atime_ns, spec.stat().st_mtime_ns + 10**9))
    changed = load_contract(spec)
    assert changed is not first and changed.spec["info"]["title"].startswith("changed")
    assert len(list(cache.glob("qtest-*.json"))) == 2
    assert changed.operation("/api/v3/automation/hosts/<host_server_id>/ping", "POST") is not None


def test_an_unwritable_cache_only_costs_the_parse(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("MOCKSERVER_CACHE_DIR", str(blocker / "cache"))  # below a file: cannot be created
    spec = tmp_path / "sipfront.yaml"
    shutil.copy(spec_path("sipfront"), spec)
    assert load_contract(spec).compile_all() > 0


def test_an_empty_cache_dir_keeps_no_copy(tmp_path, monkeypatch):
    monkeypatch.setenv("MOCKSERVER_CACHE_DIR", "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    spec = tmp_path / "happo.yaml"
    shutil.copy(spec_path("happo"), spec)
    assert load_contract(spec).compile_all() > 0
    assert not (tmp_path / "xdg").exists()


@pytest.mark.parametrize("raw", [
    b'{"test.name": "x"}', b"[1, 2.5, -0, 1e400, null, true]", '{"é": "ü"}'.encode(), '{"a": "ü"}'.encode("utf-16"),
    '{"a": 1}'.encode("utf-16-le"), '{"a": 1}'.encode("utf-32"), b"\xef\xbb\xbf{}", b'{"a": NaN}', b"[Infinity]",
    b"-Infinity", b"{not json", b"", b"   ", b'{"a": "\xff"}', b'"\\ud800"', b'{"a": 1} trailing',
    b"[" * 50 + b"]" * 50,
])
def test_a_json_body_is_read_as_json_loads_reads_it(raw):
    """The contract's decoder, made once, reads a body as json.loads(raw, parse_constant=...) did: the same value,
    or the same error with the same message (the message reaches the client)."""
    import json

    from mockserver.core.contract import _loads, _no_constant

    def outcome(read):
        try:
            return "value", read(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            return type(exc).__name__, str(exc)

    assert outcome(_loads) == outcome(lambda b: json.loads(b, parse_constant=_no_constant))
