"""Batch lookup jobs: RQ workers on Redis, or an in-process pool on the embedded default.

``process_lookup`` is the job. It computes each queued subject through
``ReportService.get(..., part="report")`` (cache + single flight), stores the item's result
and recounts ``done``. Running it again only touches items still queued, so a job retried
after a killed worker never redoes finished work.

Upstream politeness: at most ``CANDOR_LOOKUP_CONCURRENCY`` subjects per network are being
computed at once across every worker (a Redis semaphore; a local one without Redis), on top
of the upstream client's per-host connection slots. A subject whose networks answered
"rate limited" is not failed: the network is put in a cooldown that every job honours and
the subject is retried after it.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from typing import Any

from service import recruiter
from service.store import audit, lookups
from service.store.db import Database

log = logging.getLogger("candor.jobs")

QUEUE = "candor-lookups"
JOB_WAIT = 30.0          # seconds one subject may take before we retry it later
MAX_ATTEMPTS = 6         # per subject, rate-limit retries included
MAX_BACKOFF = 60.0
SLOT_TTL = 120.0         # a killed worker's slot frees itself after this long


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

    @contextmanager
    def hold(self, network: str) -> Iterator[None]:
        key, token = f"{self.prefix}slots:{network}", uuid.uuid4().hex
        while not self._acquire(keys=[key], args=[time.time(), self.limit, SLOT_TTL, token]):
            time.sleep(0.02)
        try:
            yield
        finally:
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
def _networks(item: lookups.Item) -> list[str]:
    return sorted({a.split(":", 1)[0] for a in (item.subject, *item.accounts)})


def _compute(reports: Any, item: lookups.Item, base_url: str,
             slots: RedisSlots | LocalSlots) -> tuple[dict | None, list[str]]:
    """(result, rate-limited networks). A None result means "try again later"."""
    visibility = reports.settings.recruiter_visibility
    blocked = recruiter.blocked_status(reports.database, item.subject, visibility)
    if blocked:
        return recruiter.result(item.subject, item.role, item.accounts, blocked, None), []
    with slots.hold(item.subject.split(":", 1)[0]):
        served = reports.get(item.subject, item.role, item.accounts, part="report",
                             base_url=base_url, wait=JOB_WAIT)
    if served.status_code == 202:
        return None, []
    report = json.loads(served.body)
    limited = [d["network"] for d in report.get("degraded") or []
               if d.get("reason") == "rate_limited"]
    if limited:
        from service.cache import cache_key

        # Don't let the degraded report stand in for this subject for minutes.
        reports.cache.purge([cache_key(item.subject, item.role, item.accounts)])
        return None, limited
    return recruiter.result(item.subject, item.role, item.accounts, report["status"], report), []


def _store(database: Database, lookup_id: str, item: lookups.Item, result: dict) -> None:
    with database.session() as session:
        written = lookups.save_result(session, lookup_id, item.position, result)
        lookup = lookups.get(session, lookup_id)
        if written and lookup is not None:
            audit.record(session, key_id=lookup.key_id, subject=item.subject, role=item.role,
                         purpose=lookup.purpose, status=result["status"])


def process_lookup(reports: Any, lookup_id: str, base_url: str,
                   slots: RedisSlots | LocalSlots, *, workers: int | None = None) -> int:
    """Compute every queued item of a lookup; returns how many items this run finished."""
    database: Database = reports.database
    with database.session() as session:
        pending = lookups.pending_items(session, lookup_id)
        lookups.mark_running(session, lookup_id)
    attempts: dict[int, int] = {}
    not_before: dict[int, float] = {}
    finished = 0
    with ThreadPoolExecutor(workers or concurrency(), thread_name_prefix="candor-job") as pool:
        running: dict[Future, lookups.Item] = {}
        queue = list(pending)
        while queue or running:
            now = time.time()
            for item in [i for i in queue if not_before.get(i.position, 0) <= now]:
                cool = max(slots.cooling_until(n) for n in _networks(item))
                if cool > now:
                    not_before[item.position] = cool
                    continue
                queue.remove(item)
                running[pool.submit(_compute, reports, item, base_url, slots)] = item
            if not running:
                time.sleep(min(1.0, max(0.01, min(not_before.values(), default=now) - now)))
                continue
            done, _ = wait(running, timeout=0.25, return_when=FIRST_COMPLETED)
            for future in done:
                item = running.pop(future)
                try:
                    result, limited = future.result()
                except Exception:  # noqa: BLE001 - one subject must not fail the batch
                    log.exception("lookup %s item %s failed", lookup_id, item.position)
                    result, limited = None, []
                if result is None:
                    tries = attempts[item.position] = attempts.get(item.position, 0) + 1
                    if tries >= MAX_ATTEMPTS:
                        result = recruiter.result(item.subject, item.role, item.accounts,
                                                  "unavailable", None)
                    else:
                        backoff = min(MAX_BACKOFF, 2.0 ** (tries - 1))
                        for network in limited:
                            slots.cool_down(network, backoff)
                        not_before[item.position] = time.time() + backoff
                        queue.append(item)
                        continue
                _store(database, lookup_id, item, result)
                finished += 1
    return finished


# -- running jobs ----------------------------------------------------------------------------
_worker_reports: Any = None


def _reports_for_worker() -> Any:
    """The ReportService of this worker process, built once from the environment."""
    global _worker_reports
    if _worker_reports is None:
        from service.cache import ReportCache
        from service.config import Settings
        from service.reports import ReportService
        from service.upstream import Upstream

        settings = Settings.from_env()
        _worker_reports = ReportService(settings, Upstream(settings),
                                        ReportCache.from_settings(settings), Database(settings))
    return _worker_reports


def run_lookup(lookup_id: str, base_url: str) -> int:
    """The RQ job entry point."""
    reports = _reports_for_worker()
    return process_lookup(reports, lookup_id, base_url,
                          slots_for(reports.settings.effective_cache_url))


_pool: ThreadPoolExecutor | None = None
_pool_pid = 0


def _local_pool() -> ThreadPoolExecutor:
    global _pool, _pool_pid
    if _pool is None or _pool_pid != os.getpid():
        _pool = ThreadPoolExecutor(2, thread_name_prefix="candor-lookups")
        _pool_pid = os.getpid()
    return _pool


def enqueue(reports: Any, lookup_id: str, base_url: str) -> Future | None:
    """Queue a lookup: on RQ when the cache is Redis, else on this process's pool."""
    url = reports.settings.effective_cache_url
    if is_redis(url):
        import redis
        from rq import Queue, Retry

        queue = Queue(QUEUE, connection=redis.Redis.from_url(url))
        queue.enqueue_call("service.jobs.run_lookup", args=(lookup_id, base_url),
                           job_id=f"lookup-{lookup_id}", timeout=3600, retry=Retry(max=3),
                           result_ttl=3600)
        return None
    future = _local_pool().submit(process_lookup, reports, lookup_id, base_url, slots_for(url))
    future.add_done_callback(_log_failure)
    return future


def _log_failure(future: Future) -> None:
    if future.exception() is not None:
        log.error("in-process lookup job failed", exc_info=future.exception())
