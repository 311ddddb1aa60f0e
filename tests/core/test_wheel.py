"""The package as a user installs it: a wheel in a fresh venv outside the checkout serves what `make run`
serves (fixtures and specs are package data), and a missing spec stops the start."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
import requests
import yaml

import mockserver.core.vendor as vendor_module
from mockserver.app import create_app
from mockserver.settings import Settings, vendor_names
from mockserver.vendors import registry
from tests.harness import free_server_ports

ROOT = Path(__file__).resolve().parents[2]


def _run(*argv, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in argv], capture_output=True, text=True, timeout=600, **kwargs)
    assert result.returncode == 0, f"{argv}: {result.stdout}\n{result.stderr}"
    return result


def _clean_env() -> dict:
    # nothing of the checkout's environment may point the installed copy at the checkout's files
    return {k: v for k, v in os.environ.items()
            if not k.startswith("MOCKSERVER_") and k not in ("PYTHONPATH", "HOST", "PORT", "VIRTUAL_ENV")}


def _wait_health(url: str, proc: subprocess.Popen) -> None:
    for _ in range(300):
        if proc.poll() is not None:
            pytest.fail(f"server exited {proc.returncode}: {proc.stdout.read()}")
        try:
            if requests.get(f"{url}/_mock/health", timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    pytest.fail(f"{url} did not answer /_mock/health")


@pytest.mark.slow
def test_a_wheel_installed_outside_the_checkout_serves_fixtures_specs_and_docs(tmp_path):
    dist = tmp_path / "dist"
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, ROOT)
    (wheel,) = dist.glob("mockserver-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in vendor_names():
        assert f"mockserver/openapi/{name}.yaml" in names and f"mockserver/fixtures/{name}.yaml" in names
    for asset in ("index.html", "console.js", "console.css"):  # the web console's files
        assert f"mockserver/console/static/{asset}" in names

    venv = tmp_path / "v"
    _run(sys.executable, "-m", "venv", venv)
    python = venv / "bin" / "python"
    _run(python, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-deps",
         "-r", ROOT / "requirements.lock", wheel, env=_clean_env())
    where = _run(python, "-c", "import mockserver; print(mockserver.__file__)", cwd=tmp_path, env=_clean_env())
    assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout  # the installed copy, not the checkout

    port = free_server_ports()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([str(python), "-m", "mockserver", "serve", "--port", str(port)], cwd=tmp_path,
                            env=_clean_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        _wait_health(url, proc)
        for name, vendor in registry().items():  # the default fixtures' demo credentials work
            r = requests.get(f"{url}/{name}{vendor.probe}", headers=vendor.demo_headers, timeout=10)
            assert r.status_code == 200, (name, r.status_code, r.text[:300])
        spec = requests.get(f"{url}/_mock/openapi/bitbar.yaml", timeout=10)
        assert spec.status_code == 200 and yaml.safe_load(spec.text)["openapi"].startswith("3.")
        docs = requests.get(f"{url}/_mock/docs", timeout=10)
        assert docs.status_code == 200 and docs.headers["Content-Type"].startswith("text/html")
        for name in vendor_names():
            assert f'"/_mock/openapi/{name}.yaml"' in docs.text
        console = requests.get(f"{url}/_mock/ui", timeout=10)
        assert console.status_code == 200 and "/_mock/ui/console.js" in console.text
        assert requests.get(f"{url}/_mock/ui/console.js", timeout=10).status_code == 200
        # request validation is on: a body the spec forbids is refused in Bitbar's words
        bad = requests.post(f"{url}/bitbar/api/v2/me/projects", timeout=10, data={"name": "x" * 300},
                            headers={**registry()["bitbar"].demo_headers, "Accept": "application/json"})
        assert bad.status_code == 400 and bad.json()["message"].startswith("name: "), bad.text[:300]
    finally:
        proc.terminate()
        proc.wait(timeout=15)

    # an install that lost a spec refuses to start (exit 2, naming it) instead of serving unchecked
    site = Path(where.stdout.strip()).parent
    (site / "openapi" / "qtest.yaml").unlink()
    broken = subprocess.run([str(python), "-m", "mockserver", "serve", "--port", str(free_server_ports())],
                            cwd=tmp_path, env=_clean_env(), capture_output=True, text=True, timeout=60)
    assert broken.returncode == 2 and "qtest" in broken.stderr and "qtest.yaml" in broken.stderr, broken.stderr


def test_a_missing_spec_stops_the_start_naming_it(tmp_path, monkeypatch):
    monkeypatch.setattr(vendor_module, "OPENAPI_DIR", tmp_path)
    with pytest.raises(FileNotFoundError, match=r"sipfront: OpenAPI spec .*sipfront\.yaml not found"):
        create_app(Settings(vendors=("sipfront",)))
