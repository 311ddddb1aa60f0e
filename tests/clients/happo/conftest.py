"""The real Happo CLIs (happo.io 13, happo 6), installed once from package-lock.json, run against the session server."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
MODULES = HERE / "node_modules"
KEY, SECRET = "happo-demo-key", "happo-demo-secret"
PAGES = [{"url": "https://example.com/", "title": "Home"}, {"url": "https://example.com/pricing", "title": "Pricing"}]


@pytest.fixture(scope="session")
def node_modules():
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.fail("node and npm are needed to run the real Happo clients")
    clis = (MODULES / "happo.io" / "build" / "cli.js", MODULES / "happo" / "dist" / "cli" / "main.js")
    if not all(cli.is_file() for cli in clis):
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True, timeout=600,
                       stdout=subprocess.DEVNULL)
    return MODULES


def _clean_env() -> dict:
    # no GitHub tokens (no PR comments), no CI detection, no Sentry reports
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GITHUB_", "HAPPO_", "CI", "CHANGE_",
                                "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"))}
    env["NODE_ENV"] = "test"
    return env


class Cli:
    def __init__(self, argv: list[str], cwd: Path, env: dict):
        self.argv, self.cwd, self.env = argv, cwd, env

    def __call__(self, *args: str, **env) -> subprocess.CompletedProcess:
        return subprocess.run(self.argv + list(args), cwd=self.cwd, env={**self.env, **env},
                              capture_output=True, text=True, timeout=120)


@pytest.fixture
def happo_io(node_modules, server, tmp_path):
    """happo.io 13 with a .happo.js whose endpoint is the mock under its /happo path."""
    def make(secret=SECRET, extra="", pages=True):
        config = tmp_path / ".happo.js"
        config.write_text(
            "module.exports = {\n"
            + (f"  apiKey: '{KEY}', apiSecret: '{secret}',\n" if secret else "")
            + f"  endpoint: '{server.vendor_url('happo')}', project: 'default',\n"
            + (f"  pages: {PAGES!r},\n" if pages else "")
            + "  targets: { chrome: { browserType: 'chrome', viewport: '800x600' } },\n"
            + extra
            + "};\n", encoding="utf-8")
        env = {**_clean_env(), "HAPPO_CONFIG_FILE": str(config)}
        return Cli(["node", str(node_modules / "happo.io" / "build" / "cli.js")], tmp_path, env)
    return make


@pytest.fixture
def happo6(node_modules, server, tmp_path):
    """happo 6 with a happo.config.mjs; it drops any path in its endpoint, so it gets the vendor's own port."""
    def make(secret=SECRET, integration=f"{{ type: 'pages', pages: {PAGES!r} }}"):
        config = tmp_path / "happo.config.mjs"
        config.write_text(
            "export default {\n"
            f"  apiKey: '{KEY}', apiSecret: '{secret}', endpoint: '{server.port_url('happo')}', project: 'default',\n"
            f"  integration: {integration},\n"
            "  targets: { chrome: { type: 'chrome', viewport: '800x600' } },\n"
            "};\n", encoding="utf-8")
        return Cli(["node", str(node_modules / "happo" / "dist" / "cli" / "main.js")], tmp_path, _clean_env()), config
    return make
