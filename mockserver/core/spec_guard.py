"""Requests checked against the vendor's compiled contract before its view runs.

The spec is the contract users test against: a request it forbids never reaches the handler, so it
can change nothing; the handler keeps the semantic checks (unknown ids, conflicts, state rules).
"""

from __future__ import annotations

from functools import wraps
from pathlib import Path

from flask import request
from flask.globals import _cv_app
from werkzeug.exceptions import HTTPException

from .auth import admission
from .contract import Problem, load_contract
from .errors import VendorError

_UNSEEN = object()


class SpecGuard:
    """`enforce` off (--no-validate-requests): a request the contract forbids still reaches the view,
    with what could be read of it; if the view then fails on it, the contract's refusal is the answer
    (a 400, never a 500)."""

    def __init__(self, spec: Path, vendor, enforce: bool = True):
        self._spec = spec  # parsed and compiled on first use (core/contract.py), so start-up does neither
        self._vendor = vendor
        self._enforce = enforce
        self._operations: dict[tuple[str, str], object] = {}  # (rule, method) -> Operation | None

    def operation(self, rule: str, method: str):
        """The compiled operation a Flask rule and method answer to (None when the spec has none)."""
        try:
            return self._operations[(rule, method)]
        except KeyError:
            found = load_contract(self._spec).operation(rule, "GET" if method == "HEAD" else method)
            self._operations[(rule, method)] = found
            return found

    def guard_views(self, app) -> None:
        """Wrap every view: the vendor's authentication (core/auth.admission), then its contract; the
        vendor's own before_request hooks (a rate limit) have run by then."""
        for endpoint, view in list(app.view_functions.items()):
            if endpoint != "static":
                app.view_functions[endpoint] = self._guarded(view)

    def _guarded(self, view):
        vendor, enforce, operations, operation_of = self._vendor, self._enforce, self._operations, self.operation

        def read(operation, req, kwargs, lenient=False):
            try:
                seen = _cv_app.get().g.__dict__  # (g's own __setattr__, and the proxy's, are Python calls per name)
                seen["params"], seen["body"] = operation.check(req, kwargs, lenient)
            except (Problem, VendorError, HTTPException):
                raise  # refusals, and 413 for a body over the limit
            except Exception as exc:  # whatever a strange request makes a parser raise is the client's fault
                raise Problem("request", f"cannot be read: {type(exc).__name__}", kind="unreadable") from None

        admit = admission(view, vendor)

        @wraps(view)
        def checked(*args, **kwargs):
            admit()  # credentials before shape: a stranger learns nothing about the contract
            req = request._get_current_object()
            key = (req.url_rule.rule, req.method)
            operation = operations.get(key, _UNSEEN)
            if operation is _UNSEEN:
                operation = operation_of(*key)
            if operation is None:
                return view(*args, **kwargs)
            try:
                read(operation, req, kwargs)
            except Problem as problem:
                if enforce:
                    raise vendor.contract_error(problem) from None
                try:
                    read(operation, req, kwargs, lenient=True)
                except Problem:
                    raise vendor.contract_error(problem) from None
                try:
                    return view(*args, **kwargs)
                except (VendorError, HTTPException):
                    raise
                except Exception:
                    raise vendor.contract_error(problem) from None
            return view(*args, **kwargs)

        return checked
