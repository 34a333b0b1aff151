"""Stampede: 200 concurrent requests for one uncached subject, split across two gunicorn
instances sharing Redis. Counts the upstream requests per endpoint at the fake upstream.
Goal: one computation, i.e. each endpoint called as often as one report needs it (1, or
the number of pages for a paginated endpoint; the "one report" column shows it).

    python -m bench.stampede [--requests 200] [--latency 0.1]
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench._servers import cluster, flush_redis_db, http_get  # noqa: E402

PATH = "/v1/badges/github/octocat"
PRIMARY = "github:/users/octocat"


def stampede(ports: list[int], n: int) -> tuple[Counter, float]:
    barrier = threading.Barrier(n)
    outcomes: Counter = Counter()
    lock = threading.Lock()

    def run(i: int) -> None:
        barrier.wait()
        try:
            status, headers, _ = http_get(ports[i % len(ports)], PATH, timeout=30)
            outcome = f"{status} {headers.get('X-Candor-Cache', '')}".strip()
        except OSError as exc:
            outcome = f"error {type(exc).__name__}"
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    started = time.monotonic()
    for t in threads:
        t.join()
    return outcomes, time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.1, help="fake upstream delay, s")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/8",
                        help="a Redis db this benchmark may flush")
    args = parser.parse_args()

    flush_redis_db(args.cache_url)
    with cluster(2, cache_url=args.cache_url, workers=args.workers,
                 latency=args.latency) as (fake, servers):
        fake.reset()
        outcomes, wall = stampede([s.port for s in servers], args.requests)
        hits = Counter(fake.path_hits)
        # The same report for another role, alone: what one computation calls.
        fake.reset()
        status, _, _ = http_get(servers[0].port, PATH + "?role=engineering", timeout=30)
        one = Counter(fake.path_hits)
    print(f"{args.requests} concurrent requests for {PATH} across 2 instances "
          f"({args.workers} gunicorn workers each), fake upstream latency {args.latency}s, "
          f"wall {wall:.2f}s")
    print("responses: " + ", ".join(f"{k}: {v}" for k, v in sorted(outcomes.items())))
    print(f"{'upstream endpoint':48} {'stampede':>9} {'one report':>11}")
    for path in sorted(set(hits) | set(one)):
        print(f"{path:48} {hits[path]:>9} {one[path]:>11}")
    computations = max((hits[p] / one[p] for p in one if one[p]), default=0.0)
    print(f"upstream requests for the primary profile ({PRIMARY}): {hits[PRIMARY]} (goal 1)")
    print(f"computations (max over endpoints of stampede/one report): {computations:g} "
          f"(goal 1); total upstream requests {sum(hits.values())} vs {sum(one.values())} "
          f"for one report (baseline request status {status})")


if __name__ == "__main__":
    main()
