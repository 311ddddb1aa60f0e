"""A short, seeded schemathesis run per vendor inside `make test` (the long one is `make fuzz`)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from mockserver.settings import Settings
from tests.contract.fuzz import fuzz_targets, run_fuzz
from tests.core.demo_vendor import DEMO, DEMO_FIXTURES
from tests.harness import start_server

TARGETS = fuzz_targets()
DEMO_SPEC = Path(__file__).resolve().parents[1] / "core" / "demo_openapi.yaml"


@pytest.mark.parametrize("vendor", list(TARGETS))
def test_fuzz_vendor(server, vendor):
    # a budget, not a timing assertion: the seeded case list is cut at max_time on a slow machine
    result = run_fuzz(vendor, TARGETS[vendor].spec, server.vendor_url(vendor), TARGETS[vendor].headers,
                      max_examples=5, seed=1, phases="examples,coverage,fuzzing", max_time=25)
    assert result.cases > 0, result.output
    assert (result.failures, result.errors) == (0, 0), result.output


@pytest.fixture(scope="module")
def demo_server():
    running = start_server(Settings(vendor_ports=False, vendors=("demo",)), vendors={"demo": DEMO},
                           fixtures={"demo": copy.deepcopy(DEMO_FIXTURES)})
    yield running
    running.stop()


def test_fuzzer_passes_a_server_that_matches_its_spec(demo_server):
    result = run_fuzz("demo", DEMO_SPEC, demo_server.vendor_url("demo"), {"Authorization": "Bearer demo-token"},
                      max_examples=5, seed=1, phases="coverage,fuzzing")
    assert result.cases > 0 and (result.failures, result.errors, result.exit_code) == (0, 0, 0), result.output


def test_fuzzer_catches_a_spec_drift(demo_server, tmp_path):
    drifted = tmp_path / "drifted.yaml"
    drifted.write_text(
        DEMO_SPEC.read_text().replace("required: [id, name, size]", "required: [id, name, size, colour]")
    )
    result = run_fuzz(
        "demo",
        drifted,
        demo_server.vendor_url("demo"),
        {"Authorization": "Bearer demo-token"},
        max_examples=5,
        seed=1,
        phases="coverage,fuzzing",
    )
    assert result.failures > 0 and result.exit_code != 0
