"""create_app(settings) -> the WSGI app; dispatch by path prefix (main port) and by port (vendor ports)."""

from __future__ import annotations

import importlib
import time
from dataclasses import dataclass, field

from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.wrappers import Response

from .core import tenancy
from .core.clock import Clocks
from .core.control import build_control_app
from .core.credentials import CredentialTenants
from .core.faults import Faults
from .core.fixtures import load_all
from .core.journal import Journal
from .core.metrics import Metrics
from .core.negotiation import dumps
from .core.outbox import Outbox
from .core.store import DEFAULT_TENANT, TENANT_RE, Store
from .core.vendor_app import build_vendor_app, record
from .settings import Settings, default_replica_id


def load_vendors(names) -> dict:
    """name -> Vendor, importing mockserver.vendors.<name>.VENDOR for each enabled vendor."""
    return {name: importlib.import_module(f"mockserver.vendors.{name}").VENDOR for name in names}


@dataclass
class Core:
    settings: Settings
    vendors: dict
    store: Store
    clocks: Clocks = field(default_factory=Clocks)  # the server clock and the tenants' own
    journal: Journal = field(default_factory=Journal)
    outbox: Outbox | None = None
    faults: Faults | None = None
    vendor_apps: dict = field(default_factory=dict)
    options: dict = field(default_factory=dict)  # name -> the vendor's checked options
    metrics: Metrics | None = None  # GET /_mock/metrics (core/metrics.py)
    replica: str = ""  # this process among the replicas behind a balancer (settings.replica_id)
    credentials: CredentialTenants | None = None  # --tenant-from-credentials (core/credentials.py)


def _not_found(core):
    def app(environ, start_response):
        started = time.perf_counter()
        body = dumps({"error": "not found", "vendors": [f"/{v}" for v in core.vendors], "control": "/_mock"})
        response = Response(body, status=404, content_type="application/json")
        tenant = environ.get("HTTP_X_MOCK_TENANT") or DEFAULT_TENANT
        path = environ.get("PATH_INFO", "")
        tenant = tenant if TENANT_RE.match(tenant) else DEFAULT_TENANT
        core.store.touched(tenant)
        record(core, None, environ, environ.get("REQUEST_METHOD", "GET"), path, path, 404, started,
               tenant, None, response_headers=response.headers,
               response_body=response.get_data(), response_size=len(body), unmatched=True)  # a wrong base URL
        return response(environ, start_response)
    return app


class MockServer:
    """The WSGI app of the main port, plus one app per vendor port over the same core."""

    def __init__(self, core: Core):
        self.core = core
        self.control_app = build_control_app(core)
        mounts = {f"/{name}": app for name, app in core.vendor_apps.items()}
        mounts["/_mock"] = self.control_app
        self.main = DispatcherMiddleware(_not_found(core), mounts)
        self.ports = {  # with a control token, /_mock only on the main port: one door to guard
            name: _tenant_prefix(app if core.settings.control_token
                                 else DispatcherMiddleware(app, {"/_mock": self.control_app}))
            for name, app in core.vendor_apps.items()
        }

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO", "").startswith(tenancy.PREFIX):
            tenancy.take_prefix(environ)
        return self.main(environ, start_response)


def _tenant_prefix(app):
    """A vendor port's app, taking a leading /_t/<tenant> off the path (core/tenancy.py): behind the
    front that is done already; under Werkzeug (--dev, tests) here."""
    def port(environ, start_response):
        if environ.get("PATH_INFO", "").startswith(tenancy.PREFIX):
            tenancy.take_prefix(environ)
        return app(environ, start_response)
    return port


def create_app(settings: Settings, vendors: dict | None = None, fixtures: dict | None = None) -> MockServer:
    """Build the server. `vendors` (name -> Vendor) defaults to the enabled built-in ones;
    `fixtures` (name -> validated data) defaults to loading settings.fixtures (FixtureError if invalid).
    """
    vendors = vendors if vendors is not None else load_vendors(settings.vendors)
    options = {name: vendor.load_options(settings.vendor_options.get(name)) for name, vendor in vendors.items()}
    fixtures = fixtures if fixtures is not None else load_all(settings.fixtures, vendors)
    clocks = Clocks()
    core = Core(
        settings=settings,
        vendors=vendors,
        store=Store(vendors, fixtures, max_tenants=settings.max_tenants),
        clocks=clocks,
        journal=Journal(settings.journal_size, settings.journal_mb * 1024 * 1024),
        outbox=Outbox(clocks),
        faults=Faults(tuple(vendors)),
        options=options,
        replica=settings.replica_id or default_replica_id(),
    )
    core.metrics = Metrics(core)
    if settings.tenant_from_credentials:
        core.credentials = CredentialTenants(core.store, vendors)
    core.vendor_apps = {name: build_vendor_app(core, v) for name, v in vendors.items()}
    return MockServer(core)
