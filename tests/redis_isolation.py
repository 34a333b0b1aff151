"""Redis databases of this test run's own, on the machine's shared Redis server.

Several test runs (and benchmarks) share one Redis server, so no test may empty a database
another run could be using. Each run *claims* a database number instead: a lock key
``SET NX`` with a TTL in db 0, kept alive by a thread while the run lives and deleted at its
end (a killed run's claim simply expires). Only the claimant ever flushes a claimed database.

Numbers 8 and 11 are never claimed: they are the benchmarks' defaults (``bench/``), which
flush them. Db 0 holds only the claim keys here (the cache tests use per-test key prefixes).

Redis is part of every developer and CI machine: :func:`server_missing` skips locally when it
is unreachable, but fails the test under ``CI=true`` so a missing server never passes silently.
"""

from __future__ import annotations

import os
import random
import threading
import time
import uuid
from dataclasses import dataclass, field

import pytest
import redis

HOST_URL = os.environ.get("CANDOR_TEST_REDIS_HOST_URL", "redis://127.0.0.1:6379")
RESERVED = frozenset({0, 8, 11})  # claim keys; the benchmarks' databases
CLAIM_KEY = "candor-test:db-claim:{}"
CLAIM_TTL = 90  # seconds a claim outlives a killed run
CLAIM_WAIT = 180.0  # how long to wait for a free database when every one is claimed

# Compare-and-set scripts: only the run holding the claim may extend or release it.
_EXTEND = "if redis.call('get', KEYS[1]) == ARGV[1] then " \
          "return redis.call('expire', KEYS[1], ARGV[2]) else return 0 end"
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then " \
           "return redis.call('del', KEYS[1]) else return 0 end"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def server_missing(message: str) -> None:
    """A test server is unreachable: fail under ``CI=true``, skip otherwise."""
    if in_ci():
        pytest.fail(f"{message} (CI=true: a missing server fails the run)", pytrace=False)
    pytest.skip(message)


def ping_or_missing(url: str = HOST_URL) -> None:
    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        server_missing(f"Redis not reachable at {url}: {exc}")
    finally:
        client.close()


@dataclass
class Claim:
    """One claimed database: ``url`` points into it; :meth:`flush` empties it (ours only)."""

    index: int
    token: str
    url: str
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def flush(self) -> None:
        client = redis.Redis.from_url(self.url, socket_timeout=5)
        try:
            client.flushdb()
        finally:
            client.close()

    def release(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        try:
            self.flush()
            with _lock_client() as client:
                client.eval(_RELEASE, 1, CLAIM_KEY.format(self.index), self.token)
        except redis.RedisError:
            pass  # the claim expires on its own

    def _keep_alive(self) -> None:
        while not self._stop.wait(CLAIM_TTL / 3):
            try:
                with _lock_client() as client:
                    held = client.eval(_EXTEND, 1, CLAIM_KEY.format(self.index), self.token,
                                       CLAIM_TTL)
            except redis.RedisError:
                continue
            if not held:
                return  # lost (Redis restarted?): the tests using it will see odd data


class _lock_client:  # noqa: N801 - used as a context manager like a function
    def __enter__(self) -> redis.Redis:
        self.client = redis.Redis.from_url(f"{HOST_URL}/0", socket_timeout=5)
        return self.client

    def __exit__(self, *exc) -> None:
        self.client.close()


def _database_count(client: redis.Redis) -> int:
    try:
        return int(client.config_get("databases").get("databases", 16))
    except redis.RedisError:
        return 16  # CONFIG may be disabled; Redis' default


def claim(wait: float = CLAIM_WAIT) -> Claim:
    """Claim a free database number (preferring empty ones) and keep the claim alive."""
    ping_or_missing()
    token = f"{os.getpid()}-{uuid.uuid4().hex}"
    deadline = time.monotonic() + wait
    with _lock_client() as client:
        numbers = [n for n in range(_database_count(client)) if n not in RESERVED]
        while True:
            random.shuffle(numbers)
            # First pass: only empty databases (a database with keys but no claim may be a
            # benchmark's or a killed run's); second pass: any unclaimed one, flushed first.
            for only_empty in (True, False):
                for n in numbers:
                    key = CLAIM_KEY.format(n)
                    if not client.set(key, token, nx=True, ex=CLAIM_TTL):
                        continue
                    db = redis.Redis.from_url(f"{HOST_URL}/{n}", socket_timeout=5)
                    try:
                        if only_empty and db.dbsize():
                            client.eval(_RELEASE, 1, key, token)
                            continue
                        db.flushdb()
                    finally:
                        db.close()
                    found = Claim(n, token, f"{HOST_URL}/{n}")
                    found._thread = threading.Thread(target=found._keep_alive, daemon=True,
                                                     name=f"redis-claim-{n}")
                    found._thread.start()
                    return found
            if time.monotonic() > deadline:
                pytest.fail(f"no free Redis database on {HOST_URL} after {wait:.0f} s "
                            f"(all of {numbers} are claimed by other runs)", pytrace=False)
            time.sleep(1.0)  # polling other runs' claims, bounded by the deadline above
