"""Every option once: its CLI flag, its environment variable and its default."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import socket
from dataclasses import dataclass, field
from pathlib import Path


def vendor_names() -> tuple[str, ...]:
    """Every registered vendor, in port order (mockserver/vendors/__init__.py)."""
    from .vendors import names

    return names()


def _offset(vendor: str) -> int:
    from .vendors import registry

    return registry()[vendor].port_offset


def _last_offset() -> int:
    from .vendors import registry

    return max((v.port_offset for v in registry().values()), default=0)

# package data (pyproject.toml), so an installed wheel serves the same as a checkout
PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_FIXTURES = PACKAGE_DIR / "fixtures"
LOG_FORMATS = ("text", "json")
OPENAPI_DIR = PACKAGE_DIR / "openapi"


REPLICA_RE = re.compile(r"^[A-Za-z0-9._:@+-]{1,128}$")  # sent as a header value: nothing to escape


def default_replica_id() -> str:
    """Stable for the process and distinct per pod (a pod's host name is its name) or per process on one host."""
    return f"{socket.gethostname()}-{os.getpid()}"


class SettingError(ValueError):
    """A setting out of its range: `field` names it, so the message can name the flag or variable it came from."""

    def __init__(self, field: str, problem: str):
        super().__init__(f"{field.replace('_', '-')} {problem}")
        self.field, self.problem = field, problem


@dataclass
class Settings:
    host: str = "127.0.0.1"
    port: int = 8080
    vendor_ports: bool = True
    vendors: tuple[str, ...] = field(default_factory=vendor_names)
    fixtures: str = str(DEFAULT_FIXTURES)
    auth: str = "strict"  # strict | permissive
    journal_size: int = 10_000
    journal_body_chars: int = 4_096
    journal_mb: int = 64  # bytes the journal may hold in all (headers and bodies are cut per entry too)
    max_tenants: int = 1_000  # beyond, the least recently used tenant is forgotten
    tenant_from_credentials: bool = False  # each API key the fixtures do not know is its own tenant
    control_token: str = ""  # when set, /_mock/* (but health) needs "Authorization: Bearer <it>"
    max_upload_mb: int = 50
    max_stored_mb: int = 200  # bytes of uploaded files each tenant keeps per vendor; beyond, the vendor's 413
    log_level: str = "info"
    log_format: str = "text"  # text | json (one object a line: each request's method, path, status, ms, ...)
    dev: bool = False
    threads: int = 16
    body_timeout: float = 10.0  # seconds a request body may go without a byte before the client is cut (408)
    validate_requests: bool = True  # vendors that opt in refuse requests their spec forbids
    replica_id: str = ""  # names this process in health and control answers; "" = host name and pid
    # vendor-specific knobs (e.g. {"hiptest": {"rate_limit": 200}}); vendors read their own key
    vendor_options: dict = field(default_factory=dict)

    def __post_init__(self):
        span = _last_offset() if self.vendor_ports else 0
        if not 1 <= self.port or self.port + span > 65535:
            raise SettingError("port", f"must be between 1 and {65535 - span}"
                               + (f" (the vendor ports take the next {span})" if span else "")
                               + f", not {self.port}")
        for name, least in (("journal_size", 0), ("journal_body_chars", 0), ("threads", 1), ("max_upload_mb", 1),
                            ("max_stored_mb", 1), ("journal_mb", 1), ("max_tenants", 1)):
            if getattr(self, name) < least:
                raise SettingError(name, f"must be at least {least}, not {getattr(self, name)}")
        if self.log_format not in LOG_FORMATS:
            raise SettingError("log_format", f"must be {' or '.join(LOG_FORMATS)}, not {self.log_format!r}")
        if self.replica_id and not REPLICA_RE.match(self.replica_id):
            raise SettingError("replica_id", f"must be 1-128 letters, digits or ._:@+-, not {self.replica_id!r}")
        if not 0 < self.body_timeout <= 3600:
            raise SettingError("body_timeout", f"must be more than 0 and at most 3600 seconds, not {self.body_timeout}")

    def vendor_port(self, vendor: str) -> int:
        return self.port + _offset(vendor)

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self))

    @classmethod
    def from_json(cls, text: str) -> "Settings":
        data = json.loads(text)
        data["vendors"] = tuple(data["vendors"])
        return cls(**data)


