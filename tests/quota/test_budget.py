"""Quota budgets: counted before the call, corrected by the provider, reserve for hovers."""

from __future__ import annotations

import json
import time

import pytest
from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Response

from service.config import Settings
from service.upstream import Upstream, UpstreamError, quota
from service.upstream.quota import Budget, QuotaSpent
from service.upstream.quota_store import FileQuotaStore, MemoryQuotaStore, RedisQuotaStore


class Clock:
    """A clock the test moves by hand (windows pass without sleeping)."""

    def __init__(self, now: float = 1_800_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def srv():
    server = HTTPServer(host="127.0.0.1", threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


def test_anonymous_github_core_allows_sixty_an_hour_then_refuses():
    clock = Clock()
    budget = Budget(clock=clock)
    url = "https://api.github.com/users/octocat"
    for _ in range(60):
        budget.take("github", url, {})
    with pytest.raises(QuotaSpent) as caught:
        budget.take("github", url, {})
    assert caught.value.reset == clock.now + 3600
    clock.now += 3601  # the window passed: a fresh hour
    assert budget.take("github", url, {}) is not None


def test_a_token_has_its_own_larger_budget_and_search_its_own_bucket():
    budget = Budget(clock=Clock())
    for _ in range(60):
        budget.take("github", "https://api.github.com/users/a", {})
    # Anonymous core is spent; the token's 5,000 are untouched, and search counts apart.
    assert budget.take("github", "https://api.github.com/users/a",
                       {"Authorization": "Bearer t1"}).limit.units == 5000
    for _ in range(10):
        budget.take("github", "https://api.github.com/search/issues?q=x", {})
    with pytest.raises(QuotaSpent):
        budget.take("github", "https://api.github.com/search/issues?q=x", {})


def test_batch_requests_leave_the_reserve_to_interactive_ones():
    budget = Budget(clock=Clock())
    url = "https://api.github.com/users/a"
    taken = 0
    with quota.batch(), pytest.raises(QuotaSpent) as caught:
        while True:
            budget.take("github", url, {})
            taken += 1
    assert taken == 48  # 60 minus the 20 % reserve
    assert caught.value.remaining == 12 and "interactive" in str(caught.value)
    for _ in range(12):  # a hover still gets every reserved unit
        budget.take("github", url, {})
    with pytest.raises(QuotaSpent):
        budget.take("github", url, {})


def test_priority_rejects_unknown_levels():
    with pytest.raises(ValueError), quota.priority("urgent"):
        pass


def test_openalex_lists_cost_ten_credits_and_entities_one():
    assert quota.classify("orcid", "https://api.openalex.org/works?filter=x") == ("credits", 10)
    assert quota.classify(
        "orcid", "https://api.openalex.org/authors/https://orcid.org/0000-0002-1825-0097") \
        == ("credits", 1)
    assert quota.classify("hackernews", "https://hacker-news.firebaseio.com/v0/user/pg.json") \
        is None  # Firebase publishes no limit


def test_provider_headers_correct_the_local_count(srv):
    """GitHub says 1 left, then 0: the third call is refused here, never sent."""
    answers = iter(["1", "0"])

    def handler(request):
        return Response("{}", headers={"X-RateLimit-Limit": "60",
                                       "X-RateLimit-Remaining": next(answers),
                                       "X-RateLimit-Reset": "4102444800"},
                        content_type="application/json")

    srv.expect_request("/users/a").respond_with_handler(handler)
    up = Upstream(Settings())
    url = srv.url_for("/users/a")
    up.get(url, network="github")
    up.get(url, network="github")
    with pytest.raises(UpstreamError) as caught:
        up.get(url, network="github")
    assert caught.value.kind == "rate_limited"
    assert caught.value.retry_at == 4102444800.0
    assert len(srv.log) == 2


def test_a_provider_rate_limit_spends_the_bucket_until_its_reset(srv):
    reset = int(time.time()) + 1800
    srv.expect_request("/users/a").respond_with_response(Response(
        '{"message": "API rate limit exceeded"}', status=403,
        headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)},
        content_type="application/json"))
    srv.expect_request("/users/b").respond_with_json({})
    up = Upstream(Settings(), retries=0)
    with pytest.raises(UpstreamError):
        up.get(srv.url_for("/users/a"), network="github")
    up._cooldowns.clear()  # even without the host cooldown, the budget holds
    with pytest.raises(UpstreamError) as caught:
        up.get(srv.url_for("/users/b"), network="github")
    assert caught.value.kind == "rate_limited" and caught.value.retry_at == reset
    assert [r.path for r, _ in srv.log] == ["/users/a"]


def test_stack_exchange_quota_remaining_in_the_body_counts(srv):
    body = {"items": [], "has_more": False, "quota_max": 300, "quota_remaining": 0}
    srv.expect_request("/2.3/users/1").respond_with_json(body)
    up = Upstream(Settings())
    url = srv.url_for("/2.3/users/1")
    up.get(url, network="stackoverflow")  # it was the day's last
    with pytest.raises(UpstreamError) as caught:
        up.get(url, network="stackoverflow")
    assert caught.value.kind == "rate_limited"
    assert len(srv.log) == 1


