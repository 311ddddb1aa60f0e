"""Every request sample of the Bitbar Testing API v2 doc, replayed verbatim (host changed only).

Each sample runs in a fresh tenant holding the default fixtures (built from the doc's own ids), is sent
with the demo API key, and must answer the success status of its section's table with the documented
shape: the top-level fields of a JSON example, an empty body for "(empty string)", bytes for a resource.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path("/work/shared/vendor-docs/bitbar-testing-api-v2.txt")
if not DOC.exists():  # the doc ships with the repository checkout's shared folder when run elsewhere
    DOC = Path(__file__).resolve().parents[3].parent / "shared" / "vendor-docs" / "bitbar-testing-api-v2.txt"

REQUEST = re.compile(r"^(GET|POST|PUT|DELETE) (/\S+)\s*$")
STATUS = re.compile(r"^(\d{3}) Success")
TOP_KEY = re.compile(r'^\s*"(\w+)"\s*:')


def _response_after(lines: list[str], start: int) -> tuple[str, list[str]]:
    """What the doc shows as the answer to the sample at `start`: ('json', keys), ('empty', []) or ('resource', [])."""
    i = start + 1
    while i < len(lines) and not lines[i].strip().startswith("Response"):
        i += 1
    i += 1
    while i < len(lines) and not lines[i].strip():
        i += 1
    first = lines[i].strip() if i < len(lines) else ""
    if first == "(empty string)":
        return "empty", []
    if not first.startswith("{"):
        return "resource", []
    keys, depth = [], 0
    for line in lines[i:]:
        if depth == 1 and (m := TOP_KEY.match(line)):
            keys.append(m.group(1))
        depth += line.count("{") + line.count("[") - line.count("}") - line.count("]")
        if depth <= 0:
            break
    return "json", keys


def _samples() -> list[tuple[str, str, int, str, list[str]]]:
    lines = DOC.read_text(encoding="utf-8").splitlines()
    samples, status = [], None
    for n, line in enumerate(lines):
        if m := STATUS.match(line.strip()):
            status = int(m.group(1))
        m = REQUEST.match(line.strip())
        if not m or "{" in m.group(2):
            continue
        following = next((x.strip() for x in lines[n + 1:] if x.strip()), "")
        if not following.startswith("Response") or following.startswith("Response status"):
            continue  # the section's own request line, not a sample
        kind, keys = _response_after(lines, n)
        samples.append((m.group(1), m.group(2), status or 200, kind, keys))
    return samples


SAMPLES = _samples()


def test_the_doc_has_its_samples():
    # 75 request samples plus the curl sample of /api/me (tested below)
    assert len(SAMPLES) == 75


ME = "/api/v2/me"
RUN2 = f"{ME}/projects/31945182/runs/31949792"
# Samples that follow an earlier one in the doc's story: that earlier sample is replayed first, verbatim
BEFORE = {
    f"{ME}/projects/31945182/config/parameters?key=devel&value=true":
        [("DELETE", f"{ME}/projects/31945182/config/parameters/1")],
    f"{ME}/notifications?email=example@bitbar.com&type=ALWAYS": [("DELETE", f"{ME}/notification/31981820")],
    f"{ME}/device-groups/4148/devices/337": [("POST", f"{ME}/device-groups/4148/devices?id=337")],
    f"{RUN2}/screenshots.zip": [("POST", f"{RUN2}/screenshots.zip")],
}
# The doc's own slips, each answered as the real service would (the sample stays in the test, asserting that):
SLIPS = {
    # its refresh token is the one the password sample's answer shows; tokens are random, so it is unknown here
    "/oauth/token?client_id=testdroid-cloud-api&grant_type=refresh_token&refresh_token="
    "f1bc0a64-a4bd-46c0-b230-d8977b1d0cbb": 400,
    # 31981820 is the doc's notification id: no such project, so the sharing and tag samples under it are 404
    f"{ME}/projects/31981820/sharings/173": 404,
    f"{ME}/projects/31981820/runs/31949792/tags/32058490": 404,
    # screenshot and state ids are made per device run; the ids of the doc's own account are not ours
    f"{ME}/projects/31945182/runs/31945210/device-runs/31949802/screenshots/31950177": 404,
    f"{ME}/projects/31945182/runs/31945210/device-runs/31949802/states/4717188": 404,
}


def _upload(path: str) -> dict:
    # the doc's note: upload resources take multipart/form-data with a `file`; the samples leave it implicit
    if re.search(r"/files/(application|data|test)$", path):
        return {"files": {"file": ("BitbarSampleApp.apk", b"PK sample", "application/octet-stream")}}
    return {}
# "(empty string)" in the doc, but the testdroid client parses every POST reply: these answer the object instead
CLIENT_BODIES = {f"{RUN2}/screenshots.zip", f"{ME}/device-groups/4148/devices?id=337"}


@pytest.mark.parametrize("method,path,status,kind,keys", SAMPLES,
                         ids=[f"{m} {p}" for m, p, *_ in SAMPLES])
def test_doc_sample_answers_as_documented(bb, clock, method, path, status, kind, keys):
    if path.startswith("/oauth/"):
        bb.session.auth = None
    for before in BEFORE.get(path, []):
        assert bb.request(*before).status_code < 300
        clock.advance(10)  # a screenshots package is READY some seconds after it is asked for
    r = bb.request(method, path, **_upload(path))
    if path in SLIPS:
        assert r.status_code == SLIPS[path], (r.status_code, r.text[:300])
        return
    assert r.status_code == status, (r.status_code, r.text[:300])
    if kind == "json":
        body = r.json()
        assert isinstance(body, dict), body
        missing = [k for k in keys if k not in body]
        assert not missing, (missing, body)
    elif kind == "empty" and method == "POST" and path in CLIENT_BODIES:
        assert isinstance(r.json(), dict)
    elif kind == "empty":
        assert r.content == b""
    else:
        assert r.content


def test_slipped_samples_work_with_the_ids_they_mean(bb):
    token = bb.get("/oauth/token?client_id=testdroid-cloud-api&grant_type=password&username=example@bitbar.com"
                   "&password=P4s$w0rd").json()["refresh_token"]
    assert bb.get(f"/oauth/token?client_id=testdroid-cloud-api&grant_type=refresh_token&refresh_token={token}"
                  ).json()["token_type"] == "bearer"
    assert bb.get(f"{ME}/projects/31945182/sharings/173").json()["id"] == 173
    assert bb.get(f"{RUN2}/tags/32058490").json() == {"id": 32058490, "name": "nightly"}
    assert bb.delete(f"{RUN2}/tags/32058490").status_code == 204
    assert bb.delete(f"{ME}/projects/31945182/sharings/173").status_code == 204
    dr = f"{ME}/projects/31945182/runs/31945210/device-runs/31949802"
    state = bb.get(f"{dr}/states").json()["data"][0]
    assert bb.get(f"{dr}/states/{state['id']}").json() == state


def test_curl_sample_of_api_me(bitbar):
    # curl -H "Accept: application/json" -u <apiKey>: https://cloud.testdroid.com/api/me
    r = bitbar.get("/api/me", auth=("bitbar-demo-key", ""), headers={"Accept": "application/json"})
    assert r.status_code == 200, r.text
    assert r.json()["email"] == "demo@example.com"
