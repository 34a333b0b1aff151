"""States of get_or_compute (stale-while-revalidate, stale-if-error, pending), opt-out
purges across instances, and a failing backend."""

import threading
import time

import pytest

from service.cache import CacheUnavailable, ReportCache, cache_key
from service.cache.keys import subject_of
from tests.cache.conftest import Compute, envelope, stale_envelope, wait_until

KEY = cache_key("github:octocat", "engineering")


def _refreshing(cache) -> bool:
    """A background refresh of KEY is scheduled or running on this instance."""
    return cache._flights.running("refresh:" + KEY)


def test_stale_is_served_at_once_and_refreshed_once_in_background(make_cache):
    cache = make_cache()
    old = stale_envelope("old")
    cache.put(KEY, old)
    compute = Compute("new", delay=0.4)
    started = time.monotonic()
    results = [cache.get_or_compute(KEY, compute, wait=5) for _ in range(20)]
    assert time.monotonic() - started < 0.3  # nobody waited for the 0.4 s compute
    assert {(env.etag, state) for env, state in results} == {(old.etag, "stale")}
    assert 99 <= results[0][0].age() < 110
    assert wait_until(lambda: cache.get_or_compute(KEY, compute, wait=0)[1] == "hit")
    env, _ = cache.get_or_compute(KEY, compute, wait=0)
    assert env.report == b'{"report":"new"}'
    assert compute.calls == 1
    assert cache.stats["refreshes"] == 1


def test_stale_refresh_is_single_flight_across_instances(make_cache):
    a, b = make_cache(), make_cache()
    a.put(KEY, stale_envelope())
    compute = Compute(delay=0.3)
    for _ in range(5):
        assert a.get_or_compute(KEY, compute, wait=1)[1] == "stale"
        assert b.get_or_compute(KEY, compute, wait=1)[1] == "stale"
    assert wait_until(lambda: b.get_or_compute(KEY, compute, wait=0)[1] == "hit")
    # A second refresh, if one was (wrongly) started, has called compute once it is over.
    assert wait_until(lambda: not _refreshing(a) and not _refreshing(b))
    assert compute.calls == 1


def test_stale_if_error_keeps_the_good_report(make_cache):
    cache = make_cache(refresh_backoff=30)
    good = stale_envelope("good")
    cache.put(KEY, good)
    degraded = Compute("partial", degraded=True)
    env, state = cache.get_or_compute(KEY, degraded, wait=1)
    assert (env.etag, state) == (good.etag, "stale")
    assert wait_until(lambda: cache.stats["kept_stale"] == 1)
    # The degraded result was not stored; the good one is still served as stale...
    for _ in range(5):
        env, state = cache.get_or_compute(KEY, degraded, wait=1)
        assert (env.etag, state) == (good.etag, "stale")
        assert not env.degraded
    # ...and the failing refresh is not retried on every request (backoff).
    assert wait_until(lambda: not _refreshing(cache))
    assert degraded.calls == 1


def test_refresh_that_raises_keeps_stale_and_counts_an_error(make_cache):
    cache = make_cache()
    good = stale_envelope("good")
    cache.put(KEY, good)
    failing = Compute(error=RuntimeError("all networks down"))
    assert cache.get_or_compute(KEY, failing, wait=1) == (good, "stale")
    assert wait_until(lambda: cache.stats["errors"] == 1)
    assert cache.get(KEY) == good
    assert failing.calls == 1


def test_degraded_result_is_stored_when_nothing_better_exists(make_cache):
    cache = make_cache()
    env, state = cache.get_or_compute(KEY, Compute(degraded=True), wait=2)
    assert state == "miss" and env.degraded
    assert env.fresh_until - env.computed_at <= 330  # 5 min ± 10 %
    assert cache.get(KEY) == env


def test_slow_compute_is_pending_then_hit(make_cache):
    cache = make_cache()
    compute = Compute(delay=0.6)
    started = time.monotonic()
    assert cache.get_or_compute(KEY, compute, wait=0.05) == (None, "pending")
    assert time.monotonic() - started < 0.3
    assert cache.get_or_compute(KEY, compute, wait=0.05) == (None, "pending")  # joins
    assert wait_until(lambda: cache.get_or_compute(KEY, compute, wait=0)[1] == "hit")
    assert compute.calls == 1
    assert cache.stats["pending"] >= 2


