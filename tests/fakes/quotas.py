"""Published quotas, enforced by the fake server when a test or benchmark opts in.

``FakeUpstream.enforce_quotas("github", ...)`` turns this on per network; the fake then
charges each answered request to a bucket (network, resource, credential) and, when it is
spent, answers the way the real provider does (status, body and headers as documented in
the providers' rate-limit pages below). Without opting in, fakes serve without any limit, as
before. GitHub GraphQL is only counted here (points from the GitHub fake's ``graphql_cost``
hook): the GraphQL fake enforces its own per-token budget and sends its own headers.

Sources of the numbers and shapes:
- GitHub: https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api
  (60/h anonymous, 5,000/h with a token; search 10/30 per minute; GraphQL 5,000 points/h;
  403 + ``x-ratelimit-remaining: 0`` when spent; a 304 is free only with a token).
- Stack Exchange: https://api.stackexchange.com/docs/throttle (300/day, 10,000 with a key;
  ``quota_max``/``quota_remaining`` in the wrapper; ``error_id`` 502 ``throttle_violation``
  as HTTP 400 when spent).
- Mastodon: https://docs.joinmastodon.org/api/rate-limits/ (300 per 5 min per IP;
  ``X-RateLimit-Reset`` is ISO 8601; 429 ``{"error": "Too many requests"}``).
- Algolia HN search: about 10,000/h per IP (third-party reports); 429 when spent.
- OpenAlex: 100,000 credits a day, a list costs 10 and a single entity 1; 429 when spent;
  ``X-RateLimit-Limit``/``-Remaining``/``-Credits-Used``/``-Reset`` (seconds to midnight UTC)
  on every response (tests/contracts/openalex/rate-limits-and-authentication.md).
- GitLab.com: https://docs.gitlab.com/user/gitlab_com/rate_limits/ (authenticated API 2,000
  per minute, unauthenticated 500 per minute per IP; ``GET /users/:id`` 300 per 10 minutes);
  429 with ``Retry-After`` and ``RateLimit-ResetTime``; ``RateLimit-*`` headers otherwise;
  the Users API's throttle answers Rack::Attack's plain ``Retry later`` without them.
- Bluesky: no number is published for the AppView; the PDS limit (3,000 per 5 minutes per
  IP, https://docs.bsky.app/docs/advanced-guides/rate-limits) stands in, with the IETF-draft
  ``ratelimit-*`` headers and 429 ``RateLimitExceeded``.
- dev.to: Forem's Rack::Attack ``api_throttle``, 3 GET per second per IP; 429 + Retry-After.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

HOUR, DAY = 3600.0, 86400.0
# network -> (resource, with a credential) -> (units, window seconds)
PUBLISHED: dict[str, dict[tuple[str, bool], tuple[int, float]]] = {
    "github": {("core", False): (60, HOUR), ("core", True): (5000, HOUR),
               ("search", False): (10, 60.0), ("search", True): (30, 60.0),
               ("graphql", True): (5000, HOUR)},
    "stackexchange": {("requests", False): (300, DAY), ("requests", True): (10000, DAY)},
    "mastodon": {("requests", False): (300, 300.0)},
    "hnsearch": {("requests", False): (10000, HOUR)},
    "openalex": {("credits", False): (100000, DAY)},
    "gitlab": {("requests", False): (500, 60.0), ("requests", True): (2000, 60.0),
               ("users_api", False): (300, 600.0)},
    "bluesky": {("requests", False): (3000, 300.0)},
    "devto": {("requests", False): (3, 1.0)},
}


def classify(network: str, method: str, path: str, query: dict[str, list[str]],
             headers: dict[str, str], body: bytes, module: Any) -> tuple[str, str, int]:
    """(resource, credential, cost) of one request as the provider would charge it."""
    cred = headers.get("Authorization") or (query.get("key") or [""])[0]
    if network == "github":
        if method == "POST" and path.rstrip("/").endswith("graphql"):
            cost_of: Callable[[bytes], int] | None = getattr(module, "graphql_cost", None)
            return "graphql", cred, cost_of(body) if cost_of else 1
        return ("search" if path.startswith("/search/") else "core"), cred, 1
    if network == "mastodon":
        return "requests", headers.get("Host", ""), 1  # per instance; anonymous
    if network == "openalex":
        single = len([p for p in path.split("/") if p]) >= 2
        return "credits", "", 1 if single else 10
    if network == "gitlab":
        token = headers.get("Private-Token") or headers.get("PRIVATE-TOKEN") or cred
        parts = [p for p in path.split("/") if p]
        if len(parts) == 2 and parts[0] == "users" and parts[1].isdigit():
            return "users_api", "", 1  # per endpoint, whoever asks
        return "requests", token, 1
    if network in ("bluesky", "devto"):
        return "requests", "", 1  # per IP
    return "requests", cred, 1


class QuotaLedger:
    """Units charged per bucket, windows starting at first use (as GitHub's do)."""

    def __init__(self, clock: Callable[[], float] = time.time):
        self.clock = clock
        self.enforced: dict[str, dict[tuple[str, bool], tuple[int, float]]] = {}
        self.units: Counter[tuple[str, str]] = Counter()  # (network, resource) -> charged
        self.refused: Counter[str] = Counter()
        self._buckets: dict[tuple[str, str, str], list[float]] = {}
        self._lock = threading.Lock()

    def enforce(self, network: str,
                limits: dict[tuple[str, bool], tuple[int, float]] | None = None) -> None:
        self.enforced[network] = dict(limits or PUBLISHED[network])

    def clear(self) -> None:
        with self._lock:
            self.enforced.clear()
            self.units.clear()
            self.refused.clear()
            self._buckets.clear()

    def charge(self, network: str, resource: str, cred: str,
               cost: int) -> tuple[bool, int, int, float] | None:
        """(allowed, limit, remaining, reset) after charging; None if not enforced."""
        limits = self.enforced.get(network)
        if limits is None:
            return None
        limit, window = limits.get((resource, bool(cred))) or limits.get(
            (resource, False)) or (None, None)
        if limit is None or window is None:
            return None
        now = self.clock()
        with self._lock:
            state = self._buckets.get((network, resource, cred))
            if state is None or state[1] <= now:
                state = self._buckets[(network, resource, cred)] = [0.0, now + window]
            if state[0] + cost > limit:
                self.refused[network] += 1
                return False, limit, int(max(limit - state[0], 0)), state[1]
            state[0] += cost
            self.units[(network, resource)] += cost
            return True, limit, int(limit - state[0]), state[1]

    def refund(self, network: str, resource: str, cred: str, cost: int) -> None:
        with self._lock:
            state = self._buckets.get((network, resource, cred))
            if state is not None:
                state[0] = max(0.0, state[0] - cost)
                self.units[(network, resource)] -= cost

    def total(self, network: str, resource: str | None = None) -> int:
        with self._lock:
            return sum(v for (n, r), v in self.units.items()
                       if n == network and (resource is None or r == resource))


def spent_response(network: str, resource: str, limit: int,
                   reset: float) -> tuple[int, dict[str, str], bytes]:
    """What each provider answers when the bucket is empty."""
    headers = rate_headers(network, resource, limit, 0, reset)
    if network == "github":
        body = {"message": "API rate limit exceeded for 127.0.0.1. (But here's the good news: "
                           "Authenticated requests get a higher rate limit.)",
                "documentation_url": "https://docs.github.com/rest/overview/"
                                     "rate-limits-for-the-rest-api"}
        return 403, headers, json.dumps(body).encode()
    if network == "stackexchange":
        wait = max(int(reset - time.time()), 1)
        body = {"error_id": 502, "error_name": "throttle_violation",
                "error_message": f"too many requests from this IP, more requests available "
                                 f"in {wait} seconds"}
        return 400, headers, json.dumps(body).encode()
    if network == "mastodon":
        return 429, headers, b'{"error":"Too many requests"}'
    wait = str(max(int(reset - time.time()), 1))
    if network == "gitlab":
        retry = {"Retry-After": wait, "Content-Type": "text/plain"}
        if resource == "users_api":  # the Users API throttle carries no informational headers
            return 429, retry, b"Retry later\n"
        when = datetime.fromtimestamp(reset, UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")
        return 429, {**headers, **retry, "RateLimit-ResetTime": when}, b"Retry later\n"
    if network == "bluesky":
        return 429, headers, b'{"error":"RateLimitExceeded","message":"Rate Limit Exceeded"}'
    if network == "devto":
        return 429, {"Retry-After": wait}, b'{"error":"Too many requests","status":429}'
    return 429, headers, b'{"message":"Too many requests","status":429}'


def rate_headers(network: str, resource: str, limit: int, remaining: int,
                 reset: float) -> dict[str, str]:
    if network == "github":
        return {"x-ratelimit-limit": str(limit), "x-ratelimit-remaining": str(remaining),
                "x-ratelimit-used": str(limit - remaining),
                "x-ratelimit-reset": str(int(reset)), "x-ratelimit-resource": resource}
    if network == "mastodon":
        iso = datetime.fromtimestamp(reset, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return {"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": str(remaining),
                "X-RateLimit-Reset": iso}
    if network == "openalex":
        midnight = (int(time.time()) // int(DAY) + 1) * int(DAY)
        # (X-RateLimit-Credits-Used is left out: this hook is not told the request's cost)
        return {"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": str(remaining),
                "X-RateLimit-Reset": str(max(midnight - int(time.time()), 0))}
    if network == "gitlab" and resource == "requests":
        return {"RateLimit-Limit": str(limit), "RateLimit-Observed": str(limit - remaining),
                "RateLimit-Remaining": str(remaining), "RateLimit-Reset": str(int(reset))}
    if network == "bluesky":
        return {"ratelimit-limit": str(limit), "ratelimit-remaining": str(remaining),
                "ratelimit-reset": str(int(reset)), "ratelimit-policy": f"{limit};w=300"}
    return {}


def rewrite_stackexchange_wrapper(body: Any, limit: int, remaining: int) -> Any:
    """Stack Exchange reports its quota in the body wrapper, not in headers."""
    if isinstance(body, dict) and "quota_remaining" in body:
        return {**body, "quota_max": limit, "quota_remaining": remaining}
    return body
