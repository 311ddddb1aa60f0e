"""The access log and the request metrics, kept off the request path: a request only appends its journal
entry (or a control call its ControlCall) here, and a background thread formats and writes the lines
and counts them into the server's metrics (core/metrics.py) in batches (one write per batch, so a
request never gives up the GIL to the log)."""

from __future__ import annotations

import atexit
import json
import logging
import threading
import time
from collections import deque
from datetime import datetime, timezone

INTERVAL = 0.1  # seconds a line may wait before it is written


class ControlCall:
    """A /_mock call as the access log and the metrics see it (control calls are not journaled)."""

    __slots__ = ("method", "path", "status", "duration_ms", "vendor", "tenant", "fault", "tenant_from")

    def __init__(self, method: str, path: str, status: int, duration_ms: float, tenant: str | None):
        from .metrics import CONTROL

        self.method, self.path, self.status, self.duration_ms = method, path, status, duration_ms
        self.vendor, self.tenant, self.fault = CONTROL, tenant, None
        self.tenant_from = "query" if tenant is not None else None  # (a control call names its tenant by ?tenant=)


class AccessLog:
    def __init__(self, name: str = "mockserver.access"):
        self.logger = logging.getLogger(name)
        self._pending: deque = deque()
        self._thread: threading.Thread | None = None
        self._start = threading.Lock()
        self._flushing = threading.Lock()

    def add(self, entry, metrics=None) -> None:
        logged = self.logger.isEnabledFor(logging.INFO)  # decided now: a level set later applies to later requests
        if metrics is None and not logged:
            return
        self._pending.append((entry, metrics, logged))
        if self._thread is None:
            self._begin()

    def _begin(self) -> None:
        with self._start:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="access-log", daemon=True)
                self._thread.start()
                atexit.register(self.flush)

    def _run(self) -> None:
        while True:
            time.sleep(INTERVAL)
            self.flush()

    def flush(self) -> None:
        """Write and count what is pending (also called by a metrics scrape, so it sees every request)."""
        pending = self._pending
        with self._flushing:
            if not pending:
                return
            # a logging record per line cost ~10 µs of the interpreter lock per request; where the lines go
            # straight to the server's own handler they are formatted here, as it would, and written at once
            direct = _direct_handler(self.logger)
            lines = []
            while pending:
                e, metrics, logged = pending.popleft()
                if metrics is not None:
                    metrics.observe(e.vendor, e.status, e.duration_ms)
                if not logged:
                    continue
                if direct is not None:
                    lines.append(direct.line(time.time(), e))
                else:
                    self.logger.info(ACCESS_FORMAT, *access_args(e), extra={"access": e})
            if lines:
                direct.write_lines(lines)


ACCESS_FORMAT = "%s %s %d %.1fms vendor=%s tenant=%s%s"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def access_args(e) -> tuple:
    return e.method, e.path, e.status, e.duration_ms, e.vendor, e.tenant, f" fault={e.fault}" if e.fault else ""


def _direct_handler(logger: logging.Logger) -> "ServerHandler | None":
    """The server's own handler when an INFO line of `logger` reaches it alone and unfiltered (as `serve`
    configures logging); None when anything else is set up (a test's capture, an embedding program's)."""
    current = logger
    while current is not None:
        if current.filters or current.disabled:
            return None
        if current.parent is None or not current.propagate:
            break
        if current.handlers:
            return None
        current = current.parent
    handlers = current.handlers
    if len(handlers) != 1 or type(handlers[0]) is not ServerHandler:
        return None
    handler = handlers[0]
    if handler.filters or handler.level > logging.INFO:
        return None
    return handler


class ServerHandler(logging.StreamHandler):
    """The served process's log handler: text (TEXT_FORMAT) or JSON lines. `line` gives an access line as its
    formatter would, so a batch of them is written without a record each."""

    def __init__(self, stream, fmt: str = "text"):
        super().__init__(stream)
        self.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
        self.kind = fmt
        self._second, self._stamp = None, ""

    def line(self, created: float, e) -> str:
        if self.kind == "json":
            return access_json(created, e)
        second = int(created)
        if second != self._second:  # (logging.Formatter's default asctime, made once a second)
            self._second, self._stamp = second, time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(second))
        return f"{self._stamp},{int((created - second) * 1000):03d} INFO mockserver.access: " + \
            ACCESS_FORMAT % access_args(e)

    def write_lines(self, lines: list[str]) -> None:
        self.acquire()
        try:
            self.stream.write(self.terminator.join(lines) + self.terminator)
            self.flush()
        except Exception:  # (as emit: a log that cannot be written must not stop the server)
            pass
        finally:
            self.release()


def access_json(created: float, e) -> str:
    when = datetime.fromtimestamp(created, timezone.utc).isoformat(timespec="milliseconds")
    return json.dumps({"time": when.replace("+00:00", "Z"), "method": e.method, "path": e.path,
                       "status": e.status, "ms": round(e.duration_ms, 3), "vendor": e.vendor,
                       "tenant": e.tenant, "tenant_from": e.tenant_from, "fault": e.fault}, ensure_ascii=False)


class JsonFormatter(logging.Formatter):
    """`--log-format json`: every line one JSON object; an access line carries the request's fields."""

    def format(self, record: logging.LogRecord) -> str:
        e = getattr(record, "access", None)
        if e is not None:
            return access_json(record.created, e)
        when = datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds")
        data = {"time": when.replace("+00:00", "Z"), "level": record.levelname, "logger": record.name,
                "message": record.getMessage()}
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


ACCESS_LOG = AccessLog()
