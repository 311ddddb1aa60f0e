"""`mockserver serve | health | vendors | routes | fleet reset|tenants | fixtures generate|check`."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from . import __version__
from .core.fixtures import FixtureError
from .settings import LOG_FORMATS, from_env, parse_vendor_options, parse_vendors, vendor_names


def _vendors_arg(text: str):
    try:
        return parse_vendors(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="mockserver", description="Local emulation of five test-platform vendor APIs.")
    p.add_argument("--version", action="version", version=f"mockserver {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("serve", help="start the server")
    s.add_argument("--host", help="address to bind (env HOST, default 127.0.0.1)")
    s.add_argument("--port", type=int, help="main port (env PORT, default 8080); each vendor on port+its offset")
    s.add_argument("--no-vendor-ports", dest="vendor_ports", action="store_const", const=False,
                   help="serve vendors only under their prefix (env MOCKSERVER_VENDOR_PORTS=0)")
    s.add_argument("--vendors", type=_vendors_arg, help=f"comma-separated subset of {','.join(vendor_names())}")
    s.add_argument("--fixtures", help="fixtures folder (env MOCKSERVER_FIXTURES)")
    s.add_argument("--auth", choices=("strict", "permissive"), help="strict: fixture credentials only (default)")
    s.add_argument("--journal-size", type=int, help="request journal entries kept (default 10000)")
    s.add_argument("--journal-mb", type=int, help="megabytes the request journal may hold (env MOCKSERVER_JOURNAL_MB, "
                   "default 64)")
    s.add_argument("--max-tenants", type=int, help="tenants kept; a new one evicts the least recently used "
                   "(env MOCKSERVER_MAX_TENANTS, default 1000)")
    s.add_argument("--tenant-from-credentials", action="store_const", const=True,
                   help="each API key the fixtures do not know is a tenant of its own, whose worlds accept it in "
                        "place of the demo key (env MOCKSERVER_TENANT_FROM_CREDENTIALS=1)")
    s.add_argument("--control-token", help="require 'Authorization: Bearer TOKEN' on /_mock/* but health "
                   "(env MOCKSERVER_CONTROL_TOKEN, better: not visible in ps)")
    s.add_argument("--max-upload-mb", type=int, help="largest request body accepted (default 50)")
    s.add_argument("--max-stored-mb", type=int,
                   help="uploaded file bytes each tenant keeps per vendor; beyond, the vendor's 413 (default 200)")
    s.add_argument("--log-level", choices=("debug", "info", "warning", "error"))
    s.add_argument("--log-format", choices=LOG_FORMATS,
                   help="text (default) or json: one JSON object a line, per request its method, path, status, ms, "
                        "vendor, tenant and fault (env MOCKSERVER_LOG_FORMAT)")
    s.add_argument("--threads", type=int, help="worker threads of the main port (default 16)")
    s.add_argument("--body-timeout", type=float,
                   help="seconds a request body may stall before the client is cut with a 408 (default 10)")
    s.add_argument("--no-validate-requests", dest="validate_requests", action="store_const", const=False,
                   help="let through requests the vendor spec forbids (env MOCKSERVER_VALIDATE_REQUESTS=0)")
    s.add_argument(
        "--vendor-option",
        dest="vendor_option",
        action="append",
        metavar="VENDOR.OPTION=VALUE",
        help="a vendor knob, e.g. hiptest.rate_limit=200 (repeatable; env MOCKSERVER_VENDOR_OPTIONS, space-separated)",
    )
    s.add_argument("--replica-id", help="this process's name in GET /_mock/health and every control answer "
                   "(env MOCKSERVER_REPLICA_ID, default: host name and pid)")
    s.add_argument("--dev", action="store_const", const=True, help="use Flask's development server")

    h = sub.add_parser("health", help="exit 0 when the server answers GET /_mock/health (a container's health check)")
    h.add_argument("--url", help="the server's base URL (default: http://127.0.0.1:$PORT, or $HOST when it is not "
                   "a wildcard address)")
    h.add_argument("--timeout", type=float, default=2.0, help="seconds to wait for the answer (default 2)")

    fl = sub.add_parser("fleet", help="a call about every tenant, to every replica behind a balancer; answers merged")
    flsub = fl.add_subparsers(dest="operation", required=True)
    for name, text in (("reset", "POST /_mock/reset on every replica"), ("tenants", "GET /_mock/tenants of every "
                                                                                     "replica, as one list")):
        o = flsub.add_parser(name, help=text)
        o.add_argument("--urls", required=True, help="every replica's base URL, comma-separated (not the balancer's)")
        o.add_argument("--control-token", default=os.environ.get("MOCKSERVER_CONTROL_TOKEN") or None,
                       help="the replicas' control token (default: env MOCKSERVER_CONTROL_TOKEN)")
        o.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for each replica (default 10)")
        if name == "reset":
            o.add_argument("--tenant", help="only this tenant (on whichever replica holds it)")
            o.add_argument("--vendor", help="only this vendor")
            o.add_argument("--keep", help="what stays: a comma list of data, clock, faults, journal, outbox")

    v = sub.add_parser("vendors", help="list the vendors: name, title, base URLs")
    v.add_argument("--port", type=int, help="main port the URLs are shown for (default 8080)")
    v.add_argument("--markdown", action="store_true", help="as the README's table")

    r = sub.add_parser("routes", help="print every vendor route")
    r.add_argument("--vendor", type=_vendors_arg)

    f = sub.add_parser("fixtures", help="generate or check fixture sets")
    fsub = f.add_subparsers(dest="fixtures_command", required=True)
    g = fsub.add_parser("generate", help="write a realistic fixture set made with a seeded Faker")
    g.add_argument("--vendor", required=True, help="a vendor name, several joined by ',' or 'all'")
    g.add_argument("--scale", type=int, default=10,
                   help="objects per main collection (default 10); what belongs to them stays bounded: a "
                        "project per 10 objects, Happo up to 8 snapshots a report, Hiptest per 10 scenarios a test "
                        "run (testing 5), per 5 a folder, per 2 an action word: about 5 records per scenario once "
                        "built")
    g.add_argument("--seed", type=int, default=0)
    g.add_argument("--out", required=True, help="folder to write <vendor>.yaml or <vendor>.json into")
    g.add_argument("--format", choices=("auto", "yaml", "json"), default="auto",
                   help="file format; auto (default): yaml up to --scale 1000, json above (much faster to write "
                        "and load); the other form of the same vendor in --out is removed")
    c = fsub.add_parser("check", help="validate a fixtures folder")
    c.add_argument("dir", nargs="?", help="folder (default: the configured fixtures)")
    c.add_argument("--vendor", type=_vendors_arg)
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "serve":
            return _serve(args)
        if args.command == "routes":
            return _routes(args)
        if args.command == "vendors":
            return _vendors(args)
        if args.command == "health":
            return _health(args)
        if args.command == "fleet":
            from .fleet import run

            return run(args)
        if args.fixtures_command == "generate":
            return _generate(args)
        return _check(args)
    except FixtureError as exc:
        print(f"mockserver: invalid fixtures:\n{exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a port in use, an unreadable folder
        print(f"mockserver: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:  # settings from the environment that do not parse
        print(f"mockserver: {exc}", file=sys.stderr)
        return 2


def _serve(args) -> int:
    from .serve import PortInUse, serve, stop_on_signals

    stop_on_signals()

    keys = (
        "host",
        "port",
        "vendor_ports",
        "vendors",
        "fixtures",
        "auth",
        "journal_size",
        "journal_mb",
        "max_tenants",
        "tenant_from_credentials",
        "control_token",
        "max_upload_mb",
        "max_stored_mb",
        "log_level",
        "log_format",
        "threads",
        "body_timeout",
        "dev",
        "validate_requests",
        "replica_id",
    )
    try:
        options = parse_vendor_options(args.vendor_option) if args.vendor_option else None
    except ValueError as exc:
        raise ValueError(str(exc).replace("vendor option", "--vendor-option", 1)) from None
    settings = from_env(vendor_options=options, **{k: getattr(args, k) for k in keys})
    from .app import load_vendors
    from .core.fixtures import load_all
    from .serve import configure_logging

    configure_logging(settings.log_level, settings.log_format)
    vendors = load_vendors(settings.vendors)
    for name, vendor in vendors.items():  # a mistyped option: exit 2 before binding, naming where it came from
        try:
            vendor.load_options(settings.vendor_options.get(name))
        except ValueError as exc:
            source = "--vendor-option" if args.vendor_option else "MOCKSERVER_VENDOR_OPTIONS"
            raise ValueError(str(exc).replace("vendor option", source, 1)) from None
    # invalid fixtures: exit 2 before binding; valid ones are read this once and served as loaded
    data = load_all(settings.fixtures, vendors)
    try:
        serve(settings, vendors, data)
    except PortInUse as exc:
        print(f"mockserver: {exc}", file=sys.stderr)
        return 2
    return 0


def _routes(args) -> int:
    from .app import create_app
    from .core.routes import vendor_routes

    settings = from_env(vendors=args.vendor)
    server = create_app(settings)
    for name, app in server.core.vendor_apps.items():
        for row in vendor_routes(name, app):
            print(f"{row['vendor']:<10} {row['method']:<7} {row['path']}")
    return 0


def _health(args) -> int:
    import json
    import os
    import urllib.request

    url = args.url
    if not url:  # the address `serve` binds with the same environment (HOST, PORT)
        host, port = os.environ.get("HOST") or "127.0.0.1", os.environ.get("PORT") or "8080"
        host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
        url = f"http://{f'[{host}]' if ':' in host else host}:{port}"
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/_mock/health", timeout=args.timeout) as answer:
            status = json.loads(answer.read()).get("status")
    except (OSError, ValueError) as exc:
        print(f"mockserver: {url} is not healthy: {exc}", file=sys.stderr)
        return 1
    if status != "ok":
        print(f"mockserver: {url} answered status {status!r}", file=sys.stderr)
        return 1
    return 0


def _vendors(args) -> int:
    from .serve import vendor_table

    print(vendor_table(from_env(port=args.port), markdown=args.markdown))
    return 0


def _generate(args) -> int:
    from .core.generate import generate

    names = vendor_names() if args.vendor == "all" else parse_vendors(args.vendor)
    for name in names:
        started = time.perf_counter()
        path = generate(name, args.scale, args.seed, Path(args.out), args.format)
        print(f"wrote {path} in {time.perf_counter() - started:.1f} s")
    return 0


def _check(args) -> int:
    from .app import load_vendors
    from .core.fixtures import load_all

    settings = from_env(fixtures=args.dir, vendors=args.vendor)
    data = load_all(settings.fixtures, load_vendors(settings.vendors))
    for name, content in data.items():
        counts = ", ".join(f"{k}={len(v)}" for k, v in content.items() if isinstance(v, (list, dict)))
        print(f"{name}: ok ({counts or 'empty'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
