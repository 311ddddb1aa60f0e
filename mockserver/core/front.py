"""The asyncio front of every served port: what a request waits for happens here, not in a worker thread.

granian's ASGI worker runs this in the port's event loop. Per request it reads the whole body (each
read bounded by the body timeout, the total by the upload limit), sleeps a delay fault with
`asyncio.sleep`, and only then runs the WSGI app, with the buffered body, in the port's bounded thread
pool. A stalled or slow client, or a tenant's delayed requests, so hold no thread: the threads only ever
do the microseconds of work a request needs, and `/_mock/health` and other tenants keep answering.

The ASGI -> WSGI translation is written here rather than taken from a2wsgi: a2wsgi's WSGIMiddleware
gives the WSGI app a `wsgi.input` that pulls from `receive()` through the loop from the worker thread,
and sends each response chunk back through the loop; with the body already buffered and every answer
held in memory, one hop into the pool and one back is all a request needs.
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
import os
import re
import socket
import struct
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from urllib.parse import unquote_to_bytes

from . import readcache, tenancy
from .journal import record_broken
from .store import DEFAULT_TENANT, TENANT_RE

log = logging.getLogger("mockserver.front")

# environ keys the vendor app reads (core/vendor_app.py)
BODY_ERROR = "mockserver.body_error"  # 408, 413, 414 or 431: the request was not read; the vendor renders the error
SERVE_KEPT = "mockserver.serve_kept"  # app.extensions key: a vendor app's ServeKept layer (kept reads)
FAULT = "mockserver.fault"  # the fault rule matched here (None: none matched), its delay already slept
BODY = "mockserver.body"  # the whole request body as read here (the vendor app takes it without re-reading a stream)
KEPT_MISSED = "mockserver.kept_missed"  # the read cache was asked here and had no answer: not asked again
READ_KEY = "mockserver.read_key"  # the request's read-cache key, computed once (core/readcache.py)
HEADERS = readcache.HEADERS  # the request's header pairs as environ keys and values (journal, read cache)
STARTED = "mockserver.started"  # perf_counter() before that delay: the journal's duration includes it
_BROKEN = "mockserver.broken"  # (tenant, vendor path) of a request whose connection a fault breaks

INLINE_BODY = 64 * 1024  # a larger body (an upload, a junit push of thousands of cases) is handled in the pool
MESSAGES = {408: "Request Timeout", 413: "Request Entity Too Large", 414: "URI Too Long",
            431: "Request Header Fields Too Large"}
# Request heads larger than these are refused here, in the vendor's error shape, well before granian's own limits
# (its HTTP parser answers an empty 414 from 64 KB of URL and an empty 431 from ~400 KB of head or 100 header
# fields, before any app code runs). 16 KB of URL is twice nginx's default line; 64 KB of headers is Werkzeug's
# line limit, which the mock's own tests and clients were written against.
MAX_TARGET = 16 * 1024
MAX_HEADER_BYTES = 64 * 1024
_SLASHES = re.compile("/{2,}")
_WSGI_CONSTANTS = {"wsgi.version": (1, 0), "wsgi.errors": sys.stderr, "wsgi.multithread": True,
                   "wsgi.multiprocess": False, "wsgi.run_once": False, "SCRIPT_NAME": ""}


class Front:
    """The ASGI app of one port around its WSGI app. `vendor`: the vendor the port serves (None: the
    main port, where the first path segment names it)."""

    def __init__(self, wsgi_app, core, vendor: str | None, threads: int):
        self.app = wsgi_app
        self.core = core
        self.vendor = vendor
        self.limit = core.settings.max_upload_mb * 1024 * 1024
        self.timeout = core.settings.body_timeout
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix="wsgi")
        self.merging = {name for name, v in core.vendors.items() if getattr(v, "merge_slashes", False)}
        self.kept = {name: app.extensions.get(SERVE_KEPT) for name, app in core.vendor_apps.items()}
        self.credentials = core.credentials  # --tenant-from-credentials (core/credentials.py), else None
        # body reads in flight: task -> loop time its next chunk is due by; one sweep a fraction of the timeout
        # cuts the stalled ones (a timer per read cost a write ~20 µs of the loop's time)
        self.reading: dict[asyncio.Task, float] = {}
        self.stalled: set[asyncio.Task] = set()
        self.sweeping = False

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return  # lifespan: nothing to start or stop
        environ = self.environ(scope)
        routed = self.enter(environ)
        if routed is not None and routed[1]:
            environ["SCRIPT_NAME"], environ["PATH_INFO"] = routed[1], environ["PATH_INFO"][len(routed[1]):]
        if BODY_ERROR in environ:  # a head too large: answered without reading a body or matching a fault
            if routed is None:
                await _refuse(send, environ[BODY_ERROR])
                return
            body = b""
        elif environ.get("CONTENT_LENGTH") or "HTTP_TRANSFER_ENCODING" in environ:
            body = await self.read_body(receive, environ)
            if body is None:
                return  # the client went away
            if isinstance(body, int):
                if routed is None:
                    await _refuse(send, body)
                    return
                environ[BODY_ERROR] = body
                body = b""
        else:
            body = b""
            if routed is not None and environ["REQUEST_METHOD"] == "GET":
                kept = self.kept_answer(environ, *routed)
                if kept is not None:
                    await _answer(send, int(kept.status[:3]), kept.headers, kept.body)
                    return
        environ["wsgi.input"] = BytesIO(body)
        environ[BODY] = body
        environ["wsgi.input_terminated"] = True  # the whole body, chunked or not: read it to its end
        if environ.get(tenancy.SIGN_IN) == tenancy.PENDING:  # a sign-in names its tenant in its body (credentials.py)
            self.credentials.choose_sign_in(environ, routed[0], body)
        rule = None
        if routed is not None and BODY_ERROR not in environ and self.core.faults.any():
            started = time.perf_counter()
            rule = await self.fault_delay(environ, *routed)
            if rule is not None and rule.get("fault"):
                _break(scope, rule["fault"])
                tenant, path = environ.pop(_BROKEN)
                record_broken(self.core, routed[0], environ, routed[1] + path, path, started, tenant, rule, body)
                return
        # a vendor's request goes straight to its app, its environ as the dispatcher in front of that app makes it
        app = self.app if routed is None else self.core.vendor_apps[routed[0]].wsgi_app
        try:
            if routed is not None and self.inline(environ, routed[0], routed[2], len(body)):
                status, headers, payload = _call(app, environ)
            else:
                loop = asyncio.get_running_loop()
                status, headers, payload = await loop.run_in_executor(self.pool, _call, app, environ)
        except Exception:
            log.exception("unhandled error in %s %s", environ["REQUEST_METHOD"], environ["PATH_INFO"])
            status, headers, payload = 500, [("content-type", "text/plain")], b"Internal Server Error"
        if rule is not None and rule.get("chunked_dribble"):
            await _dribble(send, status, headers, payload, **rule["chunked_dribble"])
        else:
            await _answer(send, status, headers, payload)

    def environ(self, scope) -> dict:
        raw = scope.get("raw_path")
        path = unquote_to_bytes(raw.partition(b"?")[0]).decode("latin-1") if raw else \
            scope["path"].encode("utf-8").decode("latin-1")
        server = scope.get("server") or ("127.0.0.1", 80)
        client = scope.get("client") or ("", 0)
        environ = {**_WSGI_CONSTANTS, "REQUEST_METHOD": scope["method"], "PATH_INFO": path,
                   "QUERY_STRING": scope["query_string"].decode("latin-1"),
                   "SERVER_NAME": str(server[0]), "SERVER_PORT": str(server[1]),
                   "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
                   "REMOTE_ADDR": str(client[0]), "REMOTE_PORT": str(client[1]),
                   "wsgi.url_scheme": scope.get("scheme", "http")}
        size = 0
        keys = {}
        for name, value in scope["headers"]:
            size += len(name) + len(value) + 4  # as on the wire: ": " and CRLF
            key = _ENVIRON_KEYS.get(name)
            if key is None:
                key = _environ_key(name)
            if key in _BODY_KEYS and key in environ:
                continue  # a repeated Content-Type means its first value (as granian's WSGI and the vendors read it)
            text = value.decode("latin-1")
            environ[key] = f"{environ[key]},{text}" if key in environ else text
            keys[key] = None
        environ[HEADERS] = [(key, environ[key]) for key in keys]  # what the journal keeps, picked out once
        if size > MAX_HEADER_BYTES:
            environ[BODY_ERROR] = 431
        if len(raw or scope["path"]) + len(scope["query_string"]) > MAX_TARGET:
            environ[BODY_ERROR] = 414
        return environ

    def enter(self, environ) -> tuple[str, str, str] | None:
        """The request's tenant settled as far as it is known before the vendor's app (core/tenancy.py):
        a leading /_t/<name> taken off the path, or the credential's tenant; then `route`."""
        path = environ["PATH_INFO"]
        if path.startswith(tenancy.PREFIX):
            tenancy.take_prefix(environ)
            path = environ["PATH_INFO"]
        routed = self.route(path)
        if (routed is not None and self.credentials is not None and not environ.get(tenancy.ENVIRON_KEY)
                and not routed[2].startswith(tenancy.PATH_PREFIX)):  # (a /_tenant/ path outranks a credential)
            self.credentials.choose(environ, routed[0], routed[2])  # a sign-in's body: see __call__
        return routed

    def route(self, path: str) -> tuple[str, str, str] | None:
        """(vendor, script root, vendor path) of a request for a vendor; None for the control API and the rest."""
        if self.vendor is not None:
            if path == "/_mock" or path.startswith("/_mock/"):
                return None
            return self.vendor, "", path
        name, _, rest = path[1:].partition("/")
        if name in self.core.vendor_apps:
            return name, "/" + name, "/" + rest
        return None

    def kept_answer(self, environ, vendor: str, root: str, path: str):
        """A repeated read answered from the read cache here in the loop, with no hop into the pool."""
        layer = self.kept.get(vendor)
        if layer is None or (vendor in self.merging and "//" in path) or tenancy.ERROR in environ:
            return None
        # (the environ is the vendor app's already: a /_tenant/ path taken here is not taken there again)
        if environ["PATH_INFO"].startswith(tenancy.PATH_PREFIX) and tenancy.take_from_path(environ):
            return None
        if (environ.get(tenancy.ENVIRON_KEY) or DEFAULT_TENANT) not in self.core.store.last_used:
            # a new tenant (nothing kept yet) may evict another, and an eviction waits for that tenant's
            # requests in flight: done in the pool, never in the loop every request of the port goes through
            return None
        kept = layer.answer(environ)
        if kept is None:  # the vendor app keeps the answer under the key computed here, and asks no more
            environ[KEPT_MISSED] = True
        return kept

    def inline(self, environ, vendor: str, path: str, size: int) -> bool:
        """Whether to run the request here in the loop rather than hop into the pool: a vendor request with
        a small body, of a tenant whose world is built and free right now, is a few hundred microseconds of
        work, and the two hops (and the threads' turns at the interpreter lock) would cost it more. What
        may take long (a large body, a world to build, a lock to wait for) goes to the pool as before."""
        if size > INLINE_BODY:
            return False
        tenant = environ.get(tenancy.ENVIRON_KEY) or DEFAULT_TENANT
        if path.startswith(tenancy.PATH_PREFIX):
            tenant = path[len(tenancy.PATH_PREFIX):].partition("/")[0].replace("~", "/")
        return self.core.store.ready(tenant, vendor)

    async def read_body(self, receive, environ) -> bytes | int | None:
        """The whole body; 408 when the client stalls, 413 when it is too large; None when it is gone."""
        declared = environ.get("CONTENT_LENGTH")
        length = int(declared) if declared and declared.isdigit() else -1
        if length > self.limit:
            return 413  # refused before reading (the vendor's own 413, as Flask's limit answered it before)
        # (-1: a chunked body, whatever length it also declares: read to its last message)
        expected = -1 if "HTTP_TRANSFER_ENCODING" in environ else length
        if expected == 0:
            return b""
        parts, size = [], 0
        task, loop = asyncio.current_task(), asyncio.get_running_loop()
        reading = self.reading
        if not self.sweeping:
            self.sweeping = True
            loop.call_later(self.sweep_every(), self.sweep, loop)
        try:
            while True:
                reading[task] = loop.time() + self.timeout
                try:
                    message = await receive()
                except asyncio.CancelledError:
                    if task not in self.stalled:
                        raise  # (cancelled from outside: the server is stopping)
                    self.stalled.discard(task)
                    task.uncancel()
                    return 408
                if message["type"] == "http.disconnect":
                    return None
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > self.limit:
                    return 413
                parts.append(chunk)
                # granian ends a body with one more message (empty, no more_body) after its last bytes: asked for, it
                # is another round trip through its runtime, so a body whose declared length has all arrived is whole
                if size == expected or not message.get("more_body", False):
                    return parts[0] if len(parts) == 1 else b"".join(parts)
        finally:
            reading.pop(task, None)

    def sweep_every(self) -> float:
        return min(self.timeout / 4, 1.0)  # a stalled body is cut between its timeout and a quarter more

    def sweep(self, loop) -> None:
        """Cut every body read whose next chunk is overdue; come again while any read is in flight."""
        now = loop.time()
        for task, due in list(self.reading.items()):
            if due <= now and task not in self.stalled:
                self.stalled.add(task)
                task.cancel()
        if self.reading:
            loop.call_later(self.sweep_every(), self.sweep, loop)
        else:
            self.sweeping = False

    async def fault_delay(self, environ, vendor: str, root: str, path: str) -> dict | None:
        """Match the fault rules once, here, and sleep a delay in the loop; the vendor app answers the rule
        (a status), this front breaks the connection (a `fault`) or dribbles the answer. The rule, if any."""
        faults = self.core.faults
        if tenancy.ERROR in environ:
            return None  # a wrong /_t/ tenant: answered 400 by the vendor app
        tenant = environ.get(tenancy.ENVIRON_KEY) or DEFAULT_TENANT
        if path.startswith(tenancy.PATH_PREFIX):
            name, _, rest = path[len(tenancy.PATH_PREFIX):].partition("/")
            if environ.get(tenancy.ENVIRON_KEY) not in (None, name.replace("~", "/")):
                return None  # answered 400 by the vendor app
            tenant, path = name.replace("~", "/"), "/" + rest
        if not faults.active(tenant) or not TENANT_RE.match(tenant):
            return None  # the vendor app matches (or answers the bad tenant) as it would without a front
        if vendor in self.merging and "//" in path:
            path = _SLASHES.sub("/", path)
        rule = faults.match(vendor, tenant, environ["REQUEST_METHOD"], root + path, path)
        environ[FAULT] = rule
        if rule is not None and rule.get("fault"):
            environ[_BROKEN] = (tenant, path)  # for its journal entry
        if rule is not None and rule.get("delay_ms"):
            environ[STARTED] = time.perf_counter()
            await asyncio.sleep(rule["delay_ms"] / 1000.0)
        return rule


