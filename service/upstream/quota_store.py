"""Where quota budgets are counted: in process, in files shared by one machine's workers, or
in Redis so every instance shares them.

A bucket is one provider limit as it applies to us (network, resource, API host,
credential). Its state is ``used`` units, the provider's ``limit`` and the epoch second the
window ``reset``\\ s. Two operations, both atomic:

- ``take``: spend ``cost`` units unless that would leave fewer than ``floor`` units (the
  reserve a batch request must leave for interactive ones). A window that has passed starts
  afresh; a bucket never seen starts with the published limit.
- ``correct``: the provider told us where we stand (``X-RateLimit-Remaining``/``-Reset``,
  Stack Exchange's ``quota_remaining``): its numbers replace ours.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Taken:
    ok: bool
    remaining: int  # units left after this take (or now, when refused)
    reset: float  # epoch seconds when the window starts afresh


class QuotaStore(Protocol):
    def take(self, bucket: str, cost: int, limit: int, window: float, reserve: float,
             now: float) -> Taken: ...

    def correct(self, bucket: str, limit: int | None, remaining: int, reset: float | None,
                window: float, now: float) -> None: ...


def _floor(limit: int, reserve: float) -> int:
    return int(limit * reserve + 0.999) if reserve > 0 else 0


class MemoryQuotaStore:
    """One process's count (the embedded default; tests)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state: dict[str, list[float]] = {}  # bucket -> [used, limit, reset]

    def take(self, bucket: str, cost: int, limit: int, window: float, reserve: float,
             now: float) -> Taken:
        with self._lock:
            state = self._state.get(bucket)
            if state is None or state[2] <= now:
                state = self._state[bucket] = [0.0, float(limit), now + window]
            used, known_limit, reset = state
            left = int(known_limit - used)
            if cost > left - _floor(int(known_limit), reserve):
                return Taken(False, max(left, 0), reset)
            state[0] = used + cost
            if len(self._state) > 4096:  # Mastodon instances: forget the expired buckets
                self._state = {k: v for k, v in self._state.items() if v[2] > now}
            return Taken(True, left - cost, reset)

    def correct(self, bucket: str, limit: int | None, remaining: int, reset: float | None,
                window: float, now: float) -> None:
        with self._lock:
            state = self._state.get(bucket)
            if state is None or state[2] <= now:
                state = self._state[bucket] = [0.0, float(limit or 0), now + window]
            if limit:
                state[1] = float(limit)
            if reset is not None and reset > now:
                state[2] = reset
            state[0] = max(0.0, state[1] - remaining)


_RECORD = 128  # bytes: "[used, limit, reset]" padded with spaces


