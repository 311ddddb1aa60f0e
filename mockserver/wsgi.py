"""The granian target: builds the app inside the worker process and starts its vendor ports there."""

from __future__ import annotations

import os

from .app import create_app
from .serve import SETTINGS_ENV, configure_logging, start_vendor_ports
from .settings import Settings, from_env

settings = Settings.from_json(os.environ[SETTINGS_ENV]) if os.environ.get(SETTINGS_ENV) else from_env()
configure_logging(settings.log_level)
app = create_app(settings)
_ports = start_vendor_ports(app, settings)
