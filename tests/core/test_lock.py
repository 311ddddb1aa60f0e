"""Every transitive version is locked, the locks agree with pyproject.toml, and the venv runs them."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9_.-]+)==([^\s;]+)", re.M)


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _locked(name: str) -> dict[str, str]:
    text = (ROOT / name).read_text()
    options = [line for line in text.splitlines() if line.startswith("-")]
    assert not options, f"{name} names a machine's package index: {options}"
    return {_norm(n): v for n, v in PIN.findall(text)}


def _declared(extra: str | None = None) -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = project["dependencies"] + (project["optional-dependencies"][extra] if extra else [])
    found = {}
    for pin in pins:
        name, _, version = pin.partition("==")
        assert version, f"pyproject.toml: {pin!r} is not pinned with =="
        found[_norm(name)] = version.partition(";")[0].strip()  # (an environment marker: the lock keeps it beside)
    return found


@pytest.mark.parametrize("lock, extra", [("requirements.lock", None), ("requirements-dev.lock", "dev")])
def test_the_lock_holds_every_pin_of_pyproject(lock, extra):
    locked = _locked(lock)
    assert {n: locked.get(n) for n in _declared(extra)} == _declared(extra), f"run `make lock`: {lock} is stale"
    assert len(locked) > len(_declared(extra)), "transitive dependencies are locked too"


def test_the_test_venv_runs_the_locked_versions():
    wrong = {}
    for name, version in _locked("requirements-dev.lock").items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = None
        if installed != version:
            wrong[name] = (version, installed)
    assert not wrong, f"locked vs installed: {wrong}"
