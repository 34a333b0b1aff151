"""Single-flight: many concurrent callers for one cold key cause exactly one compute,
across threads, across cache instances sharing a store, and across processes."""

import multiprocessing
import os
import threading
import time

import pytest

from service.cache import Envelope, ReportCache, cache_key
from tests.cache.conftest import Compute, envelope

KEY = cache_key("github:octocat", "engineering")


def _hammer(cache: ReportCache, key: str, compute, n: int, wait: float = 5.0) -> list:
    results: list = [None] * n
    barrier = threading.Barrier(n)

    def call(i: int) -> None:
        barrier.wait()
        results[i] = cache.get_or_compute(key, compute, wait=wait)

    threads = [threading.Thread(target=call, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    return results


def test_fifty_threads_one_cold_key_compute_once(make_cache):
    cache = make_cache()
    compute = Compute(delay=0.3)
    results = _hammer(cache, KEY, compute, 50)
    assert compute.calls == 1
    assert {state for _, state in results} == {"miss"}
    assert len({env.etag for env, _ in results}) == 1
    assert cache.stats["computes"] == 1 and cache.stats["misses"] == 50
    assert cache.get_or_compute(KEY, compute, wait=1)[1] == "hit"


def test_two_instances_sharing_a_store_compute_once(make_cache):
    a, b = make_cache(), make_cache()
    compute = Compute(delay=0.3)
    out: dict[str, list] = {}
    threads = [
        threading.Thread(target=lambda c=c, n=n: out.setdefault(n, _hammer(c, KEY, compute, 10)))
        for c, n in ((a, "a"), (b, "b"))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert compute.calls == 1
    etags = {env.etag for res in out.values() for env, _ in res}
    assert len(etags) == 1
    assert a.stats["computes"] + b.stats["computes"] == 1


def _child(cache: ReportCache, key: str, count_path: str, barrier, queue) -> None:
    """Runs in a forked process: 8 threads on the cold key; compute appends a line per call."""

    def compute() -> Envelope:
        with open(count_path, "a") as fh:
            fh.write(f"{os.getpid()}\n")
        time.sleep(0.4)
        return envelope(f"pid{os.getpid()}")

    barrier.wait()
    results = _hammer(cache, key, compute, 8)
    queue.put([(state, env.etag if env else None) for env, state in results])


def test_processes_sharing_a_store_compute_once(make_cache, tmp_path):
    cache = make_cache()
    # Use the cache before forking, like gunicorn's preload_app: the children must build
    # their own pool and connections.
    cache.get_or_compute(cache_key("github:warmup", "engineering"), Compute(), wait=2)
    ctx = multiprocessing.get_context("fork")
    count_path = str(tmp_path / "computes.txt")
    barrier, queue = ctx.Barrier(3), ctx.Queue()
    procs = [
        ctx.Process(target=_child, args=(cache, KEY, count_path, barrier, queue)) for _ in range(3)
    ]
    for p in procs:
        p.start()
    results = [queue.get(timeout=15) for _ in procs]
    for p in procs:
        p.join(5)
        assert p.exitcode == 0
    with open(count_path) as fh:
        assert len(fh.read().splitlines()) == 1
    flat = [r for res in results for r in res]
    assert len(flat) == 24
    assert {state for state, _ in flat} == {"miss"}
    assert len({etag for _, etag in flat}) == 1
    # The parent sees the children's result.
    assert cache.get_or_compute(KEY, Compute(), wait=1)[0].etag == flat[0][1]


def test_compute_error_is_raised_and_not_stored(make_cache):
    cache = make_cache()
    failing = Compute(error=RuntimeError("upstream exploded"))
    with pytest.raises(RuntimeError, match="exploded"):
        cache.get_or_compute(KEY, failing, wait=2)
    assert cache.get(KEY) is None
    assert cache.stats["errors"] == 1
    good = Compute()
    env, state = cache.get_or_compute(KEY, good, wait=2)
    assert state == "miss" and good.calls == 1 and env.report == b'{"report":"new"}'
