"""Badge hot path: cache-hit throughput vs a constant-bytes endpoint, same server, same run.

One gunicorn instance with the production config (gthread, 2 workers by default) on
127.0.0.1, the report cache in Redis, the fake upstream behind it. The badge is warmed once,
then the load generator alternates between ``/v1/ping`` (constant bytes of badge size: the
floor of Flask + gunicorn here) and the badge in paired rounds; the median of the
per-round ratios is reported (and the best round of each). Goal: badge rps / ping rps >= 0.80.

    python -m bench.badge_hot_path [--seconds 3] [--connections 32] [--rounds 5]

The app is the real one with its per-IP badge rate limit switched off (``bench._servers``):
the load comes from a single IP and would otherwise measure 429 answers.

Uses Debian's ``wrk`` if installed, else a Python load generator (threads, keep-alive).
The load generator shares the machine's cores with the server, as in production-like loopback
runs; both endpoints pay that cost alike, so the ratio is what to read.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench._servers import UNLIMITED_APP, cluster, flush_redis_db, http_get  # noqa: E402

BADGE = "/v1/badges/github/octocat"
PING = "/v1/ping"
GOAL = 0.80


def wrk_rps(port: int, path: str, seconds: float, connections: int) -> float:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"{path}: {errors.group(1)} error responses\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def python_rps(port: int, path: str, seconds: float, connections: int) -> float:
    """Fallback: one thread per keep-alive connection, counting 200 responses."""
    stop = time.monotonic() + seconds
    counts = [0] * connections
    failures: list[str] = []

    def run(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < stop:
            try:
                conn.request("GET", path)
                resp = conn.getresponse()
                resp.read()
            except (OSError, http.client.HTTPException):
                conn.close()  # the server closed an idle keep-alive connection: reconnect
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                continue
            if resp.status != 200:
                failures.append(f"{resp.status}")
                return
            counts[i] += 1
        conn.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(connections)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise RuntimeError(f"{path}: error responses {failures[:5]}")
    return sum(counts) / (time.monotonic() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/8",
                        help="a Redis db this benchmark may flush")
    parser.add_argument("--python", action="store_true", help="use the Python load generator")
    args = parser.parse_args()

    use_wrk = shutil.which("wrk") is not None and not args.python
    measure = wrk_rps if use_wrk else python_rps
    seconds = int(args.seconds) if use_wrk else args.seconds
    if args.cache_url.startswith("redis"):
        flush_redis_db(args.cache_url)
    with cluster(1, cache_url=args.cache_url, workers=args.workers,
                 app=UNLIMITED_APP) as (fake, (server,)):
        status, headers, _ = http_get(server.port, BADGE)
        assert status == 200, status
        status, headers, _ = http_get(server.port, BADGE)
        assert headers.get("X-Candor-Cache") == "hit", headers
        calls_after_warmup = sum(fake.hits.values())
        measure(server.port, PING, 1, args.connections)  # warm both workers' code paths
        measure(server.port, BADGE, 1, args.connections)
        ping, badge = [], []
        for _ in range(args.rounds):
            ping.append(measure(server.port, PING, seconds, args.connections))
            badge.append(measure(server.port, BADGE, seconds, args.connections))
        upstream_calls = sum(fake.hits.values()) - calls_after_warmup
    best_ping, best_badge = max(ping), max(badge)
    # Paired rounds (ping then badge, back to back) cancel slow drifts in machine load from
    # other processes; the median of the per-round ratios is the headline figure.
    pairs = [b / p for p, b in zip(ping, badge, strict=True) if p > 0]
    paired = statistics.median(pairs) if pairs else float("nan")
    print(f"load generator: {'wrk' if use_wrk else 'python threads'}, {args.connections} "
          f"connections, {seconds}s x {args.rounds} rounds, gunicorn gthread "
          f"{args.workers} workers, cache {args.cache_url.split('://')[0]}, "
          "per-IP rate limit off (one client IP)")
    print(f"ping  rps per round: {', '.join(f'{r:,.0f}' for r in ping)}")
    print(f"badge rps per round: {', '.join(f'{r:,.0f}' for r in badge)}")
    print(f"constant /v1/ping  {best_ping:,.0f} req/s (best round)")
    print(f"badge cache hit    {best_badge:,.0f} req/s (best round)")
    print(f"ratio badge/ping   {paired:.3f} median of paired rounds, "
          f"{best_badge / best_ping:.3f} best/best (goal >= {GOAL:.2f})")
    print(f"upstream calls during the load: {upstream_calls}")


if __name__ == "__main__":
    main()
