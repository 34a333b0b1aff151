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

Killed workers: a running job keeps a short lease in Redis (``candor:lookups:lease:<id>``,
renewed every few seconds). ``candor worker`` sweeps every few seconds for lookups that are
not done, hold no lease and are not waiting in the queue, and enqueues them again; the new
run only computes the items still queued. RQ's own abandoned-job retry (after its heartbeat
TTL, minutes later) may run the job once more, which is harmless for the same reason.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import timedelta
from typing import Any

import service.recruiter as recruiter
from service.recruiter.slots import (  # noqa: F401 - re-exported for the worker command and tests
    LEASE_TTL,
    LocalSlots,
    RedisSlots,
    concurrency,
    is_redis,
    slots_for,
)
from service.store import lookups
from service.store.db import Database

log = logging.getLogger("candor.jobs")

QUEUE = "candor-lookups"
JOB_WAIT = 30.0          # seconds one subject may take before we retry it later
MAX_ATTEMPTS = 6         # per subject, rate-limit retries included
MAX_BACKOFF = 60.0
LEASE_RENEW = 2.0        # the running job renews its lease and its held slots this often
RESUME_AFTER = 2.0       # younger lookups may still be being enqueued by their POST
MAX_RESUMES = 5          # a lookup that kills its worker every time is finished as unavailable


def _networks(item: lookups.Item) -> list[str]:
    return sorted({a.split(":", 1)[0] for a in (item.subject, *item.accounts)})


def _compute(reports: Any, item: lookups.Item, base_url: str,
             slots: RedisSlots | LocalSlots) -> tuple[dict | None, list[str]]:
    """(result, rate-limited networks). A None result means "try again later"."""
    visibility = reports.settings.recruiter_visibility
    blocked = recruiter.blocked_status(reports.database, item.subject, visibility)
    if blocked:
        return recruiter.result(item.subject, item.role, item.accounts, blocked, None), []
    from service.upstream import quota

    with slots.hold(item.subject.split(":", 1)[0]), quota.batch():  # hovers go first
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
            # One entry per fetched account: each person sees this look-up in their log.
            recruiter.record_audit(session, key_id=lookup.key_id, result_=result,
                                   purpose=lookup.purpose)


def process_lookup(reports: Any, lookup_id: str, base_url: str,
                   slots: RedisSlots | LocalSlots, *, workers: int | None = None) -> int:
    """Compute every queued item of a lookup; returns how many items this run finished."""
    database: Database = reports.database
    slots.renew_lease(lookup_id)
    try:
        return _process(database, reports, lookup_id, base_url, slots, workers)
    finally:
        slots.drop_lease(lookup_id)


def _process(database: Database, reports: Any, lookup_id: str, base_url: str,
             slots: RedisSlots | LocalSlots, workers: int | None) -> int:
    with database.session() as session:
        pending = lookups.pending_items(session, lookup_id)
        lookups.mark_running(session, lookup_id)
    renewed = time.monotonic()
    attempts: dict[int, int] = {}
    not_before: dict[int, float] = {}
    finished = 0
    with ThreadPoolExecutor(workers or concurrency(), thread_name_prefix="candor-job") as pool:
        running: dict[Future, lookups.Item] = {}
        queue = list(pending)
        while queue or running:
            if time.monotonic() - renewed > LEASE_RENEW:
                slots.renew_lease(lookup_id)
                renewed = time.monotonic()
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
        from service.upstream import Upstream
        from service.web.reports import ReportService

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

        _rq_enqueue(redis.Redis.from_url(url), lookup_id, base_url)
        return None
    future = _local_pool().submit(process_lookup, reports, lookup_id, base_url, slots_for(url))
    future.add_done_callback(_log_failure)
    return future


def _rq_enqueue(client: Any, lookup_id: str, base_url: str) -> None:
    from rq import Queue, Retry

    Queue(QUEUE, connection=client).enqueue_call(
        "service.recruiter.jobs.run_lookup", args=(lookup_id, base_url),
        job_id=f"lookup-{lookup_id}",
        timeout=3600, retry=Retry(max=3), result_ttl=3600)


# -- resuming what a killed worker left ------------------------------------------------------
SWEEP_EVERY = 3.0
_PREFIX = "candor:lookups:"


def resume_stalled(database: Database, cache_url: str) -> list[str]:
    """Enqueue again every unfinished lookup that no live process is running and that is not
    waiting in the queue (its worker was killed, or its POST died before enqueueing it).
    Returns the ids enqueued."""
    import redis
    from sqlalchemy import select

    from service.store.models import Lookup, utcnow

    cutoff = utcnow() - timedelta(seconds=RESUME_AFTER)
    with database.session() as session:
        ids = list(session.scalars(select(Lookup.id).where(Lookup.status != "done",
                                                           Lookup.created_at < cutoff)))
    if not ids:
        return []
    from rq import Queue

    client = redis.Redis.from_url(cache_url)
    try:
        waiting = set(Queue(QUEUE, connection=client).get_job_ids())
        resumed = []
        for lookup_id in ids:
            if f"lookup-{lookup_id}" in waiting:
                continue
            # NX on the lease: a live run holds it, and of several sweeping workers only
            # one re-enqueues. It lapses while the job waits, but then it is in the queue.
            if not client.set(f"{_PREFIX}lease:{lookup_id}", "resume", nx=True,
                              px=int(LEASE_TTL * 1000)):
                continue
            resumes_key = f"{_PREFIX}resumes:{lookup_id}"
            resumes = client.incr(resumes_key)
            client.expire(resumes_key, 86400)
            if resumes > MAX_RESUMES:
                log.error("lookup %s stalled %d times; finishing it as unavailable",
                          lookup_id, resumes - 1)
                _give_up(database, lookup_id)
                continue
            log.warning("lookup %s has no live worker; enqueueing it again", lookup_id)
            _rq_enqueue(client, lookup_id, _base_url(client, lookup_id))
            resumed.append(lookup_id)
        return resumed
    finally:
        client.close()


def _base_url(client: Any, lookup_id: str) -> str:
    """The base URL the lookup was first enqueued with (its links point there)."""
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    try:
        return Job.fetch(f"lookup-{lookup_id}", connection=client).args[1]
    except (NoSuchJobError, IndexError, TypeError):
        return "http://localhost/"  # the job never reached Redis; links are relative-ish


def _give_up(database: Database, lookup_id: str) -> None:
    with database.session() as session:
        pending = lookups.pending_items(session, lookup_id)
    for item in pending:
        _store(database, lookup_id, item,
               recruiter.result(item.subject, item.role, item.accounts, "unavailable", None))


def sweep_forever(database: Database, cache_url: str, interval: float = SWEEP_EVERY) -> None:
    """``resume_stalled`` every ``interval`` seconds (a daemon thread of ``candor worker``)."""
    while True:
        time.sleep(interval)
        try:
            resume_stalled(database, cache_url)
        except Exception:  # noqa: BLE001 - a database or Redis hiccup; try again next round
            log.exception("sweeping stalled lookups failed")


def start_sweeper(burst: bool = False) -> threading.Thread | None:
    """Resume stalled lookups now and, unless ``burst``, every few seconds in the background."""
    reports = _reports_for_worker()
    url = reports.settings.effective_cache_url
    resume_stalled(reports.database, url)
    if burst:
        return None
    thread = threading.Thread(target=sweep_forever, args=(reports.database, url),
                              name="candor-sweeper", daemon=True)
    thread.start()
    return thread


def _log_failure(future: Future) -> None:
    if future.exception() is not None:
        log.error("in-process lookup job failed", exc_info=future.exception())
