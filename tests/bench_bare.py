"""The bare baseline of `make bench`: a Flask app that answers each benched path with canned bytes.

It runs on the same server setup as the mock (granian, one WSGI worker), so the ratio between the two
is what the mock's own work costs. The canned responses come from the file named by BENCH_BARE_FILE:
{"GET /path": [status, content_type, body_text], ...}, written by tests/bench.py.
"""

from __future__ import annotations

import json
import os

from flask import Flask, Response, request

app = Flask("bare")
with open(os.environ["BENCH_BARE_FILE"], encoding="utf-8") as handle:
    CANNED = {key: (status, ctype, body.encode()) for key, (status, ctype, body) in json.load(handle).items()}


@app.route("/", defaults={"path": ""}, methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@app.route("/<path:path>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def canned(path):
    status, ctype, body = CANNED.get(f"{request.method} {request.path}", (404, "text/plain", b""))
    return Response(body, status=status, content_type=ctype)
