"""qTest's domain as plain functions of (record, now): dates, hosts, jobs, the upload queue, options.

Nothing here reads a request or builds an HTTP error: the resource modules do (errors.py words them).
"""

from __future__ import annotations

from . import agent_query, dates, hosts, jobs, options, queue, suites

__all__ = ["agent_query", "dates", "hosts", "jobs", "options", "queue", "suites"]
