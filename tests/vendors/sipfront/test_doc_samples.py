"""Every request sample of the Sipfront API v2 doc (../shared/vendor-docs/sipfront-api-v2.txt), replayed.

The doc's samples are shell scripts (`AUTH="$public_key:$secret"; curl -X GET -u "$AUTH" https://…`) and one
URL in prose (the two-tag conjunction); each is read out of the doc and sent with the host changed and the
key pair filled in. The index's answer is compared with the JSON the doc prints, host changed.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.vendors.doc_samples import Sample, curls, replay, vendor_doc
from tests.vendors.sipfront.helpers import PUBLIC_KEY, SECRET

DOC = vendor_doc("sipfront-api-v2.txt")
HOST = "https://app.sipfront.com"
# the scripts' own AUTH line, then its two variables
AUTH_LINE = re.search(r'^AUTH="([^"]+)"$', DOC, re.M).group(1)
PLACEHOLDERS = {"$AUTH": AUTH_LINE, "$public_key": PUBLIC_KEY, "$secret": SECRET}


def _prose_urls(text: str) -> list[Sample]:
    """Request URLs written in the prose (`ie. https://app.sipfront.com/api/v2/runs?…`), sent as a GET with -u."""
    found = []
    for n, line in enumerate(text.splitlines()):
        for url in re.findall(r"ie\. (https://app\.sipfront\.com/\S+)", line):
            found.append(Sample("url", "GET", url, [("__basic__", "$AUTH")], line=n + 1))
    return found


SAMPLES = curls(DOC) + _prose_urls(DOC)
DOC_INDEX = json.loads(DOC[DOC.index('{\n    "endpoints"'):DOC.index('"status": 200\n}') + len('"status": 200\n}')])


def _listed(text: str, heading: str) -> list[str]:
    """The values the doc lists under `• <heading>:` (orderby, filtername)."""
    lines = text.splitlines()
    start = next(n for n, line in enumerate(lines) if line.strip().startswith(f"• {heading}:"))
    values = []
    for line in lines[start + 1:]:
        if not line.startswith("    • "):
            break
        values.append(line.strip().removeprefix("• "))
    return values


def test_the_doc_has_its_samples():
    assert [urlpath(s) for s in SAMPLES] == ["/api/v2/", "/api/v2/projects", "/api/v2/tests", "/api/v2/runs",
                                             "/api/v2/runs"]
    assert len(DOC_INDEX["endpoints"]) == 14 and len(_listed(DOC, "orderby")) == 16


def urlpath(sample: Sample) -> str:
    return sample.url[len(HOST):].split("?")[0]


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.id for s in SAMPLES])
def test_doc_sample_answers(sipfront, sample):
    # the index is declared without the doc's trailing slash: the answer is checked here, not by the spec
    r = replay(sipfront, sample, PLACEHOLDERS, validate=urlpath(sample) != "/api/v2/")
    assert r.status_code == 200, (r.status_code, r.text[:300])
    body = r.json()
    assert body["status"] == 200  # every answer carries the status, as the index example shows
    name = urlpath(sample).rstrip("/").rsplit("/", 1)[1]
    if name == "v2":
        base = sipfront.base_url
        assert body == json.loads(json.dumps(DOC_INDEX).replace("http://app.sipfront.com", base))
    elif sample.kind == "url":  # two tags ANDed: only the runs carrying both
        assert body["runs"] and all({"mytag1", "mytag2"} <= set(json.loads(row["tags"])) for row in body["runs"])
    else:
        assert isinstance(body[name], list) and body[name], body


@pytest.mark.parametrize("column", _listed(DOC, "orderby"))
@pytest.mark.parametrize("direction", _listed(DOC, "orderdir"))
def test_every_documented_sort_column_and_direction(sipfront, column, direction):
    r = sipfront.get(f"/api/v2/runs?orderby={column}&orderdir={direction}",
                     auth=(PUBLIC_KEY, SECRET))
    assert r.status_code == 200, r.text
    assert r.json()["runs"]


@pytest.mark.parametrize("column", _listed(DOC, "filtername"))
def test_every_documented_filter_column(sipfront, column):
    """Filtered on a value a listed run holds in that column, the run is found."""
    every = sipfront.get("/api/v2/runs", auth=(PUBLIC_KEY, SECRET)).json()["runs"]
    row = next(r for r in every if r[column] not in (None, "", "[]"))
    value = json.loads(row[column])[0] if column == "tags" else str(row[column])
    r = sipfront.get("/api/v2/runs", params={"filtername": column, "filterval": value}, auth=(PUBLIC_KEY, SECRET))
    assert r.status_code == 200, r.text
    assert row["id"] in [x["id"] for x in r.json()["runs"]]


def test_documented_paging_and_time_range(sipfront):
    """start/count page; startdate/enddate are epoch seconds."""
    auth = (PUBLIC_KEY, SECRET)
    every = sipfront.get("/api/v2/runs", auth=auth).json()["runs"]
    page = sipfront.get("/api/v2/runs?start=1&count=2", auth=auth).json()["runs"]
    assert [r["id"] for r in page] == [r["id"] for r in every[1:3]]
    r = sipfront.get("/api/v2/runs?startdate=0&enddate=4102444800", auth=auth)
    assert r.status_code == 200 and len(r.json()["runs"]) == len(every)
