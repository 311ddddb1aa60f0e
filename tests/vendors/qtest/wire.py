"""Replaying a request exactly as written: raw HTTP samples (a vendor doc's, a plugin's) over http.client,
so repeated headers, `//` in a path and header order reach the server as a real client sends them."""

from __future__ import annotations

import http.client
import json
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from requests.structures import CaseInsensitiveDict

from .conftest import DEMO_TOKEN


@dataclass
class Sample:
    method: str
    path: str  # below the vendor's base URL (the doc's host and /tc context stripped)
    headers: list[tuple[str, str]]
    body: str


_REQUEST_LINE = re.compile(r"^(GET|POST|PUT|DELETE|PATCH)\s+(\S+)(?:\s+HTTP/1\.1)?\s*$")


def parse(text: str) -> Sample:
    """A doc's request sample: request line (its HTTP/1.1 maybe on the next line), headers, JSON body."""
    lines = text.strip("\n").splitlines()
    method, target = _REQUEST_LINE.match(lines[0].strip()).groups()
    rest = lines[1:]
    if rest and rest[0].strip() == "HTTP/1.1":
        rest = rest[1:]
    headers, body_lines = [], []
    for index, line in enumerate(rest):
        if line.lstrip().startswith(("{", "[")):
            body_lines = rest[index:]
            break
        name, _, value = line.partition(":")
        headers.append((name.strip(), value.strip()))
    host = next((v for k, v in headers if k.lower() == "host"), "")
    # the doc's base URL is http://192.168.74.69:8487/tc: the /tc context sits in Host or in the path
    path = "/" + target.lstrip("/")
    if "/tc" not in host and path.startswith("/tc/"):
        path = path[3:]
    return Sample(method, path, headers, "\n".join(body_lines))


def send(client, sample: Sample, token: str = DEMO_TOKEN) -> requests.Response:
    """The sample against the mock: the host changed, `Authorization: --` filled in, all else as written.

    The answer comes back as a requests.Response (checked against the spec by the client's validator)."""
    base = urlsplit(client.base_url)
    url_path = base.path + sample.path
    conn = http.client.HTTPConnection(base.hostname, base.port, timeout=30)
    body = sample.body.encode()
    conn.putrequest(sample.method, url_path, skip_host=True, skip_accept_encoding=True)
    for name, value in sample.headers:
        if name.lower() == "host":
            value = base.netloc
        elif name.lower() == "authorization" and value == "--":
            value = f"bearer {token}"
        conn.putheader(name, value)
    conn.putheader("X-Mock-Tenant", client.tenant)
    if body or sample.method in ("POST", "PUT"):
        conn.putheader("Content-Length", str(len(body)))
    conn.endheaders(body or None)
    raw = conn.getresponse()
    response = requests.Response()
    response.status_code = raw.status
    response.headers = CaseInsensitiveDict(raw.getheaders())
    response._content = raw.read()
    conn.close()
    # the spec describes the served route: a doubled slash is served as the single one
    served = re.sub("/{2,}", "/", sample.path)
    sent = {k: v for k, v in sample.headers if k.lower() not in ("host", "authorization")}
    response.request = requests.Request(sample.method, client.url(served), data=body or None,
                                        headers={**sent, "Authorization": f"bearer {token}"}).prepare()
    response.url = response.request.url
    if client.validator is not None:
        client.validator.check(response)
    return response


def body_of(response: requests.Response):
    assert "application/json" in response.headers.get("Content-Type", ""), response.headers
    return json.loads(response.content)
