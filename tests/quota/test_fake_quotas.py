"""The fakes enforce the published quotas when asked, with the providers' own answers."""

from __future__ import annotations

import gzip
import json

import pytest
import requests

from service.upstream import Upstream, UpstreamError


def test_github_anonymous_core_spends_sixty_then_answers_403(upstream_server):
    upstream_server.enforce_quotas("github")
    url = f"{upstream_server.url}/github/users/bench-1"
    seen = [requests.get(url, timeout=5) for _ in range(60)]
    assert [int(r.headers["x-ratelimit-remaining"]) for r in seen] == list(range(59, -1, -1))
    spent = requests.get(url, timeout=5)
    assert spent.status_code == 403 and spent.headers["x-ratelimit-remaining"] == "0"
    assert "rate limit exceeded" in spent.json()["message"]
    assert int(spent.headers["x-ratelimit-reset"]) > 0
    # A token is another bucket with 5,000; search is its own bucket.
    token = requests.get(url, headers={"Authorization": "Bearer t"}, timeout=5)
    assert token.status_code == 200 and token.headers["x-ratelimit-limit"] == "5000"
    search = requests.get(f"{upstream_server.url}/github/search/issues?q=author:x", timeout=5)
    assert search.headers["x-ratelimit-resource"] == "search"
    assert search.headers["x-ratelimit-remaining"] == "9"
    assert upstream_server.quota.total("github", "core") == 61


def test_stack_exchange_reports_the_quota_in_the_wrapper_and_refuses_with_502(upstream_server):
    upstream_server.enforce_quotas("stackexchange", limits={("requests", False): (2, 86400)})
    url = f"{upstream_server.url}/stackexchange/users/22656?site=stackoverflow"
    first = requests.get(url, timeout=5).json()
    assert (first["quota_max"], first["quota_remaining"]) == (2, 1)
    assert requests.get(url, timeout=5).json()["quota_remaining"] == 0
    spent = requests.get(url, timeout=5)
    assert spent.status_code == 400 and spent.json()["error_id"] == 502
    assert spent.json()["error_name"] == "throttle_violation"


def test_mastodon_answers_429_with_an_iso_reset(upstream_server):
    upstream_server.enforce_quotas("mastodon", limits={("requests", False): (1, 300)})
    url = f"{upstream_server.url}/api/v1/accounts/lookup?acct=ada"
    assert requests.get(url, timeout=5).headers["X-RateLimit-Remaining"] == "0"
    spent = requests.get(url, timeout=5)
    assert spent.status_code == 429 and spent.json() == {"error": "Too many requests"}
    assert spent.headers["X-RateLimit-Reset"].endswith("Z")


def test_quotas_are_off_unless_asked_and_reset_turns_them_off(upstream_server):
    upstream_server.enforce_quotas("github", limits={("core", False): (1, 3600)})
    url = f"{upstream_server.url}/github/users/bench-1"
    requests.get(url, timeout=5)
    assert requests.get(url, timeout=5).status_code == 403
    upstream_server.reset()
    assert requests.get(url, timeout=5).status_code == 200


def test_the_client_stops_before_the_provider_refuses(upstream_server, settings):
    """Against the enforcing fake the upstream client sends 60 calls and not one more:
    the 61st is refused here with the reset time, so the provider never sees a refused call."""
    upstream_server.enforce_quotas("github")
    up = Upstream(settings)
    url = f"{settings.api_url('GITHUB')}/users/bench-2"
    for _ in range(60):
        up.get(url, network="github")
    with pytest.raises(UpstreamError) as caught:
        up.get(url, network="github")
    assert caught.value.kind == "rate_limited" and caught.value.retry_at
    assert upstream_server.quota.total("github") == 60
    assert upstream_server.quota.refused["github"] == 0


def test_the_stack_exchange_wrapper_stays_gzip(upstream_server):
    upstream_server.enforce_quotas("stackexchange")
    raw = requests.get(f"{upstream_server.url}/stackexchange/users/22656?site=stackoverflow",
                       timeout=5, stream=True).raw.read()
    assert json.loads(gzip.decompress(raw))["quota_remaining"] == 299
