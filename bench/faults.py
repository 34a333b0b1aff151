"""Fault injection under load against gunicorn: upstreams fail in rotation, the service must not.

The fake upstreams switch every 0.2 s: three random networks get one of timeout, 500, 502,
503, 429 (Retry-After 1), malformed, truncated or huge; the rest recover. Meanwhile
``--requests`` requests (reports, badges, batches over many subjects and roles) run against a
real gunicorn. Goal: zero 5xx, every answer JSON. The fast version of this lives in
tests/resilience/test_faults.py.

    python -m bench.faults [--requests 1000] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from werkzeug.wrappers import Response

from bench._servers import Gunicorn, service_env, upgrade_db
from tests.fakes.server import FAULTS, FakeUpstream

FAKE_NETWORKS = ("github", "gitlab", "stackexchange", "bluesky", "hackernews", "hnsearch",
                 "devto", "openalex", "x", "mastodon")
ROLES = ("general", "engineering", "research", "communications", "sales", "leadership")


class ShortRetryFake(FakeUpstream):
    """429 says ``Retry-After: 1`` so cooldowns come and go during the run."""

    @staticmethod
    def _fault(fault: str) -> Response:
        if fault == "429":
            return Response(b'{"message":"rate limited"}', status=429,
                            headers={"Retry-After": "1"}, content_type="application/json")
        return FakeUpstream._fault(fault)


def _chaos(fake: FakeUpstream, stop: threading.Event) -> None:
    rng = random.Random(3)
    while not stop.is_set():
        fake.faults.clear()
        for network in rng.sample(FAKE_NETWORKS, 3):
            fake.faults[network] = rng.choice(FAULTS)
        stop.wait(0.2)
    fake.faults.clear()


def run(requests: int, concurrency: int) -> dict:
    import http.client

    with ShortRetryFake() as fake, tempfile.TemporaryDirectory() as tmp:
        env = service_env(fake, Path(tmp) / "instance",
                          extra={"CANDOR_REPORT_DEADLINE": "2"})
        upgrade_db(env)
        subjects = ["github:octocat", "gitlab:octocat", "stackoverflow:22656",
                    "hackernews:octocat", "devto:octocat", "x:octocat", "github:flaky",
                    f"mastodon:octocat@{fake.mastodon_host}", "orcid:0000-0002-1825-0097"]
        subjects += [f"github:bench-user-{i}" for i in range(150)]
        rng = random.Random(5)
        outcomes: Counter[str] = Counter()
        degraded = 0
        lock = threading.Lock()
        with Gunicorn(env, workers=2, log_path=Path(tmp) / "gunicorn.log") as server:

            def one(_: int) -> None:
                nonlocal degraded
                subject, role = rng.choice(subjects), rng.choice(ROLES)
                network, _, handle = subject.partition(":")
                kind = rng.choices(("reports", "badges", "batch"), (5, 4, 1))[0]
                conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
                try:
                    if kind == "batch":
                        body = json.dumps({"accounts": rng.sample(subjects, 10), "role": role})
                        conn.request("POST", "/v1/badges", body=body,
                                     headers={"Content-Type": "application/json"})
                    else:
                        conn.request("GET", f"/v1/{kind}/{network}/{handle}?role={role}")
                    resp = conn.getresponse()
                    data = resp.read()
                    ok_json = resp.getheader("Content-Type", "").startswith("application/json")
                    json.loads(data)
                    with lock:
                        outcomes[f"{resp.status}{'' if ok_json else ' not-json'}"] += 1
                        if kind == "reports" and resp.status == 200:
                            degraded += bool(json.loads(data).get("degraded"))
                except Exception as exc:  # noqa: BLE001 - every failure is counted
                    with lock:
                        outcomes[f"client error {type(exc).__name__}"] += 1
                finally:
                    conn.close()

            stop = threading.Event()
            chaos = threading.Thread(target=_chaos, args=(fake, stop), daemon=True)
            started = time.perf_counter()
            chaos.start()
            try:
                with ThreadPoolExecutor(concurrency) as pool:
                    list(pool.map(one, range(requests)))
            finally:
                stop.set()
                chaos.join()
            wall = time.perf_counter() - started
        fives = sum(n for k, n in outcomes.items() if k[:1] == "5")
        errors = sum(n for k, n in outcomes.items() if not k[:1].isdigit() or "not-json" in k)
        return {"outcomes": dict(outcomes), "5xx": fives, "bad": errors, "wall": wall,
                "degraded_reports": degraded, "upstream_calls": sum(fake.hits.values())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    r = run(args.requests, args.concurrency)
    print(f"{args.requests} requests in {r['wall']:.1f}s under rotating faults; "
          f"upstream calls {r['upstream_calls']}; degraded reports {r['degraded_reports']}")
    print("responses: " + ", ".join(f"{k}: {v}" for k, v in sorted(r["outcomes"].items())))
    print(f"5xx: {r['5xx']} (goal 0); non-JSON or client errors: {r['bad']}")
    print(f"RESULT fault_5xx={r['5xx']} fault_bad={r['bad']}")


if __name__ == "__main__":
    main()
