"""Cold report: wall time of one full report vs the critical path of its upstream calls.

A local fake upstream answers every call after a fixed latency (default 150 ms). We time
each network's fetch on its own (cold: a new client, no validators), derive the critical
path (the primary profile, then the slowest account it links to, or the slowest account
given explicitly, whichever is longer), then time the whole report. Goal: ratio <= 1.15,
i.e. the fan-out is parallel and the orchestration adds little.

    python -m bench.cold_report [--latency 0.15]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from service.config import Settings  # noqa: E402
from service.lookup import Target, _fetch, score_subject  # noqa: E402
from service.upstream import Upstream  # noqa: E402
from tests.fakes.server import FakeUpstream  # noqa: E402


def measure(latency: float) -> dict:
    with FakeUpstream(latency=latency) as fake, tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env({**fake.env(), "CANDOR_INSTANCE_PATH": tmp})
        primary = "github:octocat"
        given = ["gitlab:octocat", "stackoverflow:22656", f"mastodon:octocat@{fake.mastodon_host}",
                 "orcid:0000-0002-1825-0097"]
        now = datetime.now(UTC)

        def alone(account: str) -> tuple[float, object]:
            network, _, handle = account.partition(":")
            start = time.perf_counter()
            result = _fetch(Target(network, handle, "bench"), settings, Upstream(settings), now)
            return time.perf_counter() - start, result

        t_primary, primary_result = alone(primary)
        data = primary_result.data
        linked = [link.account for link in (data.links if data else [])]
        linked = [a for a in linked if a.split(":")[0] in
                  ("bluesky", "x", "hackernews", "devto", "gitlab", "stackoverflow", "mastodon")]
        t_linked = max((alone(a)[0] for a in linked), default=0.0)
        t_given = max(alone(a)[0] for a in given)
        critical = max(t_primary + t_linked, t_given)

        fake.hits.clear()
        start = time.perf_counter()
        report = score_subject(primary, role="engineering", accounts=given, settings=settings,
                               upstream=Upstream(settings))
        wall = time.perf_counter() - start
        return {"wall": wall, "critical": critical, "ratio": wall / critical,
                "calls": sum(fake.hits.values()), "networks": len(report["networks"]),
                "status": report["status"], "degraded": report["degraded"]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency", type=float, default=0.15)
    args = parser.parse_args()
    r = measure(args.latency)
    print(f"networks {r['networks']}, upstream calls {r['calls']}, status {r['status']}, "
          f"degraded {r['degraded']}")
    print(f"cold report wall {r['wall']:.3f}s / critical-path latency {r['critical']:.3f}s "
          f"= {r['ratio']:.3f} (goal <= 1.15)")


if __name__ == "__main__":
    main()
