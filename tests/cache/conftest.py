"""Fixtures for the report cache: real backends (a tmp dir, the local Redis) and compute helpers."""

from __future__ import annotations

import os
import threading
import time
import uuid

import pytest
import redis

from service.cache import Envelope, ReportCache
from tests.redis_isolation import server_missing

REDIS_URL = os.environ.get("CANDOR_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_available() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def redis_prefix():
    """A key prefix of this test's own; every key under it is deleted afterwards."""
    if not redis_available():
        server_missing("Redis not reachable at " + REDIS_URL)  # fails under CI=true
    prefix = f"candor-test-{uuid.uuid4().hex[:12]}:"
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    for name in client.scan_iter(match=prefix + "*", count=500):
        client.delete(name)
    client.close()


@pytest.fixture(params=["file", pytest.param("redis", marks=pytest.mark.redis)])
def backend_kind(request):
    return request.param


@pytest.fixture
def make_cache(backend_kind, tmp_path, request):
    """Factory of ReportCache instances that all share one store (like separate app instances)."""
    made: list[ReportCache] = []
    if backend_kind == "redis":
        prefix = request.getfixturevalue("redis_prefix")
        url = REDIS_URL
    else:
        prefix = ""
        url = f"file://{tmp_path / 'cache'}"

    def make(**options) -> ReportCache:
        cache = ReportCache.from_url(url, prefix=prefix, **options)
        made.append(cache)
        return cache

    make.url = url
    make.prefix = prefix
    yield make
    for cache in made:
        cache.close()


def envelope(tag: str = "a", *, degraded: bool = False, age: float = 0.0, fresh=None) -> Envelope:
    return Envelope.build(
        f'{{"report":"{tag}"}}'.encode(),
        f'{{"badge":"{tag}"}}'.encode(),
        "scored",
        degraded=degraded,
        computed_at=time.time() - age,
        fresh=fresh,
    )


def stale_envelope(tag: str = "old") -> Envelope:
    """Computed 100 s ago, fresh for ~10 s: now stale but well inside the stale window."""
    return envelope(tag, age=100.0, fresh=10.0)


class Compute:
    """A compute callable that counts its calls (thread-safe) and can be slow or fail."""

    def __init__(self, tag="new", *, delay=0.0, degraded=False, error: Exception | None = None):
        self.tag, self.delay, self.degraded, self.error = tag, delay, degraded, error
        self.calls = 0
        self._lock = threading.Lock()
        self.done = threading.Event()

    def __call__(self) -> Envelope:
        with self._lock:
            self.calls += 1
        try:
            time.sleep(self.delay)
            if self.error is not None:
                raise self.error
            return envelope(self.tag, degraded=self.degraded)
        finally:
            self.done.set()


def wait_until(predicate, timeout: float = 3.0, step: float = 0.01) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return bool(predicate())
