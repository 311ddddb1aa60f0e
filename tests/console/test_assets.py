"""The console's files as the server sends them (no browser): every asset from the package, cached with an ETag,
loaded without the control token that every call the page makes needs; and GET /_mock/vendors it starts from."""

from __future__ import annotations

import re

import requests

from mockserver.console import STATIC
from mockserver.settings import Settings
from mockserver.vendors import registry
from tests.harness import start_server


def test_the_page_and_its_files_are_served_from_the_package(server):
    page = requests.get(f"{server.url}/_mock/ui", timeout=10)
    assert page.status_code == 200 and page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert requests.get(f"{server.url}/_mock/ui/", timeout=10).text == page.text
    linked = re.findall(r'(?:src|href)="(/_mock/ui/[^"]+)"', page.text)
    assert sorted(linked) == ["/_mock/ui/console.css", "/_mock/ui/console.js"]
    assert not re.search(r'(?:src|href)="(?:https?:)?//', page.text)  # nothing from another host: works offline
    kinds = {"console.css": "text/css; charset=utf-8", "console.js": "text/javascript; charset=utf-8"}
    for path in linked:
        r = requests.get(server.url + path, timeout=10)
        name = path.rsplit("/", 1)[1]
        assert r.status_code == 200 and r.headers["Content-Type"] == kinds[name]
        assert r.content == (STATIC / name).read_bytes()
        assert r.headers["Cache-Control"] == "no-cache" and r.headers["X-Content-Type-Options"] == "nosniff"
        again = requests.get(server.url + path, headers={"If-None-Match": r.headers["ETag"]}, timeout=10)
        assert again.status_code == 304 and again.content == b""
        assert "://" not in r.text.replace("${location.protocol}//", "")  # no CDN, no absolute URL
    missing = requests.get(f"{server.url}/_mock/ui/nope.js", timeout=10)
    assert missing.status_code == 404 and missing.json() == {"error": "no such console file"}


def test_vendors_lists_each_vendors_prefix_own_port_and_demo_headers(server):
    body = requests.get(f"{server.url}/_mock/vendors", timeout=10).json()
    assert body["count"] == len(body["vendors"]) == len(registry())
    for row in body["vendors"]:
        vendor = registry()[row["name"]]
        assert row["title"] == vendor.title and row["prefix"] == f"/{row['name']}"
        assert row["port"] == server.settings.vendor_port(row["name"]) and row["probe"] == vendor.probe
        # the headers given are enough to be the demo user: the probe answers 200 with them
        probe = requests.get(f"{server.url}{row['prefix']}{row['probe']}", headers=row["demo_headers"], timeout=10)
        assert probe.status_code == 200, (row["name"], probe.text[:200])


def test_with_a_control_token_only_the_page_loads_without_it():
    running = start_server(Settings(control_token="s3cret", vendors=("bitbar",), vendor_ports=False))
    try:
        url = running.url
        assert requests.get(f"{url}/_mock/ui", timeout=10).status_code == 200
        assert requests.get(f"{url}/_mock/ui/console.js", timeout=10).status_code == 200
        for path in ("/_mock/vendors", "/_mock/requests", "/_mock/clock"):
            assert requests.get(url + path, timeout=10).status_code == 401, path
        vendors = requests.get(f"{url}/_mock/vendors", headers={"Authorization": "Bearer s3cret"}, timeout=10).json()
        assert [v["name"] for v in vendors["vendors"]] == ["bitbar"] and vendors["vendors"][0]["port"] is None
        assert requests.post(f"{url}/_mock/ui", timeout=10).status_code == 401  # only reads of the page are open
    finally:
        running.stop()
