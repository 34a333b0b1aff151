"""Reports and badges as the HTTP layer serves them: cache envelope → bytes.

This module sits between ``api/`` and the core: it names cache keys, builds envelopes
(pre-serialized report and badge JSON), writes the day's snapshot, honours opt-outs, and
fails closed when the cache backend is down (the stored snapshot, or 503 — never a fan-out
of upstream calls per request). Only reports of the subject's own accounts are stored.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from service import scoring
from service.cache import CacheUnavailable, Envelope, ReportCache, cache_key
from service.config import Settings
from service.errors import ApiError
from service.lookup import OptedOut, normalize_account, score_subject
from service.store import optouts, snapshots
from service.store.db import Database
from service.store.registry import StoreRegistry
from service.upstream import Upstream
from service.web.badges import badge_from_report

BADGE_WAIT_SECONDS = 3.0
# Validated subjects and cache keys are remembered per process: building a connector to
# validate a handle costs more than the whole cache hit it precedes. Bounded, cleared when full.
_MEMO_MAX = 4096


@dataclass
class Served:
    """What an endpoint sends: JSON bytes plus what HTTP caching needs."""

    body: bytes
    etag: str | None
    state: str  # hit, stale, miss, pending, snapshot
    status_code: int = 200
    retry_after: int | None = None


def dumps(data: dict) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def opted_out_report(subject: str, role: str) -> dict:
    return {
        "subject": subject, "status": "opted_out", "score": None, "band": None,
        "percentile": None, "population": None, "confidence": None, "role": role,
        "networks": [], "exclusions": [], "topics": [], "tips": [],
        "caveats": scoring.general_caveats(),
        "model_version": scoring.MODEL_VERSION, "calibration_version": scoring.CALIBRATION_VERSION,
        "computed_at": datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "stale": None, "degraded": [],
    }


def _with_stale(body: bytes, age: int) -> bytes:
    data = json.loads(body)
    data["stale"] = age
    return dumps(data)


class ReportService:
    def __init__(self, settings: Settings, upstream: Upstream, cache: ReportCache,
                 database: Database):
        self.settings = settings
        self.upstream = upstream
        self.cache = cache
        self.database = database
        self._resolved: dict[tuple, tuple[str, tuple[str, ...], str]] = {}

    # -- computing -------------------------------------------------------------------
    def compute(self, subject: str, role: str, accounts: tuple[str, ...],
                base_url: str) -> Envelope:
        report = self._report(subject, role, accounts)
        badge = badge_from_report(report, base_url)
        return Envelope.build(report=dumps(report), badge=dumps(badge), status=report["status"],
                              degraded=bool(report.get("degraded")))

    def _report(self, subject: str, role: str, accounts: tuple[str, ...]) -> dict:
        """Score the subject, honouring every opt-out, and store what may be stored.

        Opt-out race: the accounts a report holds are recorded (``mentions``) *before* the
        opt-outs are checked again; an opt-out commits before it reads the mentions and
        purges those subjects' cache entries. Either this check sees the opt-out, or the
        opt-out sees the mention and its purge stops this result from being cached."""
        registry = StoreRegistry(self.database)
        for _attempt in range(2):
            try:
                report = score_subject(subject, role=role, accounts=accounts,
                                       settings=self.settings, upstream=self.upstream,
                                       registry=registry)
            except OptedOut:
                return opted_out_report(subject, role)
            held = snapshots.report_accounts(report)
            with self.database.session() as session:
                optouts.record_mentions(session, subject, held)
            if subject in registry.blocked([subject]):
                return opted_out_report(subject, role)
            if not registry.blocked(held):
                break  # else: an account opted out while we fetched; fetch again without it
        else:  # opted out twice while fetching: answer nothing rather than show it
            raise ApiError(503, "unavailable", "try again shortly",
                           headers={"Retry-After": "5"})
        # Only a complete report of the subject's own accounts becomes its history and its
        # fallback: never one with caller-given extra accounts (they would rewrite another
        # person's history), never a degraded one (the stored report is what gets served
        # when the cache is down).
        if (not accounts and report["status"] in ("scored", "insufficient_data")
                and not report["degraded"]):
            with self.database.session() as session:
                snapshots.save(session, report, role=role)
        return report

    def _normalize(self, subject: str, accounts: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
        try:
            subject = normalize_account(subject, self.settings)
            extra = {normalize_account(a, self.settings) for a in accounts} - {subject}
        except ValueError as exc:
            raise invalid_account(exc) from exc
        return subject, tuple(sorted(extra))

    def _resolve(self, subject: str, role: str,
                 accounts: tuple[str, ...]) -> tuple[str, tuple[str, ...], str]:
        """Normalized subject, extra accounts and cache key; remembered (invalid input is not)."""
        memo = (subject, role, accounts)
        resolved = self._resolved.get(memo)
        if resolved is None:
            subject, accounts = self._normalize(subject, accounts)
            resolved = (subject, accounts, cache_key(subject, role, accounts))
            if len(self._resolved) >= _MEMO_MAX:
                self._resolved.clear()
            self._resolved[memo] = resolved
        return resolved

    def get(self, subject: str, role: str, accounts: tuple[str, ...] = (), *, part: str,
            base_url: str, wait: float) -> Served:
        """Serve ``part`` ("report" or "badge") for a subject, computing on a miss."""
        subject, accounts, key = self._resolve(subject, role, accounts)
        try:
            envelope, state = self.cache.get_or_compute(
                key, lambda: self.compute(subject, role, accounts, base_url), wait=wait)
        except CacheUnavailable:
            if accounts:  # the stored report is the subject's alone, not this variant
                raise ApiError(503, "unavailable", "the cache is unavailable; try again "
                               "shortly", headers={"Retry-After": "30"}) from None
            return self._from_snapshot(subject, role, part, base_url)
        if envelope is None:  # still computing in the background
            return Served(b"", None, "pending", 202, retry_after=2)
        body = envelope.report if part == "report" else envelope.badge
        if state == "stale":
            body = _with_stale(body, int(time.time() - envelope.computed_at))
        return Served(body, envelope.etag, state)

    def _from_snapshot(self, subject: str, role: str, part: str, base_url: str) -> Served:
        """Cache down: the last stored report with its age, or 503. Never a fan-out."""
        with self.database.session() as session:
            if optouts.is_opted_out(session, subject):
                report = opted_out_report(subject, role)
            else:
                report = snapshots.latest(session, subject, role)
        if report is None:
            raise ApiError(503, "unavailable", "the cache is unavailable; try again shortly",
                           headers={"Retry-After": "30"})
        if report.get("computed_at") and report["status"] != "opted_out":
            computed = datetime.fromisoformat(report["computed_at"].replace("Z", "+00:00"))
            report["stale"] = int((datetime.now(UTC) - computed).total_seconds())
        data = report if part == "report" else badge_from_report(report, base_url)
        return Served(dumps(data), None, "snapshot")

    def badge_batch(self, accounts: list[str], role: str,
                    base_url: str) -> list[tuple[str, Served | ApiError]]:
        return badge_batch(self, accounts, role, base_url)

    def linkedin_subject(self, slug: str) -> str | None:
        """The claimed subject whose owner declared this LinkedIn profile, or None."""
        from service.store import claims

        with self.database.session() as session:
            return claims.linkedin_subject(session, slug[:100])

    def history(self, subject: str, role: str) -> dict:
        subject, _ = self._normalize(subject, ())
        with self.database.session() as session:
            if optouts.is_opted_out(session, subject):
                return {"subject": subject, "role": role, "status": "opted_out", "snapshots": [],
                        "caveats": scoring.general_caveats()}
            points = snapshots.history(session, subject, role)
        return {"subject": subject, "role": role, "status": "ok", "snapshots": points,
                "caveats": scoring.general_caveats()}


def invalid_account(exc: ValueError) -> ApiError:
    from service.networks.base import InvalidHandle, UnknownNetwork

    if isinstance(exc, UnknownNetwork):
        return ApiError(404, "unknown_network", str(exc), {"network": exc.network[:40]})
    if isinstance(exc, InvalidHandle):
        return ApiError(400, "invalid_handle", str(exc),
                        {"network": exc.network, "reason": exc.reason})
    return ApiError(400, "invalid_account", str(exc))


_batch_pool = None
_batch_pid = None


def _batch_executor():
    """Per-process pool for batch badges, created after fork."""
    import os
    from concurrent.futures import ThreadPoolExecutor

    global _batch_pool, _batch_pid
    if _batch_pool is None or _batch_pid != os.getpid():
        _batch_pool = ThreadPoolExecutor(16, thread_name_prefix="candor-batch")
        _batch_pid = os.getpid()
    return _batch_pool


def _as_batch(fn, *args, **kwargs):
    from service.upstream import quota

    with quota.batch():
        return fn(*args, **kwargs)


def badge_batch(service: ReportService, accounts: list[str], role: str,
                base_url: str) -> list[tuple[str, Served | ApiError]]:
    """Badges for many accounts at once: misses are computed in parallel, one per subject."""
    pool = _batch_executor()
    futures: dict[str, object] = {}
    normalized: list[tuple[str, str | ApiError]] = []
    for account in accounts:
        try:
            subject, _ = service._normalize(account, ())
        except ApiError as exc:
            normalized.append((account, exc))
            continue
        normalized.append((account, subject))
        if subject not in futures:
            # A page's batch of badges: quota priority "batch" (a hover goes first).
            futures[subject] = pool.submit(_as_batch, service.get, subject, role, part="badge",
                                           base_url=base_url, wait=BADGE_WAIT_SECONDS)
    results: list[tuple[str, Served | ApiError]] = []
    for account, subject in normalized:
        if isinstance(subject, ApiError):
            results.append((account, subject))
            continue
        try:
            results.append((account, futures[subject].result()))  # type: ignore[attr-defined]
        except ApiError as exc:
            results.append((account, exc))
    return results

