"""The CI recipes of the README and compose.yaml, loaded as YAML: their image, ports, variables and health
command agree with the Dockerfile, the settings and the pytest plugin."""

from __future__ import annotations

import re
import shlex
import tomllib

import yaml

from mockserver.settings import ENV, from_env
from tests.core.test_image import exposed, healthcheck, image_env
from tests.served import ROOT

VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
PORT = int(image_env()["PORT"])


def readme_yaml() -> list[dict]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## In CI\n", 1)[1].split("\n## ", 1)[0]
    return [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", section, flags=re.S)]


def recipe(kind: str) -> dict:
    """The job of one recipe: "gha-build", "gha-services" (GitHub Actions) or "gitlab"."""
    for doc in readme_yaml():
        if "jobs" in doc and kind.startswith("gha"):
            test = doc["jobs"]["test"]
            if ("services" in test) == (kind == "gha-services"):
                return test
        elif "jobs" not in doc and kind == "gitlab":
            return next(iter(doc.values()))
    raise AssertionError(f"no {kind} recipe in the README's CI section")


def assert_settings(env: dict) -> None:
    """Every variable is one `serve` reads, and its value is one it takes."""
    unknown = {k for k in env if k.startswith("MOCKSERVER_") or k in ("HOST", "PORT")} - set(ENV.values())
    assert not unknown, unknown
    from_env({**image_env(), **{k: str(v) for k, v in env.items()}})


def test_the_readme_has_the_three_recipes():
    assert len(readme_yaml()) == 3
    for kind in ("gha-build", "gha-services", "gitlab"):
        recipe(kind)


def test_github_actions_builds_the_image_runs_it_and_waits_for_its_health_check():
    steps = recipe("gha-build")["steps"]
    checkout = next(s for s in steps if s.get("with", {}).get("path"))
    commands = [shlex.split(line) for s in steps if "run" in s for line in s["run"].splitlines() if line.strip()]
    build = next(c for c in commands if c[:2] == ["docker", "build"])
    run = next(c for c in commands if c[:2] == ["docker", "run"])
    tag = build[build.index("-t") + 1]
    assert build[-1] == checkout["with"]["path"] and run[-1] == tag  # the image built from the checkout is run
    low, high = exposed()
    assert run[run.index("-p") + 1] == f"{low}-{high}:{low}-{high}"
    assert_settings(dict(run[i + 1].split("=", 1) for i, word in enumerate(run) if word == "-e"))
    wait = next(s["run"] for s in steps if "Health.Status" in s.get("run", ""))
    assert "healthy" in wait and f"--name {run[run.index('--name') + 1]}" in " ".join(run)
    tests = next(s for s in steps if "pytest" in s.get("run", ""))
    assert tests["env"]["MOCKSERVER_URL"] == f"http://127.0.0.1:{PORT}"


def test_github_actions_service_publishes_every_port_and_checks_health_with_the_image_command():
    job = recipe("gha-services")
    service = job["services"]["mockserver"]
    assert service["image"].endswith(f"/mockserver:{VERSION}")
    low, high = exposed()
    assert service["ports"] == [f"{p}:{p}" for p in range(low, high + 1)]
    assert_settings(service.get("env", {}))
    options = shlex.split(service["options"])
    assert shlex.split(options[options.index("--health-cmd") + 1]) == healthcheck()[1]
    tests = next(s for s in job["steps"] if "pytest" in s.get("run", ""))
    assert tests["env"]["MOCKSERVER_URL"] == f"http://127.0.0.1:{PORT}"


def test_gitlab_service_is_reached_by_its_alias_on_the_image_port():
    job = recipe("gitlab")
    (service,) = job["services"]
    assert service["name"].endswith(f"/mockserver:{VERSION}")
    assert_settings(service.get("variables", {}))
    assert job["variables"]["MOCKSERVER_URL"] == f"http://{service['alias']}:{PORT}"
    assert any("pytest" in line for line in job["script"])


def test_compose_builds_this_checkout_publishes_the_ports_and_shares_the_health_check():
    service = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]["mockserver"]
    assert service["build"] == "." and service["image"] == f"mockserver:{VERSION}"
    low, high = exposed()
    assert service["ports"] == [f"{low}-{high}:{low}-{high}"]
    assert_settings(service["environment"])
    assert int(service["environment"].get("PORT", PORT)) == low
    check = service["healthcheck"]
    options = healthcheck()[0]
    assert check["test"] == ["CMD", *healthcheck()[1]]
    for key in ("interval", "timeout", "start_period", "start_interval", "retries"):
        assert str(check[key]) == options[key.replace("_", "-")], key


def test_the_variable_the_recipes_give_the_suite_is_the_plugins():
    assert 'os.environ.get("MOCKSERVER_URL")' in (ROOT / "mockserver" / "pytest_plugin.py").read_text()
