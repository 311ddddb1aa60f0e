"""Flask's request cycle trimmed to what a vendor app uses, for the request path's sake.

A view still sees Flask's own `request`, `g`, `current_app`, hooks and error handlers; what goes is
work no vendor needs on every request: a session is never opened (no vendor reads one), a route is
matched once per method and path and then taken from a table (werkzeug binds a URL adapter and walks
its matcher on every request), and a plain answer is handed to WSGI without werkzeug's header pass.
"""

from __future__ import annotations

import sys
from io import BytesIO
from urllib.parse import parse_qsl

from flask import Request, Response
from flask.ctx import AppContext, RequestContext, _cv_app, _cv_request
from flask.sansio.scaffold import _sentinel
from flask.sessions import NullSession
from flask.signals import appcontext_popped, appcontext_pushed
from werkzeug import urls as _urls  # noqa: F401 (registers the "werkzeug.url_quote" decoding error handler)
from werkzeug.datastructures import Headers
from werkzeug.exceptions import HTTPException
from werkzeug.http import parse_options_header

_NO_SESSION = NullSession()  # read-only: one serves every request
MAX_ROUTES = 4096  # (method, path) pairs kept; paths carry ids, so the table is emptied when full


FORM = "application/x-www-form-urlencoded"
_CONTENT_TYPES: dict[str, tuple[str, dict]] = {}  # Content-Type value -> werkzeug's parse of it


class LeanRequest(Request):
    def _load_form_data(self) -> None:
        """A url-encoded body the front read whole is parsed as werkzeug's parser does (same call, same
        error handling), without building the parser and its stream on every request; anything else as before."""
        d = self.__dict__
        data = d.get("_cached_data")
        if "form" in d or data is None or self.mimetype != FORM:
            return super()._load_form_data()
        try:
            items = parse_qsl(data.decode(), keep_blank_values=True, errors="werkzeug.url_quote")
        except ValueError:  # (werkzeug's parser is silent on these too: an empty form)
            items = ()
        d["stream"], d["form"], d["files"] = BytesIO(), self.parameter_storage_class(items), \
            self.parameter_storage_class()


    def _parse_content_type(self) -> None:
        """werkzeug's, but each distinct Content-Type value is parsed once (a client sends the same one or two)."""
        if "_parsed_content_type" not in self.__dict__:
            raw = self.environ.get("CONTENT_TYPE", "")
            found = _CONTENT_TYPES.get(raw)
            if found is None:
                found = parse_options_header(raw)
                if len(_CONTENT_TYPES) >= 256:
                    _CONTENT_TYPES.clear()
                _CONTENT_TYPES[raw] = found
            self._parsed_content_type = (found[0], dict(found[1]))  # (its parameters: the request's own dict)

    def close(self) -> None:
        """Werkzeug's walks the parsed files (a generator made even when there are none): only when some were."""
        if self.__dict__.get("files"):
            super().close()


class LeanAppContext(AppContext):
    """Flask's, but a signal nobody listens to is not sent (each send walks blinker's machinery)."""

    def push(self) -> None:
        self._cv_tokens.append(_cv_app.set(self))
        if appcontext_pushed.receivers:
            appcontext_pushed.send(self.app, _async_wrapper=self.app.ensure_sync)

    def pop(self, exc=_sentinel) -> None:
        try:
            if len(self._cv_tokens) == 1:
                if exc is _sentinel:
                    exc = sys.exc_info()[1]
                self.app.do_teardown_appcontext(exc)
        finally:
            ctx = _cv_app.get()
            _cv_app.reset(self._cv_tokens.pop())
        if ctx is not self:
            raise AssertionError(f"Popped wrong app context. ({ctx!r} instead of {self!r})")
        if appcontext_popped.receivers:
            appcontext_popped.send(self.app, _async_wrapper=self.app.ensure_sync)


class LeanRequestContext(RequestContext):
    def __init__(self, app, environ, request=None, session=None):
        if request is None:
            request = LeanRequest(environ)
            request.json_module = app.json
        self.app = app
        self.request = request
        self._adapter = None
        self.flashes = None
        self._session = session if session is not None else _NO_SESSION
        self._after_request_functions = []
        self._cv_tokens = []

    @property
    def url_adapter(self):
        """Bound on first use only: a route found in the table needs none (url_for would)."""
        if self._adapter is None:
            try:
                self._adapter = self.app.create_url_adapter(self.request)
            except HTTPException as e:
                self.request.routing_exception = e
        return self._adapter

    @url_adapter.setter
    def url_adapter(self, value):
        self._adapter = value

    def push(self) -> None:
        app_ctx = _cv_app.get(None)
        if app_ctx is None or app_ctx.app is not self.app:
            app_ctx = self.app.app_context()
            app_ctx.push()
        else:
            app_ctx = None
        self._cv_tokens.append((_cv_request.set(self), app_ctx))
        self.match_request()

    def match_request(self) -> None:
        environ = self.request.environ
        # a vendor app matches on method and path alone (no host matching, no subdomains)
        key = (environ["REQUEST_METHOD"], environ.get("PATH_INFO", ""))
        routes = self.app.routes_seen
        found = routes.get(key)
        if found is None:
            adapter = self.url_adapter
            if adapter is None:
                return
            try:
                found = adapter.match(return_rule=True)
            except HTTPException as e:  # (404, 405, a redirect: answered as Flask does, never kept)
                self.request.routing_exception = e
                return
            if len(routes) >= MAX_ROUTES:
                routes.clear()
            routes[key] = found
        self.request.url_rule, args = found
        self.request.view_args = dict(args)


class LeanResponse(Response):
    """Flask's, but an answer of bytes with its own Content-Type and no other header (what json_response
    makes for nearly every request) gets werkzeug's very headers and status without its checks of each value
    (the content type is the server's own, never the client's)."""

    def __init__(self, response=None, status=None, headers=None, mimetype=None, content_type=None,
                 direct_passthrough=False):
        if type(response) is not bytes or type(status) is not int or headers or mimetype is not None \
                or content_type is None or direct_passthrough:
            super().__init__(response, status, headers, mimetype, content_type, direct_passthrough)
            return
        self.headers = Headers()
        self.headers._list = [("Content-Type", content_type), ("Content-Length", str(len(response)))]
        line = _STATUS_LINES.get(status)
        if line is None:
            line = _STATUS_LINES[status] = self._clean_status(status)[0]
        self._status, self._status_code = line, status
        self.direct_passthrough = False
        self._on_close = []
        self.response = [response]


_STATUS_LINES: dict[int, str] = {}  # status code -> werkzeug's status line ("200 OK")


def answer(response: Response, environ, start_response):
    """The response to WSGI: a body held whole, with no Location to make absolute, goes with its headers as
    they are and its length set (werkzeug copies and scans the headers for every answer); any other as Flask."""
    body = response.response
    status = response.status_code
    if (type(body) is not list or len(body) != 1 or type(body[0]) is not bytes or response.direct_passthrough
            or status < 200 or status in (204, 304) or environ.get("REQUEST_METHOD") == "HEAD"):
        return response(environ, start_response)
    headers = response.headers
    length = False
    for key, _ in headers:
        low = key.lower()
        if low == "location" or low == "content-location":
            return response(environ, start_response)
        length = length or low == "content-length"
    if not length:
        headers["Content-Length"] = str(len(body[0]))
    start_response(response.status, headers.to_wsgi_list())
    return body
