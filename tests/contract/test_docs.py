"""Swagger UI at /_mock/docs, from pinned local assets, listing every vendor spec."""

from __future__ import annotations

import json
import re

import requests

from mockserver.settings import vendor_names
from tests.contract.validate import spec_path


def test_swagger_ui_page_lists_the_specs_and_serves_its_assets(server):
    r = requests.get(f"{server.url}/_mock/docs", timeout=10)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    assert "https://" not in r.text.split("<body>")[0]  # no CDN
    config = json.loads(re.search(r"var user_config = (\{.*?\});", r.text).group(1))
    expected = [{"name": v, "url": f"/_mock/openapi/{v}.yaml"} for v in vendor_names() if spec_path(v).is_file()]
    assert config["urls"] == expected
    for asset in re.findall(r'(?:src|href)="(/_mock/docs/[^"]+)"', r.text):
        a = requests.get(f"{server.url}{asset}", timeout=10)
        assert a.status_code == 200 and len(a.content) > 0, asset
    for entry in expected:
        assert requests.get(f"{server.url}{entry['url']}", timeout=10).status_code == 200
