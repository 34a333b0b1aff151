"""``ReportCache``: fresh / stale-while-revalidate / single-flight / stale-if-error over a backend.

Read path: L1 (in-process, ~1.5 s, dropped on any purge anywhere) → backend. States of
:meth:`ReportCache.get_or_compute`:

* ``hit``     fresh entry.
* ``stale``   past ``fresh_until``, before ``stale_until``: returned at once, one background
              refresh is started (unless one ran and failed recently: ``refresh_backoff``).
* ``miss``    nothing usable; computed now, the caller waited at most ``wait`` seconds.
* ``pending`` the computation did not finish within ``wait``; it goes on in the background
              and stores its result, so a later call gets ``hit``.

Single flight: callers in one process share one future per key; across processes and
machines the backend lock (Redis ``SET NX PX`` / ``flock``) admits one computer while the
others poll the backend for its result. A compute that returns a degraded envelope never
replaces a usable non-degraded one (stale-if-error); a compute that raises stores nothing.

Failures: every backend error raises :class:`CacheUnavailable` and opens a short circuit
breaker, during which calls raise at once instead of waiting on a dead backend. Callers
fail closed (DB snapshot or 503), never "compute without the cache".
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from service.cache.backends import Backend, CacheUnavailable
from service.cache.envelope import Envelope
from service.cache.factory import backend_from_url
from service.cache.keys import PREFIX, normalize_subject, subject_of
from service.cache.singleflight import L1, Flights

log = logging.getLogger(__name__)

STAT_NAMES = (
    "hits", "l1_hits", "stale", "misses", "pending", "computes", "refreshes",
    "kept_stale", "errors", "unavailable",
)  # fmt: skip


class ReportCache:
    def __init__(
        self,
        backend: Backend,
        *,
        l1_ttl: float = 1.5,
        l1_size: int = 2048,
        lock_ttl: float = 30.0,
        poll_interval: float = 0.025,
        breaker_cooldown: float = 2.0,
        refresh_backoff: float = 60.0,
        workers: int = 8,
        max_pending: int = 64,
    ):
        self.backend = backend
        self.lock_ttl = lock_ttl
        self.poll_interval = poll_interval
        self.breaker_cooldown = breaker_cooldown
        self.refresh_backoff = refresh_backoff
        self.stats: dict[str, int] = dict.fromkeys(STAT_NAMES, 0)
        self._stats_lock = threading.Lock()
        self._l1 = L1(l1_size, l1_ttl)
        self._flights = Flights(workers, max_pending)
        self._down_until = 0.0
        self._backoff: dict[str, float] = {}

    @classmethod
    def from_url(cls, url: str, *, prefix: str = "", **options: Any) -> ReportCache:
        return cls(backend_from_url(url, prefix=prefix), **options)

    @classmethod
    def from_settings(cls, settings: Any, **options: Any) -> ReportCache:
        return cls.from_url(settings.effective_cache_url, **options)

    # --- bookkeeping ---------------------------------------------------------------------

    def _count(self, name: str, n: int = 1) -> None:
        with self._stats_lock:
            self.stats[name] += n

    def _call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """A backend call behind the circuit breaker."""
        if time.monotonic() < self._down_until:
            self._count("unavailable")
            raise CacheUnavailable("cache backend circuit open")
        try:
            return fn(*args, **kwargs)
        except CacheUnavailable:
            self._down_until = time.monotonic() + self.breaker_cooldown
            self._count("unavailable")
            raise

    def _epoch(self) -> object | None:
        try:
            return self.backend.l1_epoch()
        except Exception:  # an epoch we cannot read means: do not trust L1
            return None

    def _read(self, key: str, subject: str) -> Envelope | None:
        blob = self._call(self.backend.get, key, subject)
        if blob is None:
            return None
        try:
            env = Envelope.decode(blob)
        except ValueError:
            log.warning("undecodable cache entry %s ignored", key)
            self._count("errors")
            return None
        return env if env.is_usable() else None

    # --- plain access --------------------------------------------------------------------

    def get(self, key: str) -> Envelope | None:
        """The usable (fresh or stale) envelope for ``key``, or None."""
        epoch = self._epoch()
        if epoch is not None:
            env = self._l1.get(key, epoch)
            if env is not None and env.is_usable():
                self._count("l1_hits")
                return env
        env = self._read(key, subject_of(key))
        if env is not None and epoch is not None:
            self._l1.put(key, env, epoch)
        return env

    def put(self, key: str, env: Envelope) -> None:
        """Store ``env`` unconditionally (until its ``stale_until``)."""
        self._store(key, subject_of(key), env, gen=None, keep_good=False)

    def _store(
        self, key: str, subject: str, env: Envelope, *, gen: int | None, keep_good: bool
    ) -> tuple[Envelope, bool]:
        """Write ``env``; returns (envelope to serve, kept_previous)."""
        if keep_good and env.degraded:
            cur = self._read(key, subject)
            if cur is not None and not cur.degraded:
                self._count("kept_stale")
                return cur, True
        ttl = env.stale_until - time.time()
        if ttl <= 0:
            return env, False
        epoch = self._epoch()
        stored = self._call(self.backend.set, key, subject, env.encode(), ttl, gen)
        if stored and epoch is not None:
            self._l1.put(key, env, epoch)
        elif not stored:
            log.info("not caching %s: subject purged while computing", key)
        return env, False

    def purge(self, prefix_or_keys: str | Iterable[str]) -> int:
        """Opt-out: a subject (``github:octocat``, optionally with the ``candor:v1:`` prefix)
        drops every role and account variant; an iterable drops exactly those keys. Every
        instance stops serving them from L1 (see ``l1_epoch`` of the backend); computations
        already running for the subject will not store their results. Not behind the
        breaker: an opt-out is always attempted. Returns the number of entries deleted."""
        self._l1.clear()
        try:
            if isinstance(prefix_or_keys, str):
                subject = prefix_or_keys
                if subject.startswith(PREFIX):
                    subject = subject[len(PREFIX) :]
                return self.backend.purge_subject(normalize_subject(subject))
            pairs = [(k, subject_of(k)) for k in prefix_or_keys]
            return self.backend.purge_keys(pairs)
        finally:
            self._l1.clear()

    def healthy(self) -> bool:
        if time.monotonic() < self._down_until:
            return False
        try:
            self._call(self.backend.ping)
        except CacheUnavailable:
            return False
        return True

    def close(self) -> None:
        self._flights.shutdown()
        self.backend.close()

    # --- get_or_compute ------------------------------------------------------------------

    def get_or_compute(
        self, key: str, compute: Callable[[], Envelope], *, wait: float
    ) -> tuple[Envelope | None, str]:
        """See the module docstring. Raises :class:`CacheUnavailable` when the backend is
        down, and re-raises what ``compute`` raised when the caller waited for it."""
        subject = subject_of(key)
        env = self.get(key)
        now = time.time()
        if env is not None and env.is_fresh(now):
            self._count("hits")
            return env, "hit"
        if env is not None:
            self._count("stale")
            self._schedule_refresh(key, subject, compute)
            return env, "stale"
        self._count("misses")
        fut = self._flights.start(key, lambda: self._flight(key, subject, compute, refresh=False))
        assert fut is not None
        try:
            result = fut.result(timeout=max(0.0, wait))
        except TimeoutError:
            self._count("pending")
            return None, "pending"
        if result is None:  # the other computer vanished without a result
            self._count("pending")
            return None, "pending"
        env, kept = result
        return env, "stale" if kept else "miss"

    def _schedule_refresh(self, key: str, subject: str, compute: Callable[[], Envelope]) -> None:
        now = time.monotonic()
        if self._backoff.get(key, 0.0) > now:
            return
        self._flights.start(
            "refresh:" + key, lambda: self._refresh(key, subject, compute), optional=True
        )

    def _refresh(self, key: str, subject: str, compute: Callable[[], Envelope]) -> None:
        try:
            result = self._flight(key, subject, compute, refresh=True)
        except Exception:
            # Counted where it happened (compute: "errors", backend: "unavailable").
            log.exception("background refresh of %s failed", key)
            result = None
            self._set_backoff(key)
        if result is None:
            return
        self._count("refreshes")
        env, kept = result
        if kept or env.degraded:
            self._set_backoff(key)

    def _set_backoff(self, key: str) -> None:
        if len(self._backoff) > 4096:  # bounded: forget the oldest backoffs wholesale
            self._backoff.clear()
        self._backoff[key] = time.monotonic() + self.refresh_backoff

    def _adopt(self, key: str, env: Envelope) -> tuple[Envelope, bool]:
        """A fresh result computed by someone else: replace our (older) L1 copy with it."""
        epoch = self._epoch()
        if epoch is not None:
            self._l1.put(key, env, epoch)
        return env, False

    def _flight(
        self, key: str, subject: str, compute: Callable[[], Envelope], *, refresh: bool
    ) -> tuple[Envelope, bool] | None:
        """Run in the pool. Take the backend lock and compute, or wait for whoever has it.
        A refresh that finds the lock taken gives up: someone else is refreshing."""
        deadline = time.monotonic() + self.lock_ttl
        while True:
            token = self._call(self.backend.try_lock, key, self.lock_ttl)
            if token is not None:
                try:
                    cur = self._read(key, subject)
                    if cur is not None and cur.is_fresh():
                        return self._adopt(key, cur)  # finished elsewhere just before
                    gen = self._call(self.backend.generation, subject)
                    self._count("computes")
                    try:
                        env = compute()
                    except Exception:
                        self._count("errors")
                        raise
                    if not isinstance(env, Envelope):
                        raise TypeError(f"compute returned {type(env).__name__}, not Envelope")
                    return self._store(key, subject, env, gen=gen, keep_good=True)
                finally:
                    self.backend.unlock(key, token)
            if refresh:
                return None
            cur = self._read(key, subject)
            if cur is not None and cur.is_fresh():
                return self._adopt(key, cur)
            if time.monotonic() > deadline:
                return None
            time.sleep(self.poll_interval)
