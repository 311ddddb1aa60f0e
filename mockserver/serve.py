"""Start the server: granian on the main port, a small threaded server per vendor port, one store."""

from __future__ import annotations

import logging
import os
import socket
import sys
import threading

from werkzeug.serving import make_server

from .core.httpd import RequestHandler
from .settings import Settings

SETTINGS_ENV = "MOCKSERVER_SETTINGS_JSON"
log = logging.getLogger("mockserver")


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # the vendor-port servers would log each request a second time
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


def start_vendor_ports(server, settings: Settings) -> list:
    """One threaded server per enabled vendor, serving it at the root of its own port."""
    started = []
    if not settings.vendor_ports:
        return started
    for name, app in server.ports.items():
        httpd = make_server(settings.host, settings.vendor_port(name), app, threaded=True,
                            request_handler=RequestHandler)
        thread = threading.Thread(target=httpd.serve_forever, name=f"port-{name}", daemon=True)
        thread.start()
        started.append(httpd)
    return started


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


def serve(settings: Settings) -> None:
    check_ports(settings)
    print(table(settings), flush=True)
    if settings.dev:
        _serve_dev(settings)
        return
    from granian import Granian
    from granian.constants import Interfaces

    os.environ[SETTINGS_ENV] = settings.to_json()
    Granian(
        "mockserver.wsgi:app",
        address=settings.host,
        port=settings.port,
        interface=Interfaces.WSGI,
        workers=1,  # one process: every request must see the same in-memory store
        blocking_threads=settings.threads,
        log_level=settings.log_level
        if settings.log_level in ("debug", "info", "warning", "error", "critical")
        else "info",
    ).serve()


def _serve_dev(settings: Settings) -> None:
    from .app import create_app

    configure_logging(settings.log_level)
    server = create_app(settings)
    start_vendor_ports(server, settings)
    httpd = make_server(settings.host, settings.port, server, threaded=True, request_handler=RequestHandler)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
