"""Start the server: every port (the main one and each vendor's own) on granian, in one process, one store.

granian binds one address per server, and its own supervisor runs each server in a worker process of
its own, which would split the in-memory store. So the process runs one granian ASGI worker per port
itself, each in a thread (as granian's free-threaded mode runs its workers): the same Rust HTTP server
and reason phrases on every port, all of them calling into the one app built here. Each port's event
loop reads bodies and sleeps delays (core/front.py) and hands the WSGI app to a bounded thread pool.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
import threading
import time

from .settings import Settings

log = logging.getLogger("mockserver")
BACKLOG = 1024  # granian's default
PORT_DIED = 3  # exit status when a port stops serving on its own
STOP_WITHIN = 1.0  # seconds from SIGTERM until requests still in flight (a delay fault) are cut


def stop_on_signals() -> None:
    """SIGTERM/SIGINT from the first moment of `serve` on: a clean exit, even half-way through start-up
    (as PID 1 in a container a signal without a handler would be ignored, and the start would go on)."""
    def stop(signum, frame):
        raise SystemExit(0)
    for sig_name in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig_name, stop)


def configure_logging(level: str, fmt: str = "text") -> None:
    from .core.accesslog import ServerHandler

    handler = ServerHandler(sys.stderr, fmt)
    logging.basicConfig(level=getattr(logging, level.upper(), logging.INFO), handlers=[handler])
    # the development servers (--dev) would log each request a second time
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    if level != "debug":  # "Started worker-N" once per port says less than the table printed at start
        logging.getLogger("_granian").setLevel(logging.WARNING)


def table(settings: Settings) -> str:
    base = f"http://{settings.host}:{settings.port}"
    return f"mockserver on {base}  (control API: {base}/_mock, auth: {settings.auth})\n" + vendor_table(settings)


def vendor_table(settings: Settings, markdown: bool = False) -> str:
    """Each enabled vendor with its two base URLs (the README's table is this, with markdown=True)."""
    from .vendors import registry

    base = f"http://{settings.host}:{settings.port}"
    rows = [(name, registry()[name].title if name in registry() else name, f"{base}/{name}",
             f"http://{settings.host}:{settings.vendor_port(name)}" if settings.vendor_ports else "-")
            for name in settings.vendors]
    if not markdown:
        return "\n".join([f"  {'vendor':<10} {'prefixed':<40} own port"]
                         + [f"  {name:<10} {prefixed:<40} {own}" for name, _, prefixed, own in rows])
    cells = [("vendor", "product", "prefixed base URL", "own port")]
    cells += [(name, title, f"`{prefixed}`", f"`{own}`") for name, title, prefixed, own in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(4)]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |" for row in cells]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


class PortInUse(Exception):
    pass


def check_ports(settings: Settings) -> None:
    """Fail before starting anything when a port is taken, naming it (not a worker's traceback)."""
    wanted = [("main", settings.port)]
    if settings.vendor_ports:
        wanted += [(name, settings.vendor_port(name)) for name in settings.vendors]
    for what, port in wanted:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((settings.host, port))
            except OSError as exc:
                raise PortInUse(f"cannot bind {settings.host}:{port} ({what}): {exc.strerror}") from None


def port_apps(server, settings: Settings) -> dict[int, object]:
    """port -> the WSGI app answering on it: the main port, then each vendor's own."""
    apps = {settings.port: server}
    if settings.vendor_ports:
        apps.update({settings.vendor_port(name): app for name, app in server.ports.items()})
    return apps


def serve(settings: Settings, vendors: dict | None = None, fixtures: dict | None = None) -> None:
    """Serve until SIGINT/SIGTERM. `vendors` and `fixtures` as create_app takes them (already loaded
    and checked by the caller, so they are not loaded twice)."""
    from .app import create_app

    check_ports(settings)
    configure_logging(settings.log_level, settings.log_format)
    server = create_app(settings, vendors, fixtures)
    from .core import heap

    heap.settle_after_builds()
    if settings.log_format == "json":  # every line a log shipper reads is JSON
        log.info(table(settings))
    else:
        print(table(settings), flush=True)
    apps = port_apps(server, settings)
    if settings.dev:
        _serve_dev(settings, apps)
    else:
        from .core.front import Front

        vendors = {settings.vendor_port(name): name for name in server.ports} if settings.vendor_ports else {}
        _serve_granian(settings, {port: Front(app, server.core, vendors.get(port), settings.threads)
                                  for port, app in apps.items()})


def _serve_granian(settings: Settings, apps: dict) -> None:
    from granian._granian import MetricsAggregator, SocketHolder, WorkerSignal
    from granian.constants import HTTPModes, RuntimeModes, TaskImpl
    from granian.server.mt import MTServer

    # bound here, so a taken address is an OSError naming the port (granian's own bind would abort the process)
    listeners = {}
    for port in apps:
        try:
            listeners[port] = socket.create_server((settings.host, port), backlog=BACKLOG)
        except OSError as exc:
            raise PortInUse(f"cannot bind {settings.host}:{port}: {os.strerror(exc.errno)}") from None
    stop = threading.Event()
    failures: list[str] = []
    metrics = MetricsAggregator(len(apps))
    no_tls = (False, None, None, None, "tls1.3", None, [], False)

    def run(index: int, port: int, app, sig) -> None:
        # granian's own per-thread ASGI worker: its arguments by name, so a granian that changed them
        # fails here at start (the version is pinned), not at the first request. The app runs in the
        # loop (uvloop's where installed, as the pinned dependencies have it: "auto"); its WSGI work goes to the
        # Front's own pool (granian's blocking threads are not used)
        try:
            MTServer._spawn_asgi_worker(
                index, sig, app, (None, SocketHolder(listeners[port].fileno(), False, BACKLOG)), "auto",
                runtime_mode=RuntimeModes.mt, runtime_threads=1, runtime_blocking_threads=512,
                blocking_threads=1, blocking_threads_idle_timeout=30, backpressure=BACKLOG,
                task_impl=TaskImpl.asyncio, http_mode=HTTPModes.auto, http1_settings=None, http2_settings=None,
                websockets=False, static_path=None, log_access_fmt=None, ssl_ctx=no_tls,
                scope_opts={"url_path_prefix": None}, metrics=(None, metrics),
            )
        except Exception as exc:
            failures.append(f"cannot serve {settings.host}:{port}: {exc}")
        if not stop.is_set():
            # a port whose worker stopped on its own (a crash inside granian) ends the whole process at once, non-zero:
            # the store is in this one process, so a container's restart policy (or any supervisor) starts it afresh
            # rather than leave a mock that answers on some ports and not on others
            why = failures[-1] if failures else f"the server of {settings.host}:{port} stopped"
            print(f"mockserver: {why}; exiting with status {PORT_DIED}", file=sys.stderr, flush=True)
            os._exit(PORT_DIED)

    signals, threads = [], []
    for index, (port, app) in enumerate(apps.items(), start=1):
        sig = WorkerSignal()
        thread = threading.Thread(target=run, args=(index, port, app, sig), name=f"port-{port}", daemon=True)
        signals.append(sig)
        threads.append(thread)
    for sig_name in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig_name, lambda *_: stop.set())
    for thread in threads:
        thread.start()
    stop.wait()
    deadline = time.monotonic() + STOP_WITHIN
    for sig in signals:
        sig.set()
    # granian lets requests in flight finish (a delay fault may sleep a minute): ports still busy at the
    # deadline end with the process, and their connections with them (no interpreter teardown under
    # their running event loops: what is left to write is written first)
    for thread in threads:
        thread.join(timeout=max(deadline - time.monotonic(), 0))
    if failures:
        raise OSError(failures[0])
    # the process ends here, also when every port stopped in time: granian's runtime threads can outlive
    # their ports, and one reaching for the interpreter while it finalises aborts with a Rust panic
    # (seen now and then under load: a non-JSON line in a JSON log, and no clean exit status)
    from .core.accesslog import ACCESS_LOG

    ACCESS_LOG.flush()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _serve_dev(settings: Settings, apps: dict) -> None:
    """Flask's (Werkzeug's) development server on every port, one thread each."""
    from werkzeug.serving import make_server

    from .core.httpd import RequestHandler

    servers = [make_server(settings.host, port, app, threaded=True, request_handler=RequestHandler)
               for port, app in apps.items()]
    for httpd in servers[1:]:
        threading.Thread(target=httpd.serve_forever, name=f"port-{httpd.server_port}", daemon=True).start()
    try:
        servers[0].serve_forever()
    except KeyboardInterrupt:
        pass
