"""`GET /_mock/metrics`: Prometheus text exposition through prometheus-client, one registry per server.

Requests are counted from the access log's background thread (core/accesslog.py), in its batches, so a
request pays nothing for them; sizes (tenants, journal, fault rules) are read when scraped.
"""

from __future__ import annotations

import gc

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.process_collector import ProcessCollector

# a mock answers in microseconds to milliseconds; delay faults reach a minute
BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
CONTROL = "_mock"  # the vendor label of control-API calls; "" is a request no vendor took (a wrong base URL)


class Sizes:
    """Gauges read from the core at scrape time."""

    def __init__(self, core):
        self.core = core

    def describe(self):
        return []  # known only when collected (the registry must not collect at registration)

    def collect(self):
        core = self.core
        yield GaugeMetricFamily("mockserver_tenants", "Tenants the server holds (data, clock or last use)",
                                value=len(core.store.tenants()))
        yield GaugeMetricFamily("mockserver_tenants_max", "Tenants kept before the least recently used is evicted",
                                value=core.store.max_tenants)
        yield GaugeMetricFamily("mockserver_journal_entries", "Requests held in the journal", value=len(core.journal))
        yield GaugeMetricFamily("mockserver_journal_bytes", "Bytes the journal holds, about",
                                value=core.journal.bytes)
        yield GaugeMetricFamily("mockserver_fault_rules", "Fault rules in force", value=len(core.faults.list()))
        yield GaugeMetricFamily("mockserver_heap_settled_objects",
                                "Long-lived objects (fixtures, base worlds) the garbage collector no longer walks",
                                value=gc.get_freeze_count())
        replica = GaugeMetricFamily("mockserver_replica_info", "This process among the replicas (--replica-id)",
                                    labels=("replica",))
        replica.add_metric((core.replica,), 1)
        yield replica


class Metrics:
    def __init__(self, core):
        self.registry = CollectorRegistry()
        self.requests = Counter("mockserver_requests", "Requests answered, by vendor and status",
                                ("vendor", "status"), registry=self.registry)
        self.latency = Histogram("mockserver_request_duration_seconds",
                                 "Seconds from a request's arrival to its answer (delay faults included)",
                                 ("vendor",), buckets=BUCKETS, registry=self.registry)
        self.registry.register(Sizes(core))
        ProcessCollector(registry=self.registry)  # memory, CPU, open files (Linux)
        self._counters: dict = {}
        self._histograms: dict = {}

    def observe(self, vendor: str | None, status: int, ms: float) -> None:
        """One answered request (called from the access log's thread)."""
        label = vendor or ""
        key = (label, status)
        counter = self._counters.get(key)
        if counter is None:  # labels() takes a lock and builds a key: once per (vendor, status)
            counter = self._counters[key] = self.requests.labels(label, str(status))
        counter.inc()
        histogram = self._histograms.get(label)
        if histogram is None:
            histogram = self._histograms[label] = self.latency.labels(label)
        histogram.observe(ms / 1000.0)

    def render(self) -> tuple[bytes, str]:
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
