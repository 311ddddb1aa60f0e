"""Every vendor route as {vendor, method, path}, paths written as in the vendor docs."""

from __future__ import annotations

import re

from werkzeug.routing import Rule

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


class LazyRule(Rule):
    """A Flask rule whose two URL builders (for url_for, which no vendor route needs on the request
    path) are compiled on first use: Werkzeug compiles them from generated source when a rule is
    added, about 1 ms a rule, which was most of building the 560 vendor routes at start."""

    def _compile_builder(self, append_unknown: bool = True):
        compiled = None

        def build(rule, **values):
            nonlocal compiled
            if compiled is None:
                compiled = Rule._compile_builder(rule, append_unknown).__get__(rule, None)
            return compiled(**values)

        return build
