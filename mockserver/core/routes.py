"""Every vendor route as {vendor, method, path}, paths written as in the vendor docs."""

from __future__ import annotations

import re

_VAR = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
_SKIP_METHODS = {"HEAD", "OPTIONS"}


def doc_path(rule: str) -> str:
    """'/api/v2/me/projects/<int:projectId>' -> '/api/v2/me/projects/{projectId}'."""
    return _VAR.sub(r"{\1}", rule)


def vendor_routes(name: str, app) -> list[dict]:
    rows = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted((rule.methods or set()) - _SKIP_METHODS):
            rows.append({"vendor": name, "method": method, "path": doc_path(rule.rule)})
    rows.sort(key=lambda r: (r["path"], r["method"]))
    return rows
