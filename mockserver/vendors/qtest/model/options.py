"""The vendor's tunable assumptions: fixture `settings`, overridden by the `qtest` vendor options."""

from __future__ import annotations

import copy

# vendor-notes §5: the vendor's transition diagram is an unreadable image, so this machine is an
# inferred, documented default (fixtures or vendor options may replace it). It allows every move the doc's
# samples make (PLANNED -> COMPLETED: a host reporting a job it ran) and refuses only going back to waiting
# and leaving a final state, which a transition diagram most plausibly rules out.
DEFAULT_TRANSITIONS = {
    "PLANNED": ["NOT_RUN", "RUNNING", "COMPLETED", "FAILED", "CANCELLED"],
    "NOT_RUN": ["RUNNING", "COMPLETED", "FAILED", "CANCELLED"],
    "RUNNING": ["COMPLETED", "FAILED", "CANCELLED"],
    "COMPLETED": [],
    "FAILED": [],
    "CANCELLED": [],
}

DEFAULTS = {
    "access_token_seconds": 3600,
    "refresh_token_seconds": 30 * 24 * 3600,
    "online_window_seconds": 30 * 60,
    "queue_waiting_seconds": 2,
    "queue_processing_seconds": 5,
    "client_id": 2,
    "scope": "read import administration create share baseline write delete execute export",
    "automation_statuses": ["PASSED", "FAILED", "SKIPPED", "INCOMPLETE", "BLOCKED", "UNEXECUTED"],
    "job_transitions": DEFAULT_TRANSITIONS,
}


def resolve(fixture_settings: dict | None, vendor_options: dict | None) -> dict:
    merged = copy.deepcopy(DEFAULTS)
    for source in (fixture_settings or {}, vendor_options or {}):
        merged.update({k: v for k, v in source.items() if k in DEFAULTS and v is not None})
    return merged


def of(state, vendor_options: dict | None) -> dict:
    """A tenant's options: its fixtures' `settings`, then the (checked) vendor options, over the defaults."""
    return resolve(state.extra.get("settings"), vendor_options)
