"""The Dockerfile's facts against the code (stages, lock, user, env, ports, health check), its commands run
as the image runs them, and — where a Docker daemon answers — the image built and run."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid

import pytest
import requests

from mockserver.settings import ENV, OPENAPI_DIR, Settings
from mockserver.vendors import registry
from tests.harness import free_server_ports
from tests.served import ROOT, SCRIPT, wait_health


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined, comments dropped."""
    lines = [line for line in (ROOT / "Dockerfile").read_text().splitlines() if not line.lstrip().startswith("#")]
    text = re.sub(r"\\\n\s*", " ", "\n".join(lines))
    return [(word.upper(), rest.strip()) for word, _, rest in (line.strip().partition(" ")
                                                              for line in text.splitlines() if line.strip())]


def stages() -> list[list[tuple[str, str]]]:
    out: list = []
    for name, args in instructions():
        if name == "FROM":
            out.append([])
        out[-1].append((name, args))
    return out


def final(name: str) -> str:
    """The arguments of the runtime stage's last `name` instruction."""
    return [args for n, args in stages()[-1] if n == name][-1]


def image_env() -> dict:
    env: dict = {}
    for args in (a for n, a in stages()[-1] if n == "ENV"):
        env.update(pair.split("=", 1) for pair in shlex.split(args))
    return env


def exposed() -> tuple[int, int]:
    low, high = final("EXPOSE").split("-")
    return int(low), int(high)


def healthcheck() -> tuple[dict, list]:
    """(options, exec-form command) of the HEALTHCHECK."""
    options, command = final("HEALTHCHECK").split(" CMD ", 1)
    return dict(opt[2:].split("=", 1) for opt in options.split()), json.loads(command)


def seconds(text: str) -> float:
    return float(text[:-1]) if text.endswith("s") else float(text)


def test_two_stages_the_runtime_installs_the_lock_then_the_wheel_as_a_layer_apart():
    build, runtime = stages()[0], stages()[-1]
    assert len(stages()) == 2 and build[0][1].endswith(" AS build")
    assert any(n == "RUN" and "pip wheel" in a and "--no-deps" in a for n, a in build)
    names = [n for n, _ in runtime]
    lock_copy = runtime.index(("COPY", "requirements.lock /tmp/requirements.lock"))
    lock_install = next(i for i, (n, a) in enumerate(runtime) if n == "RUN" and "-r /tmp/requirements.lock" in a)
    code_copy = next(i for i, (n, a) in enumerate(runtime) if n == "COPY" and a.startswith("--from=build"))
    assert lock_copy < lock_install < code_copy  # dependencies cached in layers no code change invalidates
    assert not any(n == "COPY" and "mockserver" in a.split() for n, a in runtime)  # only the built wheel comes in
    wheel = next(a for n, a in runtime[code_copy:] if n == "RUN" and ".whl" in a)
    assert "--no-deps" in wheel and " -e " not in wheel and "mockserver-*.whl" in wheel
    # the lock the image installs is the one `make run` installs
    assert "pip install -q -r requirements.lock" in (ROOT / "Makefile").read_text()
    assert names.index("USER") > max(i for i, n in enumerate(names) if n == "RUN")


def test_the_user_is_not_root():
    user = final("USER")
    assert user not in ("root", "0") and user == re.search(r"useradd .*--uid (\d+)", final("RUN")).group(1)


def test_the_command_is_serve_without_flags_and_every_variable_is_one_serve_reads():
    assert json.loads(final("ENTRYPOINT")) == ["tini", "--"]
    assert json.loads(final("CMD")) == ["mockserver", "serve"]  # nothing that would override HOST, PORT, MOCKSERVER_*
    env = image_env()
    assert env["HOST"] == "0.0.0.0" and int(env["PORT"]) == Settings().port
    known = set(ENV.values()) | {"MOCKSERVER_CACHE_DIR"}  # the spec cache (core/contract.py)
    assert {k for k in env if k.startswith("MOCKSERVER_") or k in ("HOST", "PORT")} <= known


def test_expose_is_the_range_the_vendor_registry_derives():
    port = Settings().port
    assert exposed() == (port, port + max(v.port_offset for v in registry().values()))
    low, high = exposed()
    assert f"-p {low}-{high}:{low}-{high}" in (ROOT / "README.md").read_text()


