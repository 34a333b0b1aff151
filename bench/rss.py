"""Resident memory per gunicorn worker after a warm-up (goal <= 120 MB).

Starts gunicorn (2 workers, the production config) against the fake upstreams, sends reports,
badges, batches and the docs/metrics pages over many subjects and roles, then reads each
worker's VmRSS from /proc (Linux only).

    python -m bench.rss [--requests 600]
"""

from __future__ import annotations

import argparse
import http.client
import json
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench._servers import Gunicorn, service_env, upgrade_db
from tests.fakes.server import FakeUpstream

ROLES = ("general", "engineering", "research", "communications", "sales", "leadership")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def measure(requests: int) -> dict:
    with FakeUpstream() as fake, tempfile.TemporaryDirectory() as tmp:
        env = service_env(fake, Path(tmp) / "instance")
        upgrade_db(env)
        found = ["github/octocat", "gitlab/octocat", "stackoverflow/22656", "hackernews/octocat",
                 "devto/octocat", "x/octocat", "bluesky/octocat.bsky.social",
                 f"mastodon/octocat@{fake.mastodon_host}", "orcid/0000-0002-1825-0097"]
        paths = ["/docs", "/openapi.json", "/metrics"]
        for i in range(requests):
            subject = found[i % len(found)] if i % 3 else f"github/rss-user-{i}"
            kind = ("reports", "badges")[i % 2]
            paths.append(f"/v1/{kind}/{subject}?role={ROLES[i % len(ROLES)]}")
        with Gunicorn(env, workers=2, log_path=Path(tmp) / "gunicorn.log") as server:
            def get(path: str) -> int:
                conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
                try:
                    conn.request("GET", path)
                    resp = conn.getresponse()
                    resp.read()
                    return resp.status
                finally:
                    conn.close()

            def batch(_: int) -> int:
                conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
                try:
                    accounts = [s.replace("/", ":", 1) for s in found] * 5
                    conn.request("POST", "/v1/badges", body=json.dumps({"accounts": accounts}),
                                 headers={"Content-Type": "application/json"})
                    resp = conn.getresponse()
                    resp.read()
                    return resp.status
                finally:
                    conn.close()

            with ThreadPoolExecutor(8) as pool:
                statuses = list(pool.map(get, paths)) + list(pool.map(batch, range(20)))
            assert server.proc is not None
            master = server.proc.pid
            children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
            workers = {int(pid): rss_mb(int(pid)) for pid in children}
            master_mb = rss_mb(master)
    return {"workers": workers, "master": master_mb, "max": max(workers.values()),
            "statuses": sorted(set(statuses))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=600)
    args = parser.parse_args()
    r = measure(args.requests)
    print(f"statuses seen: {r['statuses']}")
    for pid, mb in sorted(r["workers"].items()):
        print(f"worker {pid}: {mb:.1f} MB RSS")
    print(f"master: {r['master']:.1f} MB RSS")
    print(f"max worker RSS {r['max']:.1f} MB (goal <= 120)")
    print(f"RESULT rss_mb_max={r['max']:.1f}")


if __name__ == "__main__":
    main()
