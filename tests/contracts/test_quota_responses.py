"""When a published quota is spent, the fakes answer as the providers document it, and the
connectors report ``rate_limited`` with a reset time instead of failing oddly. Uses the fake
server's opt-in enforcement (``FakeUpstream.enforce_quotas``, ``tests/fakes/quotas.py``)."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests

from service.networks import make_connector
from service.networks import stackoverflow as so
from service.upstream import UpstreamError

HERE = Path(__file__).parent
NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


def _documented_headers(page: Path) -> set[str]:
    return set(re.findall(r"`(X-RateLimit-[A-Za-z-]+)`", page.read_text()))


def test_mastodon_headers_and_spent_answer_match_the_rate_limit_page(upstream_server):
    documented = _documented_headers(HERE / "mastodon" / "rate-limits.md")
    assert documented == {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"}
    upstream_server.enforce_quotas("mastodon", limits={("requests", False): (2, 300.0)})
    url = f"{upstream_server.url}/api/v1/accounts/lookup"
    first = requests.get(url, params={"acct": "octocat"}, timeout=10)
    assert documented <= set(first.headers) and first.headers["X-RateLimit-Limit"] == "2"
    datetime.fromisoformat(first.headers["X-RateLimit-Reset"].replace("Z", "+00:00"))
    requests.get(url, params={"acct": "octocat"}, timeout=10)
    spent = requests.get(url, params={"acct": "octocat"}, timeout=10)
    assert spent.status_code == 429 and spent.headers["X-RateLimit-Remaining"] == "0"


def test_openalex_headers_match_the_rate_limit_page(upstream_server):
    documented = _documented_headers(HERE / "openalex" / "rate-limits-and-authentication.md")
    upstream_server.enforce_quotas("openalex", limits={("credits", False): (11, 86400.0)})
    first = requests.get(f"{upstream_server.url}/openalex/authors/https://orcid.org/"
                         "0000-0002-1825-0097", timeout=10)
    # Credits-Used is the one documented header the fake does not send (see quotas.py)
    assert documented - {"X-RateLimit-Credits-Used"} <= set(first.headers)
    assert first.headers["X-RateLimit-Remaining"] == "10"  # a single entity costs 1 credit
    listing = requests.get(f"{upstream_server.url}/openalex/works",
                           params={"filter": "author.id:A5000000097"}, timeout=10)
    assert listing.headers["X-RateLimit-Remaining"] == "0"  # a list costs 10
    spent = requests.get(f"{upstream_server.url}/openalex/works",
                         params={"filter": "author.id:A5000000097"}, timeout=10)
    assert spent.status_code == 429


@pytest.mark.parametrize(("network", "prefix", "handle", "limits"), [
    ("gitlab", "gitlab", "jdoe", {("requests", True): (1, 60.0),
                                  ("users_api", False): (300, 600.0)}),
    ("bluesky", "bluesky", "octocat.bsky.social", {("requests", False): (1, 300.0)}),
    ("mastodon", "mastodon", None, {("requests", False): (1, 300.0)}),
    ("stackoverflow", "stackexchange", "22656", {("requests", False): (1, 86400.0)}),
    ("hackernews", "hnsearch", "octocat", {("requests", False): (0, 3600.0)}),
    ("orcid", "openalex", "0000-0002-1825-0097", {("credits", False): (0, 86400.0)}),
    ("devto", "devto", "octocat", {("requests", False): (0, 1.0)}),
])
def test_connectors_report_a_spent_quota_as_rate_limited(settings, upstream, upstream_server,
                                                         network, prefix, handle, limits):
    so.reset_state()
    upstream_server.enforce_quotas(prefix, limits=limits)
    conn = make_connector(network, settings, upstream)
    handle = conn.validate(handle or f"octocat@{upstream_server.mastodon_host}")
    try:
        data = conn.fetch(handle, now=NOW)
    except UpstreamError as exc:
        assert exc.kind == "rate_limited"
        assert exc.retry_at is None or exc.retry_at >= time.time() - 1
    else:
        # the primary call fitted in the budget: a secondary one was refused, named partial
        assert data.partial and data.status == "found"
    # Either the fake refused a call, or the client read the quota the fake reported and
    # did not send it (service/upstream/quota.py); in no case was more charged than the budget.
    budget = sum(units for units, _ in limits.values())
    assert upstream_server.quota.total(prefix) <= budget
    assert upstream_server.quota.refused[prefix] >= 1 or data_was_cut(upstream_server, prefix)
    so.reset_state()


def data_was_cut(server, prefix: str) -> bool:
    """The client stopped on its own: fewer calls reached the fake than a full fetch makes."""
    return 0 < server.hits[prefix] <= 2


def test_gitlab_users_api_throttle_is_plain_retry_later(upstream_server):
    upstream_server.enforce_quotas("gitlab", limits={("users_api", False): (0, 600.0),
                                                     ("requests", True): (10, 60.0)})
    resp = requests.get(f"{upstream_server.url}/gitlab/users/42",
                        headers={"PRIVATE-TOKEN": "t"}, timeout=10)
    assert resp.status_code == 429 and resp.text == "Retry later\n"
    assert "Retry-After" in resp.headers and "RateLimit-Limit" not in resp.headers
    ok = requests.get(f"{upstream_server.url}/gitlab/users", params={"username": "jdoe"},
                      headers={"PRIVATE-TOKEN": "t"}, timeout=10)
    assert ok.headers["RateLimit-Limit"] == "10" and ok.headers["RateLimit-Remaining"] == "9"


def test_bluesky_spent_answer_uses_the_ietf_draft_headers(upstream_server):
    upstream_server.enforce_quotas("bluesky", limits={("requests", False): (1, 300.0)})
    url = f"{upstream_server.url}/bluesky/xrpc/app.bsky.actor.getProfile"
    ok = requests.get(url, params={"actor": "octocat.bsky.social"}, timeout=10)
    assert ok.headers["ratelimit-policy"] == "1;w=300"
    spent = requests.get(url, params={"actor": "octocat.bsky.social"}, timeout=10)
    assert spent.status_code == 429 and spent.json()["error"] == "RateLimitExceeded"
    assert int(spent.headers["ratelimit-reset"]) >= int(time.time())