ENV = {
    "host": "HOST",
    "port": "PORT",
    "vendor_ports": "MOCKSERVER_VENDOR_PORTS",
    "vendors": "MOCKSERVER_VENDORS",
    "fixtures": "MOCKSERVER_FIXTURES",
    "auth": "MOCKSERVER_AUTH",
    "journal_size": "MOCKSERVER_JOURNAL_SIZE",
    "journal_mb": "MOCKSERVER_JOURNAL_MB",
    "max_tenants": "MOCKSERVER_MAX_TENANTS",
    "tenant_from_credentials": "MOCKSERVER_TENANT_FROM_CREDENTIALS",
    "control_token": "MOCKSERVER_CONTROL_TOKEN",
    "max_upload_mb": "MOCKSERVER_MAX_UPLOAD_MB",
    "max_stored_mb": "MOCKSERVER_MAX_STORED_MB",
    "log_level": "MOCKSERVER_LOG_LEVEL",
    "log_format": "MOCKSERVER_LOG_FORMAT",
    "threads": "MOCKSERVER_THREADS",
    "body_timeout": "MOCKSERVER_BODY_TIMEOUT",
    "validate_requests": "MOCKSERVER_VALIDATE_REQUESTS",
    "vendor_options": "MOCKSERVER_VENDOR_OPTIONS",
    "replica_id": "MOCKSERVER_REPLICA_ID",
}


def parse_vendors(text: str) -> tuple[str, ...]:
    names = tuple(v.strip() for v in text.split(",") if v.strip())
    known = vendor_names()
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(f"unknown vendor(s): {', '.join(unknown)} (known: {', '.join(known)})")
    return tuple(v for v in known if v in names)


def parse_vendor_options(items: list[str]) -> dict:
    """["hiptest.rate_limit=200", ...] -> {"hiptest": {"rate_limit": 200}}; values are YAML scalars."""
    import yaml

    options: dict = {}
    for item in items:
        key, sep, value = item.partition("=")
        vendor, dot, option = key.partition(".")
        if not sep or not dot or not option:
            raise ValueError(f"vendor option {item!r}: write VENDOR.OPTION=VALUE")
        if vendor not in vendor_names():
            raise ValueError(f"vendor option {item!r}: unknown vendor {vendor!r}")
        options.setdefault(vendor, {})[option] = yaml.safe_load(value)
    return options


def _coerce(name: str, raw: str):
    if name in ("port", "journal_size", "max_upload_mb", "max_stored_mb", "threads", "journal_mb", "max_tenants"):
        if not raw.strip().lstrip("+-").isdigit():
            raise ValueError("not a whole number")
        return int(raw)
    if name == "body_timeout":
        try:
            return float(raw)
        except ValueError:
            raise ValueError("not a number") from None
    if name in ("vendor_ports", "validate_requests", "tenant_from_credentials"):
        return raw.strip().lower() not in ("0", "false", "no", "off", "")
    if name == "vendors":
        return parse_vendors(raw)
    if name == "vendor_options":
        return parse_vendor_options(raw.split())
    if name == "auth" and raw not in ("strict", "permissive"):
        raise ValueError(f"auth must be strict or permissive, not {raw!r}")
    return raw


def from_env(environ=None, **overrides) -> Settings:
    """Defaults, then environment, then explicit overrides (CLI flags that were given)."""
    environ = os.environ if environ is None else environ
    values = {}
    for name, var in ENV.items():
        if environ.get(var) not in (None, ""):
            try:
                values[name] = _coerce(name, environ[var])
            except ValueError as exc:
                raise ValueError(f"{var}={environ[var]!r}: {exc}") from None
    given = {k: v for k, v in overrides.items() if v is not None}
    values.update(given)
    try:
        return Settings(**values)
    except SettingError as exc:  # named as the user gave it: the flag, else the environment variable
        source = f"--{exc.field.replace('_', '-')}" if exc.field in given else ENV.get(exc.field, exc.field)
        raise ValueError(f"{source} {exc.problem}") from None
