"""Two instances, one Redis: single flight, stale-while-revalidate, stale-if-error, a dead
cache backend, and sharing computed reports, counted at the fake upstream."""

from __future__ import annotations

import dataclasses
import threading
import time

from service import create_app
from service.cache import Envelope, ReportCache, cache_key
from tests.service.conftest import current_redis_url, make_settings

SUBJECT = "github:octocat"
BADGE = "/v1/badges/github/octocat"
REPORT = "/v1/reports/github/octocat"
PROFILE = "github:/users/octocat"  # the primary profile call: exactly one per computation
SEVEN_HOURS = 7 * 3600


def _concurrently(apps, path: str, n: int) -> list:
    """``n`` requests at once from real threads, alternating between the instances."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i: int) -> None:
        client = apps[i % len(apps)].test_client()
        barrier.wait()
        response = client.get(path)
        results[i] = (response.status_code, response.headers.get("X-Candor-Cache"),
                      response.headers.get("ETag"), response.get_json())

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def _make_stale(app, role: str = "general") -> Envelope:
    """Rewrite the cached entry as if computed 7 hours ago (past fresh, inside stale)."""
    cache = app.extensions["candor"].cache
    key = cache_key(SUBJECT, role)
    env = cache.get(key)
    assert env is not None
    now = time.time()
    old = dataclasses.replace(env, computed_at=now - SEVEN_HOURS, fresh_until=now - 60)
    cache.put(key, old)
    return old


def _stored(key: str) -> Envelope | None:
    """What Redis holds right now, bypassing every in-process copy."""
    observer = ReportCache.from_url(current_redis_url())
    try:
        blob = observer.backend.get(key, SUBJECT)
        return Envelope.decode(blob) if blob else None
    finally:
        observer.close()


def _wait_for(predicate, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _every_instance_reads(instances, key: str, want: Envelope | None) -> bool:
    """Each instance's own view of ``key`` (its in-process L1 copy while that lives, else
    Redis) is ``want``: polled instead of sleeping out the L1 lifetime."""
    assert want is not None
    for app in instances:
        env = app.extensions["candor"].cache.get(key)
        if env is None or (env.etag, env.computed_at) != (want.etag, want.computed_at):
            return False
    return True


def test_fifty_cold_requests_on_two_instances_compute_once(instances, upstream_server):
    upstream_server.latency = 0.05  # long enough that every request arrives mid-computation
    results = _concurrently(instances, BADGE, 50)
    assert {r[0] for r in results} == {200}, [r[:2] for r in results]
    assert len({r[2] for r in results}) == 1, "every caller got the same computation"
    states = [r[1] for r in results]
    assert states.count("miss") >= 2, "both instances waited on the one flight"
    concurrent_hits = dict(upstream_server.path_hits)
    assert concurrent_hits[PROFILE] == 1

    # The same report computed once on its own calls exactly the same endpoints.
    instances[0].extensions["candor"].cache.purge(SUBJECT)
    upstream_server.reset()
    assert instances[1].test_client().get(BADGE).headers["X-Candor-Cache"] == "miss"
    assert dict(upstream_server.path_hits) == concurrent_hits


def test_a_report_computed_on_one_instance_is_a_hit_on_the_other(instances, upstream_server):
    a, b = (app.test_client() for app in instances)
    first = a.get(REPORT)
    assert first.headers["X-Candor-Cache"] == "miss"
    calls = sum(upstream_server.hits.values())
    assert calls > 0
    second = b.get(REPORT)
    assert second.status_code == 200
    assert second.headers["X-Candor-Cache"] == "hit"
    assert second.headers["ETag"] == first.headers["ETag"]
    assert second.data == first.data
    badge = b.get(BADGE)  # the badge is in the same envelope
    assert badge.headers["X-Candor-Cache"] == "hit"
    assert sum(upstream_server.hits.values()) == calls
    assert instances[1].extensions["candor"].cache.stats["computes"] == 0


def test_stale_entry_is_served_at_once_and_refreshed_once(instances, upstream_server):
    a, b = (app.test_client() for app in instances)
    fresh = a.get(REPORT).get_json()
    old = _make_stale(instances[0])
    upstream_server.reset()
    upstream_server.latency = 0.3  # a synchronous recompute could not answer in time

    started = time.monotonic()
    response = b.get(REPORT)
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert response.headers["X-Candor-Cache"] == "stale"
    body = response.get_json()
    assert SEVEN_HOURS - 5 <= body["stale"] <= SEVEN_HOURS + 60
    assert body["score"] == fresh["score"]
    assert elapsed < 0.3, f"stale answer took {elapsed:.3f}s: it waited for the refresh"

    # Both instances keep asking while the refresh runs: still one recomputation.
    for _ in range(5):
        assert a.get(BADGE).status_code == 200
        assert b.get(BADGE).status_code == 200
    key = cache_key(SUBJECT, "general")
    _wait_for(lambda: (_stored(key) or old).computed_at > old.computed_at)
    new = _stored(key)
    _wait_for(lambda: _every_instance_reads(instances, key, new))  # old L1 copies lapsed
    for client in (a, b):
        again = client.get(REPORT)
        assert again.headers["X-Candor-Cache"] == "hit"
        assert again.get_json()["stale"] is None
    assert upstream_server.path_hits[PROFILE] == 1


def test_stale_if_error_keeps_the_last_good_report(instances, upstream_server):
    a, b = (app.test_client() for app in instances)
    good = a.get(REPORT).get_json()
    assert good["status"] == "scored" and not good["degraded"]
    _make_stale(instances[0])
    upstream_server.reset()
    upstream_server.faults["*"] = "503"  # every network is down

    first = b.get(REPORT)
    assert first.headers["X-Candor-Cache"] == "stale"
    stats = instances[1].extensions["candor"].cache.stats
    _wait_for(lambda: stats["refreshes"] + stats["errors"] >= 1)
    assert upstream_server.hits["github"] >= 1, "the refresh did try upstream"

    # Read what the failed refresh left in Redis: wait until no instance still answers
    # from an in-process copy that differs from it (a degraded write would show here).
    key = cache_key(SUBJECT, "general")
    left = _stored(key)
    _wait_for(lambda: _every_instance_reads(instances, key, left))
    for client in (a, b):
        report = client.get(REPORT)
        assert report.status_code == 200
        body = report.get_json()
        assert body["status"] == "scored"
        assert body["score"] == good["score"]
        assert body["degraded"] == [], "a degraded recomputation replaced the good report"
        assert body["stale"] >= SEVEN_HOURS - 5
        assert report.headers["X-Candor-Cache"] == "stale"
    # Instance A saw the stale entry too and tried its own refresh: let it finish, so no
    # background call of this test lands in the next one's counters.
    stats_a = instances[0].extensions["candor"].cache.stats
    _wait_for(lambda: stats_a["refreshes"] + stats_a["errors"] >= 1, timeout=15)


def test_dead_cache_backend_serves_snapshots_or_503_and_never_fans_out(
        instances, upstream_server, tmp_path):
    assert instances[0].test_client().get(REPORT).status_code == 200  # snapshot stored
    dead = make_settings(upstream_server, tmp_path / "instance",
                         CANDOR_CACHE_URL="redis://127.0.0.1:1/0")  # nothing listens there
    app = create_app(dead)
    client = app.test_client()
    upstream_server.reset()
    try:
        for _ in range(10):
            report = client.get(REPORT)
            assert report.status_code == 200, report.get_json()
            assert report.headers["X-Candor-Cache"] == "snapshot"
            assert report.headers["Cache-Control"] == "no-store"
            body = report.get_json()
            assert body["subject"] == SUBJECT and body["score"] is not None
            assert isinstance(body["stale"], int) and 0 <= body["stale"] < 600
            badge = client.get(BADGE)
            assert badge.status_code == 200
            assert badge.get_json()["score"] == body["score"]
        for _ in range(5):
            unknown = client.get("/v1/badges/github/never-seen-before")
            assert unknown.status_code == 503
            assert int(unknown.headers["Retry-After"]) > 0
        assert client.get("/readyz").status_code == 503
        assert sum(upstream_server.hits.values()) == 0, dict(upstream_server.hits)
    finally:
        app.extensions["candor"].cache.close()
