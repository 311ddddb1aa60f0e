"""The registry of vendors: every package in this folder whose `VENDOR` is a core.vendor.Vendor.

Everything outside a vendor's own folder (ports, the CLI, settings, the tests, the bench, the docs)
reads this registry, so adding a vendor is adding its folder.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache


@cache
def registry() -> dict:
    """name -> Vendor, in port order (main port + port_offset)."""
    found = []
    for module in pkgutil.iter_modules(__path__):
        if module.ispkg and not module.name.startswith("_"):
            vendor = getattr(importlib.import_module(f"{__name__}.{module.name}"), "VENDOR", None)
            if vendor is not None:
                found.append(vendor)
    found.sort(key=lambda v: v.port_offset)
    offsets = [v.port_offset for v in found]
    if len(set(offsets)) != len(offsets) or any(o < 1 for o in offsets):
        raise RuntimeError("each vendor needs its own port_offset >= 1: "
                           + ", ".join(f"{v.name}={v.port_offset}" for v in found))
    return {v.name: v for v in found}


def names() -> tuple[str, ...]:
    return tuple(registry())