def test_purge_is_seen_at_once_by_another_instance_with_l1(make_cache):
    a, b = make_cache(), make_cache()
    keys = [
        cache_key("github:octocat", "engineering"),
        cache_key("github:octocat", "research"),
        cache_key("github:octocat", "engineering", ("devto:octo",)),
    ]
    other = cache_key("github:someone", "engineering")
    for k in [*keys, other]:
        a.put(k, envelope(k))
    # B reads every key twice: the second read must come from its L1.
    assert wait_until(lambda: b.backend.l1_epoch() is not None)  # Redis: subscribed
    for k in keys:
        assert b.get(k) is not None
    before = b.stats["l1_hits"]
    for k in keys:
        assert b.get(k) is not None
    assert b.stats["l1_hits"] == before + 3

    assert a.purge("GitHub:Octocat") == 3
    # At once, on both backends: the file backend's next read checks the purge marker, and a
    # Redis purge returns only after every subscribed instance acknowledged dropping its L1.
    assert all(b.get(k) is None for k in keys)
    assert b.get(other) is not None and a.get(other) is not None


def test_purge_by_exact_keys(make_cache):
    cache = make_cache()
    k1, k2 = cache_key("gitlab:x", "engineering"), cache_key("gitlab:x", "research")
    cache.put(k1, envelope())
    cache.put(k2, envelope())
    assert cache.purge([k1]) == 1
    assert cache.get(k1) is None and cache.get(k2) is not None


def test_compute_running_during_purge_does_not_store(make_cache):
    a, b = make_cache(), make_cache()
    compute = Compute(delay=0.4)
    result: list = []
    t = threading.Thread(target=lambda: result.append(a.get_or_compute(KEY, compute, wait=3)))
    t.start()
    assert wait_until(lambda: compute.calls == 1)
    b.purge(subject_of(KEY))  # opt-out while the report is being computed
    t.join(5)
    assert result[0][1] == "miss"
    assert a.get(KEY) is None and b.get(KEY) is None


def test_foreign_bytes_in_the_store_are_ignored(make_cache):
    cache = make_cache()
    import pickle

    payload = pickle.dumps({"evil": True})
    cache.backend.set(KEY, subject_of(KEY), payload, 60)
    assert cache.get(KEY) is None
    assert cache.stats["errors"] == 1


def test_dead_redis_fails_fast_without_computing():
    cache = ReportCache.from_url("redis://127.0.0.1:1/0")
    compute = Compute()
    started = time.monotonic()
    with pytest.raises(CacheUnavailable):
        cache.get_or_compute(KEY, compute, wait=5)
    assert time.monotonic() - started < 1.0
    started = time.monotonic()
    for _ in range(50):  # the breaker answers without touching the network
        with pytest.raises(CacheUnavailable):
            cache.get_or_compute(KEY, compute, wait=5)
    assert time.monotonic() - started < 0.1
    assert compute.calls == 0
    assert cache.healthy() is False
    assert cache.stats["unavailable"] >= 51
    cache.close()


def test_unusable_cache_dir_is_unavailable(tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    with pytest.raises(CacheUnavailable):
        ReportCache.from_url(f"file://{blocker}/cache")


def test_healthy_on_real_backends(make_cache):
    assert make_cache().healthy() is True


def test_breaker_opens_on_a_storage_fault_and_closes_after_cooldown(tmp_path):
    cache = ReportCache.from_url(f"file://{tmp_path / 'c'}", breaker_cooldown=0.3)
    cache.put(KEY, envelope())
    entry = cache.backend._path(KEY, subject_of(KEY))
    entry.unlink()
    entry.mkdir()  # a directory where the entry file should be: reads fail with an OSError
    cache._l1.clear()
    with pytest.raises(CacheUnavailable):
        cache.get(KEY)
    entry.rmdir()
    with pytest.raises(CacheUnavailable, match="circuit open"):
        cache.get(KEY)  # storage is fine again, but the breaker is still open
    assert cache.healthy() is False
    assert wait_until(cache.healthy), "the breaker never closed after its cooldown"
    assert cache.get_or_compute(KEY, Compute(), wait=2)[1] == "miss"
    assert cache.healthy() is True
    cache.close()
