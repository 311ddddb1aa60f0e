"""Uploaded bytes are bounded per tenant and vendor (--max-stored-mb) for every vendor that keeps them: filled to
the bound, the next upload is the vendor's own 413 and changes nothing; another tenant's uploads go on."""

from __future__ import annotations

import pytest
import requests

pytestmark = pytest.mark.slow

KB = 1024
HIPTEST = {"Accept": "application/vnd.api+json; version=1", "access-token": "hiptest-demo-token",
           "client": "hiptest-demo-client", "uid": "demo@example.com"}
HAPPO = ("happo-demo-key", "happo-demo-secret")
BITBAR = {"Authorization": "Basic Yml0YmFyLWRlbW8ta2V5Og==", "Accept": "application/json"}  # bitbar-demo-key:


def _hiptest(url: str, tenant: str):
    owner = f"{url}/hiptest/api/projects/61344/folders/390002/attachments"
    headers = {**HIPTEST, "X-Mock-Tenant": tenant}

    def upload(size: int, name: str = "a.bin"):
        return requests.post(owner, files={"file": (name, b"x" * size)}, headers=headers, timeout=20)

    def stored() -> list:
        return [a["attributes"]["file-size"] for a in requests.get(owner, headers=headers, timeout=20).json()["data"]]

    return upload, stored


def _happo(url: str, tenant: str):
    headers = {"X-Mock-Tenant": tenant}
    counter = iter(range(1000))

    def upload(size: int, name: str = ""):
        target = requests.get(f"{url}/happo/api/images/img{next(counter)}/upload-url", auth=HAPPO, headers=headers,
                              timeout=20).json()["uploadUrl"]
        return requests.post(target, files={"file": ("i.png", b"x" * size, "image/png")}, headers=headers, timeout=20)

    def stored() -> list:
        state = requests.get(f"{url}/_mock/state", params={"vendor": "happo", "tenant": tenant}, timeout=20).json()
        return sorted(image["data"] for image in state["state"]["tables"].get("images", []))

    return upload, stored


def _bitbar(url: str, tenant: str):
    headers = {**BITBAR, "X-Mock-Tenant": tenant}

    def upload(size: int, name: str = "a.zip"):
        return requests.post(f"{url}/bitbar/api/v2/me/files", files={"file": (name, b"x" * size)}, headers=headers,
                             timeout=20)

    def stored() -> list:
        return sorted(f["size"] for f in requests.get(f"{url}/bitbar/api/v2/me/files", params={"limit": 100},
                                                      headers=headers, timeout=20).json()["data"])

    return upload, stored


ERROR = {  # the vendor's own error body: where its message is
    "hiptest": lambda body: body["errors"][0],
    "happo": lambda body: body["error"],
    "bitbar": lambda body: body["message"],
}


@pytest.mark.parametrize("vendor, client", [("hiptest", _hiptest), ("happo", _happo), ("bitbar", _bitbar)])
def test_uploads_fill_to_the_bound_then_get_the_vendors_413_and_change_nothing(served, vendor, client):
    port, _ = served("--vendors", vendor, "--max-stored-mb", "1", "--no-vendor-ports")
    url = f"http://127.0.0.1:{port}"
    upload, stored = client(url, "full")
    before = stored()
    assert upload(600 * KB).status_code in (200, 201)
    assert upload(400 * KB).status_code in (200, 201)  # 1,000 KB of the 1,024 KB allowed (with the fixtures' own)
    filled = stored()
    refused = upload(100 * KB)
    assert refused.status_code == 413, refused.text
    assert "storage" in ERROR[vendor](refused.json()).lower()
    assert stored() == filled != before  # the refused upload left nothing behind
    other_upload, other_stored = client(url, "other")
    assert other_upload(600 * KB).status_code in (200, 201)  # another tenant has its own bound
    assert len(other_stored()) == len(before) + 1
    assert upload(30 * KB).status_code == 413  # and frees none of this one's