def test_networks_without_a_published_limit_are_not_counted(srv):
    srv.expect_request("/v0/user/pg.json").respond_with_data(json.dumps({"id": "pg"}))
    up = Upstream(Settings())
    for _ in range(70):
        up.get(srv.url_for("/v0/user/pg.json"), network="hackernews")
    assert len(srv.log) == 70


def test_redis_budget_is_shared_by_every_instance(redis_url):
    """Two instances (two stores on one Redis) spend one budget between them."""
    from tests.redis_isolation import ping_or_missing

    ping_or_missing()
    clock = Clock()
    first = Budget(RedisQuotaStore(redis_url), clock=clock)
    second = Budget(RedisQuotaStore(redis_url), clock=clock)
    url = "https://api.stackexchange.com/2.3/users/1"
    for i in range(300):
        (first if i % 2 else second).take("stackoverflow", url, {})
    with pytest.raises(QuotaSpent):
        first.take("stackoverflow", url, {})
    first.observe(first_ticket := quota.Ticket(
        "stackoverflow:requests:api.stackexchange.com:anon", "stackoverflow", "requests",
        quota.PUBLISHED[("stackoverflow", "requests", False)], 1), 200, {},
        json.dumps({"quota_max": 300, "quota_remaining": 5}).encode())
    assert first_ticket.bucket
    for _ in range(5):  # the provider said 5 are left: both instances see them
        second.take("stackoverflow", url, {})
    with pytest.raises(QuotaSpent):
        first.take("stackoverflow", url, {})
    clock.now += 86401
    assert second.take("stackoverflow", url, {}) is not None


def test_memory_redis_and_file_stores_agree(redis_url, tmp_path):
    from tests.redis_isolation import ping_or_missing

    ping_or_missing()
    for store in (MemoryQuotaStore(), RedisQuotaStore(redis_url), FileQuotaStore(tmp_path)):
        results = [store.take("b", 3, 10, 60, 0.2, 100.0).ok for _ in range(4)]
        assert results == [True, True, False, False]  # 6 used; 3 more would leave 1 < 2
        assert store.take("b", 3, 10, 60, 0.0, 100.0).ok  # interactive may use the reserve
        store.correct("b", 10, 9, None, 60, 100.0)
        assert store.take("b", 9, 10, 60, 0.0, 100.0).ok
        assert store.take("b", 1, 10, 60, 0.0, 161.0).remaining == 9  # window passed


def test_post_sends_json_and_is_counted_on_the_graphql_budget(srv):
    srv.expect_request("/graphql", method="POST", json={"query": "{ viewer { login } }"}) \
        .respond_with_response(Response('{"data": {}}', content_type="application/json",
                                        headers={"x-ratelimit-remaining": "0",
                                                 "x-ratelimit-resource": "graphql",
                                                 "x-ratelimit-reset": str(int(time.time()) + 600)}))
    up = Upstream(Settings())
    headers = {"Authorization": "Bearer t"}
    resp = up.post(srv.url_for("/graphql"), network="github",
                   json_body={"query": "{ viewer { login } }"}, headers=headers)
    assert resp.status == 200 and resp.json() == {"data": {}}
    with pytest.raises(UpstreamError) as caught:  # GitHub said 0 points left
        up.post(srv.url_for("/graphql"), network="github", json_body={"query": "{}"},
                headers=headers)
    assert caught.value.kind == "rate_limited"
    assert len(srv.log) == 1


def test_a_redis_cache_url_shares_the_budget(redis_url):
    from tests.redis_isolation import ping_or_missing

    ping_or_missing()
    assert isinstance(Budget.from_settings(Settings(cache_url=redis_url)).store, RedisQuotaStore)
    assert isinstance(Budget.from_settings(Settings()).store, MemoryQuotaStore)


def test_the_file_store_is_one_budget_for_every_worker_process(tmp_path):
    """Four processes (gunicorn workers on the embedded default) race for 60 units: exactly
    60 are granted between them."""
    import subprocess
    import sys

    code = ("import sys; from service.upstream.quota_store import FileQuotaStore; "
            "s = FileQuotaStore(sys.argv[1]); "
            "print(sum(s.take('github:core:h:anon', 1, 60, 3600, 0.0, 1e9).ok "
            "for _ in range(30)))")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path)],
                              stdout=subprocess.PIPE, text=True) for _ in range(4)]
    granted = [int(p.communicate(timeout=60)[0]) for p in procs]
    assert sum(granted) == 60, granted


def test_the_service_counts_in_the_instance_folder(tmp_path):
    budget = Budget.for_service(Settings(instance_path=tmp_path))
    assert isinstance(budget.store, FileQuotaStore)
    budget.take("github", "https://api.github.com/users/a", {})
    assert list((tmp_path / "quota").iterdir())
