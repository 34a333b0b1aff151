"""Prometheus metrics: requests by endpoint, cache outcomes, upstream calls by network.

Request metrics are recorded per process (gunicorn workers each answer for themselves);
cache and upstream counters are read from the live objects at scrape time.
"""

from __future__ import annotations

import time
import weakref

from flask import Flask, g, request
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST

REGISTRY = CollectorRegistry()
REQUESTS = Counter("candor_http_requests_total", "HTTP requests",
                   ["endpoint", "method", "status"], registry=REGISTRY)
LATENCY = Histogram("candor_http_request_seconds", "HTTP request latency", ["endpoint"],
                    registry=REGISTRY,
                    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5))

_apps: weakref.WeakSet[Flask] = weakref.WeakSet()
# Any token is a valid HTTP method to werkzeug; label values must come from a fixed set or
# a client can create a new time series per request.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def method_label(method: str) -> str:
    return method if method in METHODS else "other"


def status_label(status: int) -> str:
    return str(status) if 100 <= status <= 599 else "other"


class _LiveCounters:
    """Reads cache.stats and upstream.stats of the apps in this process at scrape time."""

    def collect(self):
        revalidated = CounterMetricFamily("candor_upstream_revalidated",
                                          "Upstream 304 revalidations", labels=["network"])
        cache = CounterMetricFamily("candor_cache_events", "Report cache events", labels=["event"])
        calls = CounterMetricFamily("candor_upstream_calls", "Upstream calls", labels=["network"])
        errors = CounterMetricFamily("candor_upstream_errors", "Upstream errors",
                                     labels=["network", "kind"])
        totals: dict[tuple, float] = {}
        for app in _apps:
            svc = app.extensions["candor"]
            for event, value in dict(getattr(svc.cache, "stats", {}) or {}).items():
                totals[("cache", event)] = totals.get(("cache", event), 0) + value
            for network, counters in _upstream_stats(svc.upstream).items():
                flat = {k: v for k, v in counters.items() if not isinstance(v, dict)}
                for kind, value in (counters.get("errors") or {}).items():
                    flat[f"error:{kind}"] = value
                for name, value in flat.items():
                    totals[("up", network, name)] = totals.get(("up", network, name), 0) + value
        for key, value in sorted(totals.items()):
            if key[0] == "cache":
                cache.add_metric([key[1]], value)
            elif key[2] == "calls":
                calls.add_metric([key[1]], value)
            elif key[2] == "revalidated":
                revalidated.add_metric([key[1]], value)
            elif key[2].startswith("error"):
                errors.add_metric([key[1], key[2].partition(":")[2] or "error"], value)
        yield cache
        yield calls
        yield errors
        yield revalidated


def _upstream_stats(upstream: object) -> dict[str, dict[str, float]]:
    stats = getattr(upstream, "stats", None)
    if stats is None:
        return {}
    if hasattr(stats, "snapshot"):
        stats = stats.snapshot()
    return {str(k): dict(v) for k, v in dict(stats).items() if isinstance(v, dict)}


REGISTRY.register(_LiveCounters())


def init_app(app: Flask) -> None:
    _apps.add(app)

    @app.before_request
    def _start() -> None:
        g.candor_started = time.perf_counter()

    @app.after_request
    def _record(response):
        rule = request.url_rule.rule if request.url_rule else "unmatched"
        REQUESTS.labels(rule, method_label(request.method),
                        status_label(response.status_code)).inc()
        started = g.get("candor_started")
        if started is not None:
            LATENCY.labels(rule).observe(time.perf_counter() - started)
        return response


def render() -> tuple[bytes, str]:
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
