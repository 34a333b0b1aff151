"""Quota budgets: every call to a network with a published limit is counted before it is sent.

Why: unauthenticated quotas are per server IP and shared by all users (GitHub allows 60 calls
an hour), so the service must know what it has left *before* the provider starts refusing,
keep part of it for people waiting on a screen, and never send a call it knows will be
refused (that is how an IP gets banned).

- Limits are the providers' published ones (:data:`PUBLISHED`), per network, resource and
  credential (anonymous or a token/key). Buckets are per API host and credential, so a
  token's budget is its own and every Mastodon instance has its own.
- Counts live in Redis when ``CANDOR_CACHE_URL=redis://…`` (all instances share one budget);
  on the embedded default the service keeps them in files in the instance folder (all
  workers of the machine share them); code that builds its own ``Upstream`` (tests, the CLI)
  counts in process (:mod:`service.upstream.quota_store`).
- The providers' own numbers win: ``X-RateLimit-Remaining``/``-Reset`` (GitHub, Mastodon),
  ``RateLimit-*`` (GitLab) and Stack Exchange's ``quota_remaining`` replace the local count.
- Priority: a request is ``interactive`` (a badge hovered, a self-check: the default) or
  ``batch`` (a page's badge batch, recruiter lookups; see :func:`batch`). A batch call may not
  spend the last :data:`RESERVE` of a window, so a hover never waits on quota a batch spent.
- A refused call raises ``UpstreamError("rate_limited", retry_at=<reset>)`` without touching
  the network; the report names the network in ``degraded`` with that reason.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from service.upstream.quota_store import (
    FileQuotaStore,
    MemoryQuotaStore,
    QuotaStore,
    RedisQuotaStore,
)
from service.upstream.rates import reset_epoch

RESERVE = 0.2  # share of each window only interactive requests may spend
PRIORITIES = ("interactive", "batch")

_priority: ContextVar[str] = ContextVar("candor_quota_priority", default="interactive")


@contextlib.contextmanager
def priority(level: str) -> Iterator[None]:
    """Run the calls made inside (and in threads that copy the context) at ``level``."""
    if level not in PRIORITIES:
        raise ValueError(f"unknown priority {level!r}")
    token = _priority.set(level)
    try:
        yield
    finally:
        _priority.reset(token)


def batch() -> contextlib.AbstractContextManager[None]:
    return priority("batch")


def current_priority() -> str:
    return _priority.get()


@dataclass(frozen=True)
class Limit:
    units: int
    window: float  # seconds
    source: str


HOUR, DAY = 3600.0, 86400.0
_GH = "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api"
_GQL = "https://docs.github.com/graphql/overview/rate-limits-and-query-limits-for-the-graphql-api"
_SE = "https://api.stackexchange.com/docs/throttle"
# (network, resource, with a credential) -> the published limit.
PUBLISHED: dict[tuple[str, str, bool], Limit] = {
    ("github", "core", False): Limit(60, HOUR, _GH),
    ("github", "core", True): Limit(5000, HOUR, _GH),
    ("github", "search", False): Limit(10, 60.0, "https://docs.github.com/rest/search/search"),
    ("github", "search", True): Limit(30, 60.0, "https://docs.github.com/rest/search/search"),
    ("github", "graphql", True): Limit(5000, HOUR, _GQL),  # points, not calls
    ("stackoverflow", "requests", False): Limit(300, DAY, _SE),
    ("stackoverflow", "requests", True): Limit(10000, DAY, _SE),
    ("mastodon", "requests", False): Limit(300, 300.0,
                                           "https://docs.joinmastodon.org/api/rate-limits/"),
    ("gitlab", "users", False): Limit(300, 600.0,
                                      "https://docs.gitlab.com/user/gitlab_com/rate_limits/"),
    ("gitlab", "users", True): Limit(300, 600.0,
                                     "https://docs.gitlab.com/user/gitlab_com/rate_limits/"),
    # Third-party reports, not published by Algolia: roughly 10,000 an hour per IP.
    ("hackernews", "algolia", False): Limit(10000, HOUR, "https://hn.algolia.com/api"),
    # Credits: a single entity costs 1, a list 10; 100,000 a day.
    ("orcid", "credits", False): Limit(100000, DAY, "https://docs.openalex.org/how-to-use-the-api/rate-limits-and-authentication"),
}


@dataclass(frozen=True)
class Ticket:
    """One counted call: which bucket it was charged to and how much."""

    bucket: str
    network: str
    resource: str
    limit: Limit
    cost: int


def classify(network: str, url: str, method: str = "GET") -> tuple[str, int] | None:
    """(resource, cost) for a call, or None when the network publishes no limit for it."""
    path = urlsplit(url).path
    if network == "github":
        if path.endswith("/graphql"):
            return "graphql", 1  # a small query costs 1 point; the response says the truth
        return ("search", 1) if "/search/" in path else ("core", 1)
    if network == "stackoverflow":
        return "requests", 1
    if network == "mastodon":
        return "requests", 1
    if network == "gitlab":
        return ("users", 1) if "/users" in path else None
    if network == "hackernews":
        return ("algolia", 1) if "/search" in path else None  # Firebase: no limit
    if network == "orcid":
        # /authors/<id> and /works/<id> are single entities; /works?filter=… is a list.
        single = len([p for p in path.split("/") if p]) >= 2
        return "credits", 1 if single else 10
    return None


def credential_id(url: str, headers: Mapping[str, str]) -> str | None:
    """A short hash naming the credential a call carries, or None when anonymous."""
    secret = next((v for k, v in headers.items() if k.lower() in ("authorization",
                                                                 "private-token")), None)
    if secret is None:
        query = dict(parse_qsl(urlsplit(url).query))
        secret = next((query[k] for k in ("key", "access_token", "api_key") if k in query),
                      None)
    if not secret:
        return None
    return hashlib.sha256(secret.encode()).hexdigest()[:16]


class QuotaSpent(Exception):
    def __init__(self, ticket: Ticket, reset: float, remaining: int, level: str):
        when = time.strftime("%H:%M:%SZ", time.gmtime(reset))
        reserved = (" (the rest is kept for interactive requests)"
                    if level == "batch" and remaining > 0 else "")
        super().__init__(f"{ticket.network} {ticket.resource} quota spent{reserved}; "
                         f"it resets at {when}")
        self.ticket = ticket
        self.reset = reset
        self.remaining = remaining
        self.level = level


class Budget:
    """Counts calls against the published limits. Thread-safe; one per Upstream."""

    def __init__(self, store: QuotaStore | None = None, *, reserve: float = RESERVE,
                 clock: Any = time.time):
        self.store: QuotaStore = store if store is not None else MemoryQuotaStore()
        self.reserve = reserve
        self.clock = clock

    @classmethod
    def from_settings(cls, settings: Any) -> Budget:
        """Redis with a ``redis://`` cache, else this process alone (tests, the CLI)."""
        url = getattr(settings, "cache_url", None) or ""
        if url.startswith(("redis://", "rediss://", "unix://")):
            return cls(RedisQuotaStore(url))
        return cls()

    @classmethod
    def for_service(cls, settings: Any) -> Budget:
        """The running service's budget: Redis with a ``redis://`` cache, else files in the
        instance folder, so every gunicorn worker of the machine spends one budget."""
        budget = cls.from_settings(settings)
        if isinstance(budget.store, MemoryQuotaStore):
            budget = cls(FileQuotaStore(Path(settings.instance_path) / "quota"))
        return budget

    def take(self, network: str, url: str, headers: Mapping[str, str],
             method: str = "GET") -> Ticket | None:
        """Charge one call before it is sent; raises :class:`QuotaSpent` when refused."""
        kind = classify(network, url, method)
        if kind is None:
            return None
        resource, cost = kind
        cred = credential_id(url, headers)
        limit = PUBLISHED.get((network, resource, cred is not None)) or PUBLISHED.get(
            (network, resource, False))
        if limit is None:
            return None
        host = urlsplit(url).netloc.lower()
        ticket = Ticket(f"{network}:{resource}:{host}:{cred or 'anon'}", network, resource,
                        limit, cost)
        level = current_priority()
        reserve = self.reserve if level == "batch" else 0.0
        taken = self.store.take(ticket.bucket, cost, limit.units, limit.window, reserve,
                                self.clock())
        if not taken.ok:
            raise QuotaSpent(ticket, taken.reset, taken.remaining, level)
        return ticket

    def observe(self, ticket: Ticket | None, status: int, headers: Mapping[str, str],
                body: bytes | None = None) -> None:
        """Correct the count from what the provider said about it."""
        if ticket is None:
            return
        now = self.clock()
        bucket = ticket.bucket
        named = headers.get("x-ratelimit-resource")
        if named and ticket.network == "github" and named != ticket.resource:
            # GitHub says which bucket it charged; trust it over our guess.
            bucket = bucket.replace(f":{ticket.resource}:", f":{named}:", 1)
        remaining = _int(headers.get("X-RateLimit-Remaining")
                         or headers.get("RateLimit-Remaining"))
        if remaining is not None:
            self.store.correct(bucket, _int(headers.get("X-RateLimit-Limit")
                                            or headers.get("RateLimit-Limit")),
                               remaining, reset_epoch(headers), ticket.limit.window, now)
        if body and ticket.network == "stackoverflow" and b'"quota_remaining"' in body:
            try:
                data = json.loads(body)
            except (ValueError, UnicodeDecodeError):
                return
            if isinstance(data, dict):
                left, top = _int(data.get("quota_remaining")), _int(data.get("quota_max"))
                if left is not None:
                    self.store.correct(bucket, top, left, None, ticket.limit.window, now)

    def spent(self, ticket: Ticket | None, until: float) -> None:
        """The provider refused with a rate limit: nothing left until ``until``."""
        if ticket is not None:
            self.store.correct(ticket.bucket, None, 0, until, ticket.limit.window, self.clock())


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None
