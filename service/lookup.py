"""Orchestration: identity → parallel fetch under one deadline → score.

A subject is named by its primary account. Linked accounts come only from links the
person published on that primary profile (one hop) or from accounts the caller gave
explicitly; nothing is matched by name. A failing network never fails the report: it is
scored without that network and named in ``degraded``.
"""

from __future__ import annotations

import contextvars
import os
import threading
from collections.abc import Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import UTC, datetime
from time import monotonic

from service import scoring
from service.config import Settings
from service.networks import make_connector, parse_account, validate_account
from service.networks.base import NetworkData
from service.upstream import Upstream, UpstreamError, deadline

_POOL_SIZE = 32
_pool: ThreadPoolExecutor | None = None
_pool_pid: int | None = None
_pool_lock = threading.Lock()


def _executor() -> ThreadPoolExecutor:
    """One pool per process, created lazily so gunicorn workers never inherit threads."""
    global _pool, _pool_pid
    with _pool_lock:
        if _pool is None or _pool_pid != os.getpid():
            _pool = ThreadPoolExecutor(_POOL_SIZE, thread_name_prefix="candor-fetch")
            _pool_pid = os.getpid()
        return _pool


@dataclass(frozen=True)
class Target:
    network: str
    handle: str
    linked_by: str

    @property
    def account(self) -> str:
        return f"{self.network}:{self.handle}"


def normalize_account(text: str, settings: Settings) -> str:
    """``network:handle`` validated and normalized; raises InvalidHandle/UnknownNetwork."""
    network, handle = validate_account(text, settings)
    return f"{network}:{handle}"


def _fetch(target: Target, settings: Settings, upstream: Upstream,
           now: datetime) -> scoring.NetworkInput:
    connector = make_connector(target.network, settings, upstream)
    base = {"network": target.network, "handle": target.handle, "linked_by": target.linked_by}
    if not connector.configured():
        return scoring.NetworkInput(data=None, status="not_configured",
                                    reason="no API key configured", **base)
    try:
        data = connector.fetch(target.handle, now=now)
    except UpstreamError as exc:
        return scoring.NetworkInput(data=None, status="failed", reason=exc.kind, **base)
    if data.status != "found":
        return scoring.NetworkInput(data=None, status=data.status, reason=None, **base)
    return scoring.NetworkInput(data=data, status="found", **base)


def _discovered(data: NetworkData | None, settings: Settings) -> list[Target]:
    """Accounts the person published on the primary profile, validated; others ignored."""
    found = []
    for link in (data.links if data else []):
        try:
            network, handle = validate_account(link.account, settings)
        except ValueError:
            continue  # a link to a network we don't score (LinkedIn, a blog) or malformed
        found.append(Target(network, handle, link.linked_by))
    return found


def score_subject(primary: str, *, role: str = "general", accounts: Iterable[str] = (),
                  settings: Settings, upstream: Upstream, now: datetime | None = None,
                  discover: bool = True) -> dict:
    """Build the full report for a subject. Raises ValueError subclasses for bad input."""
    if role not in scoring.ROLES:
        raise ValueError(f"unknown role {role[:40]!r}; one of {', '.join(scoring.ROLES)}")
    now = now or datetime.now(UTC).replace(microsecond=0)
    primary, inputs = fetch_inputs(primary, accounts=accounts, settings=settings,
                                   upstream=upstream, now=now, discover=discover)
    return scoring.build_report(primary, role, inputs, now=now)


def fetch_inputs(primary: str, *, accounts: Iterable[str] = (), settings: Settings,
                 upstream: Upstream, now: datetime,
                 discover: bool = True) -> tuple[str, list[scoring.NetworkInput]]:
    """The normalized primary account and every fetched account as model inputs (the
    self-check needs them for tips). Raises ValueError subclasses for bad input."""
    primary = normalize_account(primary, settings)
    network, handle = parse_account(primary)
    targets = [Target(network, handle, "primary")]
    seen = {primary}
    for text in accounts:
        account = normalize_account(text, settings)
        if account not in seen:
            seen.add(account)
            targets.append(Target(*parse_account(account), "given by the caller"))

    results: dict[str, scoring.NetworkInput] = {}
    pool = _executor()
    budget = settings.report_deadline
    started = monotonic()
    with deadline(budget):
        pending: dict[Future, Target] = {}

        def submit(target: Target) -> None:
            ctx = contextvars.copy_context()
            pending[pool.submit(ctx.run, _fetch, target, settings, upstream, now)] = target

        for target in targets:
            submit(target)
        while pending:
            left = budget - (monotonic() - started)
            done, _ = wait(pending, timeout=max(left, 0), return_when=FIRST_COMPLETED)
            if not done:
                break
            for future in done:
                target = pending.pop(future)
                result = future.result()
                results[target.account] = result
                if target.linked_by == "primary" and discover:
                    for linked in _discovered(result.data, settings):
                        if linked.account not in seen:
                            seen.add(linked.account)
                            submit(linked)
        for future, target in pending.items():
            future.cancel()
            results[target.account] = scoring.NetworkInput(
                data=None, network=target.network, handle=target.handle,
                linked_by=target.linked_by, status="failed", reason="deadline")

    # Primary first, then given accounts, then discovered ones: stable across runs.
    given = [t.account for t in targets]
    order = given + sorted(a for a in results if a not in set(given))
    return primary, [results[a] for a in order]
