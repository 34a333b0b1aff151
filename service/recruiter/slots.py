"""Per-network slots shared by every lookup worker, and the leases that mark a job alive.

At most ``CANDOR_LOOKUP_CONCURRENCY`` subjects per network are computed at once across all
workers (a Redis semaphore that expires, so a killed worker's slots lapse), or per process
without Redis. Networks that answered "rate limited" get a cooldown every job honours.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

LEASE_TTL = 10.0         # a killed worker's lookup is resumed this long after its last renewal
SLOT_TTL = LEASE_TTL     # a killed worker's slots free themselves after this long


def concurrency() -> int:
    return max(1, int(os.environ.get("CANDOR_LOOKUP_CONCURRENCY", "8")))


# -- per-network slots and cooldowns ---------------------------------------------------------
_ACQUIRE = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[3]))
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
  redis.call('PEXPIRE', KEYS[1], math.floor(tonumber(ARGV[3]) * 1000))
  return 1
end
return 0
"""


class RedisSlots:
    """A counting semaphore and a cooldown per network, shared by every worker."""

    def __init__(self, url: str, limit: int, prefix: str = "candor:lookups:"):
        import redis

        self.client = redis.Redis.from_url(url)
        self.limit = limit
        self.prefix = prefix
        self._acquire = self.client.register_script(_ACQUIRE)
        self._held: set[tuple[str, str]] = set()
        self._held_lock = threading.Lock()

    @contextmanager
    def hold(self, network: str) -> Iterator[None]:
        key, token = f"{self.prefix}slots:{network}", uuid.uuid4().hex
        while not self._acquire(keys=[key], args=[time.time(), self.limit, SLOT_TTL, token]):
            time.sleep(0.02)
        with self._held_lock:
            self._held.add((key, token))
        try:
            yield
        finally:
            with self._held_lock:
                self._held.discard((key, token))
            self.client.zrem(key, token)

    def cool_down(self, network: str, seconds: float) -> None:
        until = time.time() + seconds
        key = f"{self.prefix}cool:{network}"
        # Keep the later of two cooldowns.
        current = float(self.client.get(key) or 0)
        if until > current:
            self.client.set(key, str(until), px=int(seconds * 1000) + 1)

    def cooling_until(self, network: str) -> float:
        return float(self.client.get(f"{self.prefix}cool:{network}") or 0)

    def renew_lease(self, lookup_id: str) -> None:
        """Say "a live process is running this lookup" for the next LEASE_TTL seconds, and
        keep this process's slots: only a dead process's slots lapse."""
        ttl = int(LEASE_TTL * 1000)
        with self._held_lock:
            held = list(self._held)
        pipe = self.client.pipeline(transaction=False)
        pipe.set(f"{self.prefix}lease:{lookup_id}", "1", px=ttl)
        for key, token in held:
            pipe.zadd(key, {token: time.time()}, xx=True)
            pipe.pexpire(key, ttl)
        pipe.execute()

    def drop_lease(self, lookup_id: str) -> None:
        self.client.delete(f"{self.prefix}lease:{lookup_id}")


class LocalSlots:
    """The same, for one process (embedded default without Redis)."""

    def __init__(self, limit: int):
        self.limit = limit
        self._lock = threading.Lock()
        self._sems: dict[str, threading.BoundedSemaphore] = {}
        self._cool: dict[str, float] = {}

    @contextmanager
    def hold(self, network: str) -> Iterator[None]:
        with self._lock:
            sem = self._sems.setdefault(network, threading.BoundedSemaphore(self.limit))
        with sem:
            yield

    def cool_down(self, network: str, seconds: float) -> None:
        with self._lock:
            self._cool[network] = max(self._cool.get(network, 0.0), time.time() + seconds)

    def cooling_until(self, network: str) -> float:
        return self._cool.get(network, 0.0)

    # One process: nobody else could resume its lookups, so there is no lease to keep.
    def renew_lease(self, lookup_id: str) -> None:
        pass

    def drop_lease(self, lookup_id: str) -> None:
        pass


def is_redis(url: str) -> bool:
    return url.startswith(("redis://", "rediss://"))


_local_slots: LocalSlots | None = None


def slots_for(cache_url: str) -> RedisSlots | LocalSlots:
    global _local_slots
    if is_redis(cache_url):
        return RedisSlots(cache_url, concurrency())
    if _local_slots is None:
        _local_slots = LocalSlots(concurrency())
    return _local_slots


# -- the job ---------------------------------------------------------------------------------
