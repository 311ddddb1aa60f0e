"""happo.io 13 and happo 6 against the mock: has-report, empty, start-job, compare, run, the default flow,
finalize, flake.

The CLIs cannot send X-Mock-Tenant, so they use the default tenant; every test uses shas of its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import uuid

import pytest
import requests

from .conftest import KEY, SECRET


@pytest.fixture
def sha():
    prefix = uuid.uuid4().hex[:10]
    return lambda name: f"{prefix}-{name}"


@pytest.fixture
def mock_api(server):
    session = requests.Session()
    session.auth = (KEY, SECRET)
    base = server.vendor_url("happo")
    return lambda method, path, **kw: session.request(method, base + path, timeout=10, **kw)


@pytest.fixture
def advance(server, control):
    return lambda seconds: control.post(f"{server.url}/_mock/clock", json={"advance_seconds": seconds}, timeout=10)


@pytest.fixture
def freeze(server, control):
    """Renders then finish only when the test advances the clock; `control` puts it back to real time."""
    return lambda: control.post(f"{server.url}/_mock/clock", json={"mode": "frozen"}, timeout=10)


def test_has_report_and_empty(happo_io, sha, mock_api):
    cli = happo_io()
    assert cli("has-report", "base-sha").returncode == 0
    assert cli("has-report", sha("none")).returncode == 1
    done = cli("empty", sha("empty"))
    assert done.returncode == 0, done.stderr
    assert mock_api("GET", f"/api/reports/{sha('empty')}").json() == []


def test_wrong_secret_is_refused(happo_io):
    result = happo_io(secret="wrong-secret")("has-report", "base-sha")
    assert result.returncode == 1


def test_start_job_reuses_the_pending_job(happo_io, sha):
    cli = happo_io()
    first = cli("start-job", sha("a"), sha("b"), "--link", "https://github.com/happo/demo/pull/9", "--message", "PR 9")
    assert first.returncode == 0, first.stderr
    job_id = first.stdout.strip().splitlines()[-1]
    assert job_id.isdigit()
    assert cli("start-job", sha("a"), sha("b")).stdout.strip().splitlines()[-1] == job_id


def test_sync_and_async_compare(happo_io, mock_api):
    cli = happo_io()
    equal = cli("compare", "base-sha", "same-sha")
    assert equal.returncode == 0, equal.stderr
    assert "No differences found" in equal.stdout
    differs = cli("compare", "base-sha", "change-sha", "--link", "https://github.com/happo/demo/pull/3")
    assert differs.returncode == 113
    assert "1 diffs, 1 added, 1 deleted" in differs.stdout
    async_run = cli("compare", "same-sha", "change-sha", "-a")
    assert async_run.returncode == 0, async_run.stderr
    assert "Async comparison created" in async_run.stdout
    status = mock_api("GET", "/api/reports/same-sha/compare/change-sha/status").json()
    assert status["status"] in ("awaiting review", "success", "failure")


def test_run_over_pages_is_deterministic(happo_io, sha, mock_api, advance):
    cli = happo_io()
    sync_run = cli("run", sha("one"))
    assert sync_run.returncode == 0, sync_run.stderr
    snaps = mock_api("GET", f"/api/reports/{sha('one')}").json()
    assert sorted((s["component"], s["target"], s["width"], s["height"]) for s in snaps) == [
        ("Home", "chrome", 800, 600), ("Pricing", "chrome", 800, 600)]
    async_run = cli("run", sha("two"), "-a")
    assert async_run.returncode == 0, async_run.stderr
    assert "Async report" in async_run.stdout
    advance(10)
    same = cli("compare", sha("one"), sha("two"))
    assert same.returncode == 0, same.stdout + same.stderr


def test_happo6_default_flow_and_async_comparison(happo6, sha, mock_api, advance, freeze):
    freeze()
    cli, config = happo6()
    common = ["--config", str(config), "--link", "https://github.com/happo/demo/pull/9", "--message", "PR 9"]
    first = cli(*common, "--beforeSha", "base-sha", "--afterSha", sha("p1"))
    assert first.returncode == 0, first.stdout + first.stderr
    assert f"/report/{sha('p1')}" in first.stdout
    second = cli(*common, "--beforeSha", sha("p1"), "--afterSha", sha("p2"))
    assert second.returncode == 0, second.stdout + second.stderr
    assert mock_api("GET", f"/api/reports/{sha('p1')}/compare/{sha('p2')}/status").json()["status"] == "pending"
    advance(10)
    assert mock_api("GET", f"/api/reports/{sha('p1')}/compare/{sha('p2')}/status").json()["status"] == "success"
    assert mock_api("GET", f"/api/reports/base-sha/compare/{sha('p1')}/status").json()["status"] == "awaiting review"


def test_happo6_finalize(happo6, sha, mock_api):
    cli, config = happo6()
    home = {"component": "Home", "variant": "default", "target": "chrome",
            "url": "https://cdn.example.com/home.png", "width": 10, "height": 10}
    request_id = mock_api("POST", "/api/snap-requests/with-results", json={"snaps": [home]}).json()["requestId"]
    mock_api("POST", f"/api/async-reports/{sha('e2e')}", json={"requestIds": [request_id], "nonce": sha("nonce")})
    assert mock_api("GET", f"/api/reports/{sha('e2e')}/status").json()["completedAt"] is None
    done = cli("finalize", "--config", str(config), "--nonce", sha("nonce"), "--beforeSha", "base-sha",
               "--afterSha", sha("e2e"), "--link", "https://github.com/happo/demo/pull/9", "--message", "e2e")
    assert done.returncode == 0, done.stdout + done.stderr
    status = mock_api("GET", f"/api/reports/{sha('e2e')}/status").json()
    assert status["snapshotCount"] == 1 and status["completedAt"] is not None
    assert mock_api("GET", f"/api/reports/base-sha/compare/{sha('e2e')}/status").json()["status"] == "awaiting review"


def test_happo6_flake_and_bad_credentials(happo6):
    cli, config = happo6()
    listed = cli("flake", "--config", str(config), "--format=json")
    assert listed.returncode == 0, listed.stderr
    flakes = json.loads(listed.stdout[listed.stdout.index("["):listed.stdout.rindex("]") + 1])
    assert {f["component"] for f in flakes} >= {"Modal", "Button"}
    bad_cli, bad_config = happo6(secret="wrong-secret")
    refused = bad_cli("flake", "--config", str(bad_config), "--format=json")
    assert refused.returncode != 0
    assert "401" in refused.stdout + refused.stderr


def test_compare_threshold_fetches_the_pngs_and_ignores_small_diffs(happo_io, sha, mock_api, server):
    def report(name, digest):
        url = f"{server.vendor_url('happo')}/snapshots/{digest}/40/20"
        snap = {"component": "Badge", "variant": "default", "target": "chrome", "url": url, "width": 40, "height": 20}
        assert mock_api("POST", f"/api/reports/{sha(name)}", json={"snaps": [snap]}).status_code == 200

    report("t1", "aaaa0000aaaa0000")
    report("t2", "bbbb1111bbbb1111")
    strict = happo_io(extra="  compareThreshold: 0,\n")("compare", sha("t1"), sha("t2"))
    assert strict.returncode == 113, strict.stdout + strict.stderr
    lenient = happo_io(extra="  compareThreshold: 1,\n")("compare", sha("t1"), sha("t2"))
    assert lenient.returncode == 0, lenient.stdout + lenient.stderr
    assert "0 diffs" in lenient.stdout
    for digest in ("aaaa0000aaaa0000", "bbbb1111bbbb1111"):
        fetched = requests.get(f"{server.url}/_mock/requests", timeout=10,
                               params={"vendor": "happo", "method": "GET", "path": f"/snapshots/{digest}/*"}).json()
        assert fetched["count"] >= 2 and {e["status"] for e in fetched["requests"]} == {200}
    ignored = requests.get(f"{server.url}/_mock/requests", timeout=10,
                           params={"vendor": "happo", "method": "POST", "path": "/api/ignored-diffs"}).json()
    assert ignored["count"] >= 1 and ignored["requests"][-1]["status"] == 200


def _journal(server, method, path):
    return requests.get(f"{server.url}/_mock/requests", timeout=10,
                        params={"vendor": "happo", "method": method, "path": path}).json()["requests"]


@pytest.mark.parametrize("signed", [False, True])
def test_static_package_run_uploads_assets_once(happo_io, sha, mock_api, server, tmp_path, signed):
    package = tmp_path / "static"
    package.mkdir()
    (package / "iframe.html").write_text(f"<html><body>{sha('pkg')}</body></html>")
    extra = f"  generateStaticPackage: async () => ({{ path: {str(package)!r} }}),\n"
    cli = happo_io(extra=extra, pages=False)
    env = {"HAPPO_SIGNED_URL": "true"} if signed else {}
    first = cli("run", sha("s1"), "-a", **env)
    assert first.returncode == 0, first.stdout + first.stderr
    second = cli("run", sha("s2"), "-a", **env)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Reusing existing assets" in second.stdout + second.stderr
    if signed:
        puts = [e for e in _journal(server, "PUT", "/uploads/assets/*") if e["status"] == 200]
        assert puts and _journal(server, "POST", "/api/snap-requests/assets/*/signed-url/finalize")[-1]["status"] == 200
    else:
        assert _journal(server, "POST", "/api/snap-requests/assets/*")[-1]["status"] == 200
    status = mock_api("GET", f"/api/reports/{sha('s1')}/status").json()
    assert status["url"].endswith(f"/report/{sha('s1')}")


def test_happo6_e2e_wrapper_posts_the_childs_snap_requests(happo6, sha, mock_api):
    ids = []
    for variant in ("empty", "filled"):
        snap = {"component": "Form", "variant": variant, "target": "chrome",
                "url": f"https://cdn.example.com/{variant}.png", "width": 10, "height": 10}
        ids.append(mock_api("POST", "/api/snap-requests/with-results", json={"snaps": [snap]}).json()["requestId"])
    cli, config = happo6(integration="{ type: 'playwright' }")
    child = ("fetch('http://localhost:' + process.env.HAPPO_E2E_PORT + '/', "
             f"{{method: 'POST', body: '{ids[0]}\\n{ids[1]}'}}).then(r => process.exit(r.ok ? 0 : 1))")
    run = cli("--config", str(config), "--beforeSha", "base-sha", "--afterSha", sha("e2e"),
              "--link", "https://github.com/happo/demo/pull/9", "--message", "e2e", "--", "node", "-e", child)
    assert run.returncode == 0, run.stdout + run.stderr
    snaps = mock_api("GET", f"/api/reports/{sha('e2e')}").json()
    assert sorted(s["variant"] for s in snaps) == ["empty", "filled"]
    assert mock_api("GET", f"/api/reports/base-sha/compare/{sha('e2e')}/status").json()["status"] == "awaiting review"


def test_without_keys_happo_io_gets_a_pull_request_secret(happo_io, server):
    cli = happo_io(secret=None)
    pr = "https://github.com/happo/demo/pull/77"
    result = cli("has-report", "base-sha", CHANGE_URL=pr)
    assert result.returncode == 0, result.stdout + result.stderr
    token_calls = _journal(server, "POST", "/api/pull-request-token")
    assert token_calls[-1]["status"] == 200 and pr in token_calls[-1]["body"]
    assert "Authorization" not in token_calls[-1]["headers"]


def test_happo_ci_async_flow_falls_back_to_an_older_commit(happo_io, node_modules, tmp_path, mock_api, advance, server):
    repo = tmp_path / "repo"
    repo.mkdir()
    git_env = {"GIT_AUTHOR_NAME": "CI", "GIT_AUTHOR_EMAIL": "ci@example.com", "GIT_COMMITTER_NAME": "CI",
               "GIT_COMMITTER_EMAIL": "ci@example.com", "HOME": str(tmp_path)}
    def git(*args):
        return subprocess.run(["git", *args], cwd=repo, env={**os.environ, **git_env}, check=True,
                              capture_output=True, text=True).stdout.strip()
    git("init", "-q")
    shas = []
    for n in range(3):
        (repo / "file.txt").write_text(f"{n}-{uuid.uuid4().hex}")
        git("add", "file.txt")
        git("commit", "-q", "-m", f"commit {n}")
        shas.append(git("rev-parse", "HEAD"))
    oldest, previous, current = shas
    # only the oldest commit has a report: the comparison must fall back to it
    snap = {"component": "Home", "variant": "default", "target": "chrome", "url": "https://cdn.example.com/old.png",
            "width": 800, "height": 600}
    assert mock_api("POST", f"/api/reports/{oldest}", json={"snaps": [snap]}).status_code == 200
    cli = happo_io()
    env = {**cli.env, **git_env, "PREVIOUS_SHA": previous, "CURRENT_SHA": current,
           "CHANGE_URL": "https://github.com/happo/demo/pull/12",
           "HAPPO_COMMAND": str(node_modules / "happo.io" / "build" / "cli.js")}
    result = subprocess.run([str(node_modules / "happo.io" / "bin" / "happo-ci")], cwd=repo, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    compare = [e for e in _journal(server, "POST", f"/api/reports/{previous}/compare/{current}")]
    assert compare and oldest in json.loads(compare[-1]["body"])["fallbackShas"]
    advance(10)
    # the previous commit has no report, so a settled comparison proves the fallback was taken
    assert mock_api("GET", f"/api/reports/{previous}/compare/{current}/status").json()["status"] == "awaiting review"