def test_the_healthcheck_asks_the_configured_port_and_its_start_period_fits():
    options, command = healthcheck()
    assert command == ["mockserver", "health"]
    # start takes about half a second (README, make bench); the first probes may come every second meanwhile
    assert seconds(options["start-period"]) >= 5 and seconds(options["start-interval"]) <= 1
    assert seconds(options["timeout"]) < seconds(options["interval"])


def test_the_spec_cache_step_of_the_image_fills_its_cache(tmp_path):
    step = re.search(r'python -c "([^"]+)"', final("RUN")).group(1)
    env = {**os.environ, "MOCKSERVER_CACHE_DIR": str(tmp_path)}
    subprocess.run([sys.executable, "-c", step], check=True, env=env, timeout=120, cwd=tmp_path)
    assert sorted(p.name.split("-")[0] for p in tmp_path.glob("*.json")) == sorted(p.stem for p in
                                                                                     OPENAPI_DIR.glob("*.yaml"))


@pytest.mark.slow
def test_the_image_command_honours_its_environment_and_the_healthcheck_follows_port():
    port = free_server_ports()
    env = {**os.environ, **image_env(), "HOST": "127.0.0.1", "PORT": str(port), "MOCKSERVER_VENDORS": "bitbar,happo"}
    cmd = json.loads(final("CMD"))
    check = [SCRIPT, *healthcheck()[1][1:]]  # the image's `mockserver`: this environment's
    proc = subprocess.Popen([SCRIPT, *cmd[1:]], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            cwd=ROOT, env=env)
    try:
        answer = wait_health(f"http://127.0.0.1:{port}", proc)
        assert answer.json()["vendors"] == ["happo", "bitbar"]
        assert requests.get(f"http://127.0.0.1:{port + registry()['bitbar'].port_offset}/_mock/health",
                            timeout=5).status_code == 200
        healthy = subprocess.run(check, capture_output=True, text=True, env=env, timeout=30)
        assert healthy.returncode == 0, healthy.stderr
    finally:
        proc.terminate()
        proc.wait(timeout=15)
    unhealthy = subprocess.run(check, capture_output=True, text=True, env=env, timeout=30)
    assert unhealthy.returncode == 1 and f"127.0.0.1:{port} is not healthy" in unhealthy.stderr


def _docker_answers() -> str | None:
    """None when a Docker daemon answers, else why not."""
    if shutil.which("docker") is None:
        return "no docker command"
    done = subprocess.run(["docker", "info"], capture_output=True, text=True, timeout=30)
    return None if done.returncode == 0 else f"no Docker daemon answers: {done.stderr.strip()[-200:]}"


@pytest.mark.slow
def test_the_image_builds_runs_gets_healthy_and_stops_on_sigterm_within_2_s():
    why = _docker_answers()
    if why:
        pytest.skip(why)
    tag = f"mockserver-test:{uuid.uuid4().hex[:8]}"
    name = tag.replace(":", "-")
    subprocess.run(["docker", "build", "-q", "-t", tag, str(ROOT)], check=True, capture_output=True, timeout=1800)
    port = free_server_ports()
    low, high = exposed()
    span = high - low
    try:
        subprocess.run(["docker", "run", "-d", "--name", name, "-e", f"PORT={port}",
                        "-p", f"127.0.0.1:{port}-{port + span}:{port}-{port + span}", tag],
                       check=True, capture_output=True, timeout=120)
        end = time.monotonic() + 60
        status = ""
        while time.monotonic() < end and status != "healthy":
            status = subprocess.run(["docker", "inspect", "-f", "{{.State.Health.Status}}", name],
                                    capture_output=True, text=True).stdout.strip()
            time.sleep(0.5)
        assert status == "healthy"
        assert requests.get(f"http://127.0.0.1:{port + span}/_mock/health", timeout=5).status_code == 200
        user = subprocess.run(["docker", "exec", name, "id", "-u"], capture_output=True, text=True).stdout.strip()
        assert user != "0"
        started = time.monotonic()
        subprocess.run(["docker", "stop", "-t", "10", name], check=True, capture_output=True, timeout=30)
        assert time.monotonic() - started < 2.5  # SIGTERM obeyed: no wait for the 10 s SIGKILL
    finally:
        subprocess.run(["docker", "rm", "-f", name], capture_output=True)
        subprocess.run(["docker", "rmi", "-f", tag], capture_output=True)
