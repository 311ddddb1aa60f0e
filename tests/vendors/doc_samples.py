"""Reading the request samples out of a vendor's doc (../shared/vendor-docs/) and replaying them verbatim.

A sample is what the doc shows a user typing: a raw HTTP request (`GET https://host/path HTTP/1.1` and its
header lines), a curl command or a PowerShell `Invoke-WebRequest`. Replayed, only the scheme and host change
(to the mock's base URL) and the doc's placeholders (`your-access-token` …) become the demo credentials.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import requests

_DOCS = Path("/work/shared/vendor-docs")
if not _DOCS.exists():  # the docs live in the checkout's shared folder next to the repository
    _DOCS = Path(__file__).resolve().parents[2].parent / "shared" / "vendor-docs"


def vendor_doc(name: str) -> str:
    return (_DOCS / name).read_text(encoding="utf-8")


@dataclass
class Sample:
    kind: str  # "http", "curl", "powershell" or "code"
    method: str
    url: str  # as written, host included
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: str | None = None
    line: int = 0  # where the doc shows it (1-based), for the test id

    @property
    def id(self) -> str:
        return f"{self.kind}@{self.line} {self.method} {urlsplit(self.url).path}"


_RAW = re.compile(r"^(GET|POST|PUT|PATCH|DELETE) (https?://\S+) HTTP/1\.1$")
_HEADER = re.compile(r"^([A-Za-z][\w-]*): (.*)$")


def raw_http(text: str) -> list[Sample]:
    """`METHOD https://host/path HTTP/1.1`, header lines, a blank line, the body lines (up to the next blank)."""
    lines = text.splitlines()
    found = []
    for n, line in enumerate(lines):
        m = _RAW.match(line.strip())
        if not m:
            continue
        sample = Sample("http", m.group(1), m.group(2), line=n + 1)
        i = n + 1
        while i < len(lines) and (h := _HEADER.match(lines[i].strip())):
            sample.headers.append((h.group(1), h.group(2)))
            i += 1
        while i < len(lines) and not lines[i].strip():
            i += 1
        body = []
        if sample.method != "GET":
            while i < len(lines) and lines[i].strip() and not lines[i][0].isalpha():
                body.append(lines[i].strip())
                i += 1
        sample.body = "\n".join(body) or None
        found.append(sample)
    return found


def curls(text: str) -> list[Sample]:
    """Every curl command (its continuation lines joined), in the options a user would paste."""
    joined = re.sub(r"\\\n\s*", " ", text)
    found = []
    for n, line in enumerate(joined.splitlines()):
        if not line.strip().startswith("curl "):
            continue
        words = shlex.split(line.split("|")[0])[1:]
        sample = Sample("curl", "GET", "", line=n + 1)
        method = None
        i = 0
        while i < len(words):
            word = words[i]
            if word in ("-H", "--header"):
                name, _, value = words[i + 1].partition(":")
                sample.headers.append((name.strip(), value.strip()))
                i += 2
            elif word in ("-d", "--data", "--data-raw"):
                sample.body = words[i + 1]
                i += 2
            elif word in ("-X", "--request"):
                method = words[i + 1]
                i += 2
            elif word in ("-u", "--user"):
                sample.headers.append(("__basic__", words[i + 1]))
                i += 2
            elif word in ("--dump-header", "-D", "-o", "--output"):
                i += 2
            elif word.startswith("-"):
                i += 1
            else:
                sample.url = word
                i += 1
        sample.method = method or ("POST" if sample.body is not None else "GET")
        found.append(sample)
    return found


_PS = re.compile(r"Invoke-WebRequest (.*?)\)\.\w+$")


def powershell(text: str) -> list[Sample]:
    """`(Invoke-WebRequest [-Method M] -Uri '…' [-Body '…'] -Headers @{'K' = 'V'; …}).Headers`."""
    found = []
    for n, line in enumerate(text.splitlines()):
        m = _PS.search(line.strip())
        if not m:
            continue
        args = m.group(1)
        method = re.search(r"-Method (\w+)", args)
        body = re.search(r"-Body '([^']*)'", args)
        headers = re.search(r"-Headers @\{(.*)\}", args)
        sample = Sample("powershell", (method.group(1) if method else "GET").upper(),
                        re.search(r"-Uri '([^']*)'", args).group(1), line=n + 1,
                        body=body.group(1) if body else None)
        sample.headers += re.findall(r"'([^']*)'\s*=\s*'([^']*)'", headers.group(1) if headers else "")
        found.append(sample)
    return found


def substitute(text: str | None, placeholders: dict[str, str]) -> str | None:
    if text is None:
        return None
    for placeholder, value in placeholders.items():
        text = text.replace(placeholder, value)
    return text


def replay(client, sample: Sample, placeholders: dict[str, str], **kwargs) -> requests.Response:
    """The sample sent to the mock: host changed, placeholders filled in, everything else as written."""
    parts = urlsplit(substitute(sample.url, placeholders))
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    headers, auth = {}, None
    for name, value in sample.headers:
        value = substitute(value, placeholders)
        if name == "__basic__":
            auth = tuple(value.split(":", 1))
        else:
            headers[name] = value
    body = substitute(sample.body, placeholders)
    if body is not None:
        kwargs["data"] = body.encode()
    return client.request(sample.method, target, headers=headers, auth=auth, **kwargs)
