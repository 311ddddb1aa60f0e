"""`GET /_mock/metrics`: Prometheus text exposition through prometheus-client, one registry per server.

Requests are counted from the access log's background thread (core/accesslog.py), in its batches, so a
request pays nothing for them; sizes (tenants, journal, fault rules) are read when scraped.
"""

from __future__ import annotations

import gc
import threading
import time
from bisect import bisect_left

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.process_collector import ProcessCollector
from prometheus_client.samples import Sample
from prometheus_client.utils import floatToGoString

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
                                "Long-lived objects (fixtures, base worlds, what outlived a full collection)"
                                " the garbage collector no longer walks",
                                value=gc.get_freeze_count())
        replica = GaugeMetricFamily("mockserver_replica_info", "This process among the replicas (--replica-id)",
                                    labels=("replica",))
        replica.add_metric((core.replica,), 1)
        yield replica


class Requests:
    """The requests counter and their latency histogram, exposed as prometheus-client's Counter and Histogram
    expose theirs (same samples, `_created` included), but counted as plain numbers: their own `inc` and
    `observe` take a lock and walk the buckets in Python, ~5 µs of the interpreter lock per request."""

    def __init__(self):
        self._lock = threading.Lock()
        self._counts: dict = {}   # (vendor, status) -> [count, created]
        self._latency: dict = {}  # vendor -> [count per bucket (the last: above every bound), sum, created]

    def observe(self, vendor: str | None, status: int, ms: float) -> None:
        label, seconds = vendor or "", ms / 1000.0
        with self._lock:
            counted = self._counts.get((label, status))
            if counted is None:
                counted = self._counts[(label, status)] = [0, time.time()]
            counted[0] += 1
            timed = self._latency.get(label)
            if timed is None:
                timed = self._latency[label] = [[0] * (len(BUCKETS) + 1), 0.0, time.time()]
            timed[0][bisect_left(BUCKETS, seconds)] += 1  # (a bucket counts what is <= its bound)
            timed[1] += seconds

    def describe(self):
        return []

    def collect(self):
        with self._lock:
            counts = [(key, list(value)) for key, value in self._counts.items()]
            latency = [(label, (list(value[0]), value[1], value[2])) for label, value in self._latency.items()]
        requests = CounterMetricFamily("mockserver_requests", "Requests answered, by vendor and status",
                                       labels=("vendor", "status"))
        for (label, status), (count, created) in counts:
            requests.add_metric((label, str(status)), count, created=created)
        yield requests
        durations = HistogramMetricFamily("mockserver_request_duration_seconds",
                                          "Seconds from a request's arrival to its answer (delay faults included)",
                                          labels=("vendor",))
        for label, (buckets, total, created) in latency:
            cumulative, seen = [], 0
            for bound, count in zip((*BUCKETS, float("inf")), buckets):
                seen += count
                cumulative.append((floatToGoString(bound), seen))
            durations.add_metric((label,), cumulative, total)
            durations.samples.append(Sample("mockserver_request_duration_seconds_created", {"vendor": label}, created))
        yield durations


class Metrics:
    def __init__(self, core):
        self.registry = CollectorRegistry()
        self.requests = Requests()
        self.registry.register(self.requests)
        self.registry.register(Sizes(core))
        ProcessCollector(registry=self.registry)  # memory, CPU, open files (Linux)

    def observe(self, vendor: str | None, status: int, ms: float) -> None:
        """One answered request (called from the access log's thread)."""
        self.requests.observe(vendor, status, ms)

    def render(self) -> tuple[bytes, str]:
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
