"""Batch lookup: 100 cold subjects through the real lookup path vs the per-host bound.

A local fake upstream answers every call after a fixed latency (default 100 ms). One
recruiter key posts 100 distinct, never-seen GitHub subjects to ``POST /v1/lookups``
(embedded defaults: SQLite, file cache, the in-process job pool) and polls until done.
All calls go to one host, at most ``concurrency`` at a time, so the best possible wall
time is ``calls × latency / concurrency``. Goal: ratio <= 1.2.

    python -m bench.batch_lookup [--latency 0.1] [--subjects 100]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from service import create_app  # noqa: E402
from service.config import Settings  # noqa: E402
from service.store import keys  # noqa: E402
from service.store.migrate import upgrade  # noqa: E402
from tests.fakes.server import FakeUpstream  # noqa: E402


def measure(latency: float, subjects: int, per_host: int) -> dict:
    with FakeUpstream(latency=latency) as fake, tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env({**fake.env(), "CANDOR_INSTANCE_PATH": tmp})
        upgrade(settings)
        app = create_app(settings)
        # The upstream client's per-host connection slots are the configured per-host
        # concurrency; subjects in flight (CANDOR_LOOKUP_CONCURRENCY, and the report cache's
        # 8 compute workers) must exceed it to keep the host busy while a subject is being
        # scored or stored.
        app.extensions["candor"].upstream.per_host_limit = per_host
        with app.extensions["candor"].database.session() as session:
            _, raw = keys.create_key(session, "bench", rate_per_minute=1000)
        client = app.test_client()
        headers = {"Authorization": f"Bearer {raw}"}
        body = {"subjects": [{"accounts": [f"github:bench-{i}"]} for i in range(subjects)],
                "purpose": "benchmark"}
        start = time.perf_counter()
        r = client.post("/v1/lookups", json=body, headers=headers)
        assert r.status_code == 202, r.get_data(as_text=True)
        while True:
            data = client.get(r.headers["Location"], headers=headers).get_json()
            if data["status"] == "done":
                break
            time.sleep(0.1)  # each poll reads all 100 results: keep it off the GIL
        wall = time.perf_counter() - start
        calls = fake.hits.total()
        bound = calls * latency / per_host
        statuses = sorted({x["status"] for x in data["results"]})
        return {"subjects": subjects, "calls": calls, "concurrency": per_host, "wall": wall,
                "bound": bound, "ratio": wall / bound, "statuses": statuses}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--subjects", type=int, default=100)
    parser.add_argument("--per-host", type=int, default=4,
                        help="upstream calls in flight per host (default 4)")
    args = parser.parse_args()
    m = measure(args.latency, args.subjects, args.per_host)
    ms = args.latency * 1000
    print(f"{m['subjects']} cold subjects, {m['calls']} upstream calls, {ms:.0f} ms each,"
          f" {m['concurrency']} per host: wall {m['wall']:.2f} s, bound {m['bound']:.2f} s")
    print(f"ratio wall / (calls x latency / concurrency) = {m['ratio']:.2f} (goal <= 1.2); "
          f"result statuses {m['statuses']}")


if __name__ == "__main__":
    main()