_BODY_KEYS = ("CONTENT_TYPE", "CONTENT_LENGTH")
_ENVIRON_KEYS: dict[bytes, str] = {}  # header name -> its environ key: clients send the same few names


def _environ_key(name: bytes) -> str:
    key = name.decode("latin-1").upper().replace("-", "_")
    if key not in _BODY_KEYS:
        key = "HTTP_" + key
    if len(_ENVIRON_KEYS) < 1024:  # (a client inventing names gets them made each time)
        _ENVIRON_KEYS[name] = key
    return key


def _call(app, environ) -> tuple[int, list, bytes]:
    """Run the WSGI app (in a pool thread): its status, headers and whole body."""
    chunks: list[bytes] = []
    started: list = []

    def start_response(status, headers, exc_info=None):
        if exc_info and started:
            raise exc_info[1].with_traceback(exc_info[2])
        started[:] = [status, headers]
        return chunks.append

    result = app(environ, start_response)
    try:
        for chunk in result:
            if chunk:
                chunks.append(chunk)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    status, headers = started
    return int(status[:3]), headers, b"".join(chunks)


async def _refuse(send, status: int) -> None:
    """A request refused before any app saw it, in the control API's shape (no vendor to speak for)."""
    await _answer(send, status, [("content-type", "application/json")], b'{"error": "%s"}' % MESSAGES[status].encode())