class FileQuotaStore:
    """Shared by the worker processes of one machine (the embedded default, beside the file
    cache): one small JSON file per bucket, read and rewritten under ``flock``."""

    def __init__(self, directory: str | os.PathLike[str]):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.fallback = MemoryQuotaStore()

    @contextlib.contextmanager
    def _locked(self, bucket: str) -> Iterator[list[list[float] | None]]:
        # Opened per call (cheap) rather than cached: a descriptor inherited across a fork
        # would share its flock with the parent. The record is rewritten in place, padded to
        # a fixed width, never truncated: ext4 flushes a truncated-and-rewritten file to disk
        # on close, which costs milliseconds per call.
        name = hashlib.sha256(bucket.encode()).hexdigest()[:32] + ".json"
        fd = os.open(self.directory / name, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # released when the descriptor is closed
            try:
                state = json.loads(os.pread(fd, _RECORD, 0).decode() or "null")
            except ValueError:
                state = None  # a torn write by a killed process: start the bucket afresh
            box = [state if isinstance(state, list) and len(state) == 3 else None]
            yield box
            os.pwrite(fd, json.dumps(box[0]).encode().ljust(_RECORD), 0)
        finally:
            os.close(fd)

    def take(self, bucket: str, cost: int, limit: int, window: float, reserve: float,
             now: float) -> Taken:
        try:
            with self._locked(bucket) as box:
                mem = MemoryQuotaStore()
                if box[0] is not None:
                    mem._state[bucket] = [float(x) for x in box[0]]
                taken = mem.take(bucket, cost, limit, window, reserve, now)
                box[0] = mem._state[bucket]
                return taken
        except OSError as exc:
            log.warning("quota directory unusable, counting in process: %s", exc)
            return self.fallback.take(bucket, cost, limit, window, reserve, now)

    def correct(self, bucket: str, limit: int | None, remaining: int, reset: float | None,
                window: float, now: float) -> None:
        try:
            with self._locked(bucket) as box:
                mem = MemoryQuotaStore()
                if box[0] is not None:
                    mem._state[bucket] = [float(x) for x in box[0]]
                mem.correct(bucket, limit, remaining, reset, window, now)
                box[0] = mem._state[bucket]
        except OSError as exc:
            log.warning("quota directory unusable, counting in process: %s", exc)
            self.fallback.correct(bucket, limit, remaining, reset, window, now)


# KEYS[1] bucket hash; ARGV: cost, limit, window, reserve, now.
_TAKE = """
local s = redis.call('HMGET', KEYS[1], 'used', 'limit', 'reset')
local now = tonumber(ARGV[5])
local used, limit, reset = tonumber(s[1]), tonumber(s[2]), tonumber(s[3])
if not reset or reset <= now then
  used, limit, reset = 0, tonumber(ARGV[2]), now + tonumber(ARGV[3])
  redis.call('HSET', KEYS[1], 'used', 0, 'limit', limit, 'reset', reset)
  redis.call('PEXPIRE', KEYS[1], math.ceil((reset - now) * 1000) + 1000)
end
local reserve = tonumber(ARGV[4])
local floor = 0
if reserve > 0 then floor = math.floor(limit * reserve + 0.999) end
local left = limit - used
local cost = tonumber(ARGV[1])
if cost > left - floor then return {0, left, tostring(reset)} end
redis.call('HINCRBY', KEYS[1], 'used', cost)
return {1, left - cost, tostring(reset)}
"""

# KEYS[1]; ARGV: limit (0 = keep), remaining, reset (0 = keep), window, now.
_CORRECT = """
local s = redis.call('HMGET', KEYS[1], 'limit', 'reset')
local now = tonumber(ARGV[5])
local limit, reset = tonumber(s[1]), tonumber(s[2])
if not reset or reset <= now then
  limit, reset = 0, now + tonumber(ARGV[4])
end
if tonumber(ARGV[1]) > 0 then limit = tonumber(ARGV[1]) end
if tonumber(ARGV[3]) > now then reset = tonumber(ARGV[3]) end
local used = limit - tonumber(ARGV[2])
if used < 0 then used = 0 end
redis.call('HSET', KEYS[1], 'used', used, 'limit', limit, 'reset', reset)
redis.call('PEXPIRE', KEYS[1], math.ceil((reset - now) * 1000) + 1000)
return 1
"""


class RedisQuotaStore:
    """Shared by every instance on one Redis. If Redis fails, this process counts alone
    (and logs it) rather than failing reports or calling without any count."""

    def __init__(self, url: str, *, prefix: str = "candor:quota:"):
        import redis

        self._errors = (redis.RedisError, OSError)
        self.client = redis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)
        self.prefix = prefix
        self._take = self.client.register_script(_TAKE)
        self._correct = self.client.register_script(_CORRECT)
        self.fallback = MemoryQuotaStore()

    def take(self, bucket: str, cost: int, limit: int, window: float, reserve: float,
             now: float) -> Taken:
        try:
            ok, left, reset = self._take(keys=[self.prefix + bucket],
                                         args=[cost, limit, window, reserve, now])
        except self._errors as exc:
            log.warning("quota store unreachable, counting in process: %s", exc)
            return self.fallback.take(bucket, cost, limit, window, reserve, now)
        return Taken(bool(ok), int(left), float(reset))

    def correct(self, bucket: str, limit: int | None, remaining: int, reset: float | None,
                window: float, now: float) -> None:
        try:
            self._correct(keys=[self.prefix + bucket],
                          args=[limit or 0, remaining, reset or 0, window, now])
        except self._errors as exc:
            log.warning("quota store unreachable, counting in process: %s", exc)
            self.fallback.correct(bucket, limit, remaining, reset, window, now)
