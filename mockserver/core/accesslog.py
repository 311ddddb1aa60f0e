"""The access log, written off the request path: a request only appends its journal entry here,
and a background thread formats and writes the lines in batches (one write per batch, so a request
never gives up the GIL to the log)."""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections import deque

INTERVAL = 0.1  # seconds a line may wait before it is written


class AccessLog:
    def __init__(self, name: str = "mockserver.access"):
        self.logger = logging.getLogger(name)
        self._pending: deque = deque()
        self._thread: threading.Thread | None = None
        self._start = threading.Lock()

    def add(self, entry) -> None:
        if not self.logger.isEnabledFor(logging.INFO):
            return
        self._pending.append(entry)
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
        pending = self._pending
        while pending:
            e = pending.popleft()
            self.logger.info("%s %s %d %.1fms vendor=%s tenant=%s", e.method, e.path, e.status, e.duration_ms,
                             e.vendor, e.tenant)


ACCESS_LOG = AccessLog()