async def _answer(send, status: int, headers: list, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers]})
    await send({"type": "http.response.body", "body": body})


async def _dribble(send, status: int, headers: list, body: bytes, chunks: int, ms: int) -> None:
    """The answer's body in `chunks` pieces, one every ms/chunks (the last at `ms`), its Content-Length kept."""
    await send({"type": "http.response.start", "status": status,
                "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers]})
    pieces = [body[len(body) * i // chunks:len(body) * (i + 1) // chunks] for i in range(chunks)]
    pause = ms / 1000.0 / chunks
    try:
        await send({"type": "http.response.body", "body": b"", "more_body": True})  # the head goes out now
        for n, piece in enumerate(pieces, start=1):
            await asyncio.sleep(pause)
            await send({"type": "http.response.body", "body": piece, "more_body": n < len(pieces)})
    except Exception:  # the client gave up waiting (its read timeout): nothing more to send
        log.debug("dribble cut short by the client")


# ASGI gives an app no way to reset a connection or write bytes outside a well-formed response, so a
# connection fault works on the connection's socket itself: found among the process's descriptors by its
# two addresses, and used through a duplicate (granian keeps its own descriptor and closes it as usual).
# Linux only: elsewhere granian answers its own 500, and the log says why.
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform == "linux" else None
_UNSPEC = struct.pack("=H14x", socket.AF_UNSPEC)  # a sockaddr of family AF_UNSPEC
_MALFORMED = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nnot a chunk size\r\n"


def _connection(scope) -> socket.socket | None:
    """A duplicate of the socket serving this request (None when it cannot be found)."""
    if _LIBC is None or not scope.get("client") or not scope.get("server"):
        return None
    peer = (scope["client"][0], int(scope["client"][1]))  # granian gives the ports as strings
    local = (scope["server"][0], int(scope["server"][1]))
    for name in os.listdir("/proc/self/fd"):
        try:
            if not os.readlink(f"/proc/self/fd/{name}").startswith("socket:"):
                continue
            sock = socket.socket(fileno=os.dup(int(name)))
        except OSError:
            continue  # closed meanwhile
        try:
            if sock.type == socket.SOCK_STREAM and sock.getpeername()[:2] == peer and sock.getsockname()[:2] == local:
                return sock
        except OSError:
            pass  # a listening or closed socket
        sock.close()
    return None


def _break(scope, kind: str) -> None:
    """Break the request's connection as `kind` says (faults.CONNECTION_FAULTS); what granian then writes
    (its own 500, as the app sent nothing) goes nowhere: the connection is gone."""
    sock = _connection(scope)
    if sock is None:
        raise RuntimeError(f"fault {kind!r}: the connection's socket was not found (connection faults need Linux)")
    break_connection(sock, kind)


def break_connection(sock: socket.socket, kind: str) -> None:
    """Break the connection of `sock` (a duplicate, closed here) as `kind` says; also used under Werkzeug
    (`--dev`, the pytest plugin's thread mode), whose environ carries the connection's socket."""
    try:
        if kind == "connection_reset":
            # connect(AF_UNSPEC) disconnects a TCP socket with an RST (Linux's tcp_disconnect), whoever else holds it
            if _LIBC.connect(sock.fileno(), _UNSPEC, len(_UNSPEC)) != 0:
                raise OSError(ctypes.get_errno(), "connect(AF_UNSPEC) failed")
            return
        if kind == "random_data_then_close":
            sock.sendall(os.urandom(256))
        elif kind == "malformed_chunk":
            sock.sendall(_MALFORMED)
        sock.shutdown(socket.SHUT_RDWR)  # empty_response: the close alone
    except OSError as exc:
        log.debug("fault %s: %s", kind, exc)  # the client is gone already
    finally:
        sock.close()
