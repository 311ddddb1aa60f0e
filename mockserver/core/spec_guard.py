"""Requests checked against the vendor's compiled contract before its view runs.

The spec is the contract users test against: a request it forbids never reaches the handler, so it
can change nothing; the handler keeps the semantic checks (unknown ids, conflicts, state rules).
"""

from __future__ import annotations

from functools import wraps
from pathlib import Path

from flask import g, request
from werkzeug.exceptions import HTTPException

from .contract import Problem, load_contract
from .errors import VendorError


class SpecGuard:
    def __init__(self, spec: Path, vendor):
        self._contract = load_contract(spec)
        self._vendor = vendor

    def guard_views(self, app) -> None:
        """Wrap every view (so before_request hooks such as auth have already run)."""
        operations = {}
        for rule in app.url_map.iter_rules():
            for method in rule.methods or ():
                found = self._contract.operation(rule.rule, "GET" if method == "HEAD" else method)
                if found is not None:
                    operations[(rule.rule, method)] = found
        for endpoint, view in list(app.view_functions.items()):
            if endpoint != "static":
                app.view_functions[endpoint] = self._guarded(view, operations)

    def _guarded(self, view, operations):
        vendor = self._vendor

        @wraps(view)
        def checked(*args, **kwargs):
            req = request._get_current_object()
            operation = operations.get((req.url_rule.rule, req.method))
            if operation is not None:
                try:
                    g.params, g.body = operation.check(req, kwargs)
                except Problem as problem:
                    raise vendor.contract_error(problem) from None
                except (VendorError, HTTPException):
                    raise  # the vendor's own refusals, and 413 for a body over the limit
                except Exception as exc:  # whatever a strange request makes a parser raise is the client's fault
                    raise vendor.contract_error(Problem("request", f"cannot be read: {type(exc).__name__}")) from None
            return view(*args, **kwargs)

        return checked
