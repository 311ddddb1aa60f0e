"""Schemathesis against each vendor spec on a live server.

`make fuzz` runs the long budget (`python -m tests.contract.fuzz`); tests/contract/test_fuzz.py
runs a short, seeded one inside `make test`. Checks: no 5xx, responses match their schema,
status codes and content types are documented.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

CHECKS = os.environ.get(
    "FUZZ_CHECKS", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
)


@dataclass
class Target:
    spec: Path
    headers: dict


def fuzz_targets() -> dict[str, Target]:
    """Every registered vendor with a spec: what to fuzz and how its demo user authenticates."""
    from mockserver.vendors import registry

    return {
        name: Target(vendor.spec_path(), vendor.demo_headers)
        for name, vendor in registry().items()
        if vendor.spec_path().is_file()
    }


@dataclass
class FuzzResult:
    vendor: str
    cases: int
    failures: int
    errors: int
    exit_code: int
    report: dict
    output: str

    def line(self) -> str:
        return f"{self.vendor:<10} cases run {self.cases:>6}   failures {self.failures}   errors {self.errors}"


def run_fuzz(
    vendor: str,
    spec: Path,
    base_url: str,
    headers: dict,
    max_examples: int,
    seed: int,
    phases: str = "examples,coverage,fuzzing,stateful",
    max_time: int | None = None,
) -> FuzzResult:
    exe = shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or "schemathesis"
    with tempfile.TemporaryDirectory() as tmp:
        report_path = Path(tmp) / "report.json"
        cmd = [
            exe,
            "run",
            str(spec),
            "--url",
            base_url,
            "--seed",
            str(seed),
            "--max-examples",
            str(max_examples),
            "--phases",
            phases,
            "--checks",
            CHECKS,
            "--workers",
            "1",
            "--no-color",
            "--generation-database",
            "none",
            "--report",
            "json",
            "--report-json-path",
            str(report_path),
        ]
        if max_time:
            cmd += ["--max-time", str(max_time)]
        for name, value in {**headers, "X-Mock-Tenant": f"fuzz-{vendor}"}.items():
            cmd += ["-H", f"{name}: {value}"]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900, cwd=tmp)
        report = json.loads(report_path.read_text()) if report_path.is_file() else {}
    cases = report.get("test_cases", {})
    return FuzzResult(
        vendor=vendor,
        cases=cases.get("generated", 0),
        failures=cases.get("unique_failures", 0),
        errors=len(report.get("errors", [])) + report.get("operations", {}).get("errored", 0),
        exit_code=proc.returncode,
        report=report,
        output=_failures_first(proc.stdout) + proc.stderr[-2000:],
    )


def _failures_first(stdout: str) -> str:
    """What a failed assertion shows: schemathesis's failure details (each with its curl line) before the
    end of its report, which alone would be cut to the list of warnings."""
    start = stdout.find("FAILURES")
    end = stdout.find("WARNINGS", start) if start >= 0 else -1
    details = stdout[max(start - 100, 0):end if end > start else start + 8000][:8000] if start >= 0 else ""
    return details + "\n...\n" + stdout[-3000:]


def main(argv=None) -> int:
    from mockserver.settings import vendor_names
    from tests.harness import start_server

    p = argparse.ArgumentParser(description="schemathesis against every vendor spec on a live server")
    p.add_argument("--max-examples", type=int, default=100)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--vendor", action="append", help="only these vendors (repeatable)")
    args = p.parse_args(argv)
    server = start_server()
    failed = False
    try:
        targets = fuzz_targets()
        for vendor in args.vendor or vendor_names():
            if vendor not in targets:
                print(f"{vendor:<10} no spec")
                continue
            target = targets[vendor]
            result = run_fuzz(vendor, target.spec, server.vendor_url(vendor), target.headers, args.max_examples,
                              args.seed)
            print(result.line(), flush=True)
            if result.failures or result.errors or result.exit_code:
                failed = True
                print(result.output)
    finally:
        server.stop()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
