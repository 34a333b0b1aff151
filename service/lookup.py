"""Orchestration: identity → parallel fetch under one deadline → verify → score.

A subject is named by its primary account. Candidate accounts come from links the person
published on that primary profile (one hop), from accounts the caller gave, and from the
subject's claim (accounts its owner proved or declared); nothing is matched by name. A
candidate *counts* only when it is verified to be the same person (``service/identity.py``):
anything else is listed as "not counted: not verified to be the same person" with how to
verify it. An opted-out account is never fetched, under any name the network reported for
it, however it arrives (the ``Registry``). A failing network never fails the report: it is
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

from service import identity, scoring
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


class OptedOut(Exception):  # noqa: N818 - a state, not a failure
    """The subject itself is opted out (found only after fetching: an alias of it)."""

    def __init__(self, subject: str):
        super().__init__(subject)
        self.subject = subject


class Registry:
    """What the lookup needs from the store: opt-outs (with aliases), claim groups, and a
    place to remember the aliases networks report. The default knows nothing (``candor
    score`` without a database); ``service.store.registry.StoreRegistry`` is the real one."""

    def blocked(self, accounts: Iterable[str]) -> set[str]:
        return set()

    def claimed(self, subject: str) -> tuple[set[str], set[str]]:
        """(accounts proven by the same claim group, accounts its owner only declared)."""
        return set(), set()

    def remember_aliases(self, pairs: list[tuple[str, str]]) -> None:
        return None


def normalize_account(text: str, settings: Settings) -> str:
    """``network:handle`` validated and normalized; raises InvalidHandle/UnknownNetwork."""
    network, handle = validate_account(text, settings)
    return f"{network}:{handle}"


def _fetch(target: Target, settings: Settings, upstream: Upstream,
           now: datetime) -> scoring.NetworkInput:
    from service import coalesce  # imported here: keeps this edit self-contained

    connector = make_connector(target.network, settings, upstream)
    base = {"network": target.network, "handle": target.handle, "linked_by": target.linked_by}
    if not connector.configured():
        return scoring.NetworkInput(data=None, status="not_configured",
                                    reason="no API key configured", **base)
    try:
        # Cold subjects of this network arriving together share one fetch_many call.
        data = coalesce.fetch(connector, target.handle, now=now)
    except UpstreamError as exc:
        retry_at = None
        if exc.kind == "rate_limited" and exc.retry_at:  # say when the quota resets
            retry_at = datetime.fromtimestamp(exc.retry_at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return scoring.NetworkInput(data=None, status="failed", reason=exc.kind,
                                    retry_at=retry_at, **base)
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
        if link.linked_by == identity.ALIAS:
            continue  # the same account under another name, not a second account
        found.append(Target(network, handle, link.linked_by))
    return found


def score_subject(primary: str, *, role: str = "general", accounts: Iterable[str] = (),
                  settings: Settings, upstream: Upstream, now: datetime | None = None,
                  discover: bool = True, registry: Registry | None = None) -> dict:
    """Build the full report for a subject. Raises ValueError subclasses for bad input and
    :class:`OptedOut` when the subject turns out to be opted out."""
    if role not in scoring.ROLES:
        raise ValueError(f"unknown role {role[:40]!r}; one of {', '.join(scoring.ROLES)}")
    now = now or datetime.now(UTC).replace(microsecond=0)
    primary, inputs = fetch_inputs(primary, accounts=accounts, settings=settings,
                                   upstream=upstream, now=now, discover=discover,
                                   registry=registry)
    return scoring.build_report(primary, role, inputs, now=now)


def fetch_inputs(primary: str, *, accounts: Iterable[str] = (), settings: Settings,
                 upstream: Upstream, now: datetime, discover: bool = True,
                 registry: Registry | None = None,
                 withheld: list[scoring.NetworkInput] | None = None,
                 ) -> tuple[str, list[scoring.NetworkInput]]:
    """The normalized primary account and every candidate account as model inputs (the
    self-check needs them for tips): verified ones with ``verified_by``, the others with
    status "unverified" and no data. ``withheld`` (the self-check's tips only) receives
    the unverified accounts with their fetched data, to estimate the gain of verifying.
    Opted-out accounts are left out entirely. Raises
    ValueError subclasses for bad input and :class:`OptedOut` for an opted-out subject."""
    registry = registry or Registry()
    primary = normalize_account(primary, settings)
    if registry.blocked([primary]):
        raise OptedOut(primary)
    network, handle = parse_account(primary)
    targets = [Target(network, handle, "primary")]
    seen = {primary}
    proven, declared = registry.claimed(primary)

    def add(account: str, how: str) -> None:
        if account not in seen:
            seen.add(account)
            targets.append(Target(*parse_account(account), how))

    for text in accounts:
        add(normalize_account(text, settings), "given by the caller")
    for account in sorted(proven):
        add(account, identity.BY_CLAIM)
    for account in sorted(declared - proven):
        add(account, identity.DECLARED)
    skipped = registry.blocked(seen - {primary})
    targets = [t for t in targets if t.account not in skipped]

    results = _fetch_all(targets, seen, settings, upstream, now, discover, registry, skipped)
    aliases = identity.aliases(results.values())
    if aliases:
        registry.remember_aliases(aliases)
    identity.drop_alias_links(results.values())  # another name is not another account
    names = {a for pair in aliases for a in pair} | set(results)
    gone = registry.blocked(names)
    if gone & identity.names_of(primary, aliases):
        raise OptedOut(primary)
    kept = {a: r for a, r in results.items()
            if not (identity.names_of(a, aliases) & gone)}
    # Nor is an opted-out account named as a link on anyone's profile (the self-check's
    # published links, tips).
    identity.drop_links_to(kept.values(), gone | skipped, settings)

    # Primary first, then given accounts, then discovered ones: stable across runs. One
    # account asked under two names (a handle and its DID) is kept once, first name first.
    given = [t.account for t in targets if t.account in kept]
    order, named = [], set()
    for account in given + sorted(a for a in kept if a not in set(given)):
        names = identity.names_of(account, aliases)
        if not names & named:
            order.append(account)
            named |= names
    inputs = [kept[a] for a in order]
    return primary, identity.verify(primary, inputs, proven, aliases, settings,
                                    withheld=withheld)


def _fetch_all(targets: list[Target], seen: set[str], settings: Settings, upstream: Upstream,
               now: datetime, discover: bool, registry: Registry,
               skipped: set[str]) -> dict[str, scoring.NetworkInput]:
    """Fetch the targets and (one hop) the primary's published links; opted-out discovered
    accounts are added to ``skipped`` instead of being fetched."""
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
                    found = [t for t in _discovered(result.data, settings)
                             if t.account not in seen]
                    seen.update(t.account for t in found)
                    # Never fetch an opted-out account, even as a link someone published.
                    gone = registry.blocked([t.account for t in found])
                    skipped |= gone
                    for linked in found:
                        if linked.account not in gone:
                            submit(linked)
        for future, target in pending.items():
            future.cancel()
            results[target.account] = scoring.NetworkInput(
                data=None, network=target.network, handle=target.handle,
                linked_by=target.linked_by, status="failed", reason="deadline")
    return results
