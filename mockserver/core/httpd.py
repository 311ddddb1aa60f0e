"""The request handler of the threaded werkzeug servers (vendor ports, the test harness)."""

from __future__ import annotations

import errno

from werkzeug.serving import WSGIRequestHandler


class RequestHandler(WSGIRequestHandler):
    """werkzeug's handler, except that a repeated Content-Type means its first value: granian (the main
    port) and the Java servers the vendors run read it so, where werkzeug would keep the last one."""

    def make_environ(self):
        environ = super().make_environ()
        types = self.headers.get_all("Content-Type")
        if types and len(types) > 1:
            environ["CONTENT_TYPE"] = types[0].replace("\r\n", "").strip()
        return environ

    def handle(self):
        try:
            super().handle()
        except OSError as exc:
            if exc.errno != errno.ENOTCONN:
                raise
            # a connection_reset fault disconnected the socket (core/front.py break_connection): nothing to read
