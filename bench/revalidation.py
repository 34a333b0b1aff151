"""Revalidation: after the report cache expires, how many upstream calls come back 304?

Score N subjects (cold: every upstream call is a full 200 and the client keeps its
ETag/Last-Modified validators), expire every report in the cache, score the same subjects
again, and read the upstream client's own counters: the share of the second round's calls
answered 304 (``revalidated``). Profiles did not change, so the goal is >= 0.9. A network
whose bodies change on every call (a fake that stamps the current time) cannot revalidate;
the per-network table shows which.

    python -m bench.revalidation
"""

from __future__ import annotations

import argparse
import tempfile

from service import create_app
from service.config import Settings
from service.store.migrate import upgrade
from tests.fakes.server import FakeUpstream

SUBJECTS = ("github:octocat", "gitlab:octocat", "stackoverflow:22656", "hackernews:octocat",
            "devto:octocat", "x:octocat", "bluesky:octocat.bsky.social",
            "orcid:0000-0002-1825-0097", "youtube:@octocat", "github:followback")


def _round(client, subjects: list[str]) -> None:
    for subject in subjects:
        network, _, handle = subject.partition(":")
        response = client.get(f"/v1/reports/{network}/{handle}")
        assert response.status_code == 200, (subject, response.status_code)


def measure() -> dict:
    with FakeUpstream() as fake, tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env({**fake.env(), "CANDOR_INSTANCE_PATH": tmp})
        upgrade(settings)
        app = create_app(settings)
        svc = app.extensions["candor"]
        client = app.test_client()
        subjects = [*SUBJECTS, f"mastodon:octocat@{fake.mastodon_host}"]
        _round(client, subjects)
        before = svc.upstream.stats.snapshot()
        for subject in subjects:  # "expire": nothing cached, the next request recomputes
            svc.cache.purge(subject)
        _round(client, subjects)
        after = svc.upstream.stats.snapshot()
    per_network = {}
    for network, counters in after.items():
        old = before.get(network, {"calls": 0, "revalidated": 0})
        calls = counters["calls"] - old["calls"]
        if calls:
            per_network[network] = (calls, counters["revalidated"] - old["revalidated"])
    calls = sum(c for c, _ in per_network.values())
    revalidated = sum(r for _, r in per_network.values())
    return {"per_network": per_network, "calls": calls, "revalidated": revalidated,
            "share": revalidated / calls if calls else 0.0}


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    r = measure()
    print(f"{'network':14} {'calls':>6} {'304':>6}")
    for network, (calls, revalidated) in sorted(r["per_network"].items()):
        note = "" if revalidated == calls else "  <- some bodies changed or were not 200"
        print(f"{network:14} {calls:>6} {revalidated:>6}{note}")
    print(f"second round: {r['revalidated']} of {r['calls']} upstream calls answered 304 "
          f"= {r['share']:.3f} (goal >= 0.9)")
    print(f"RESULT revalidation_share={r['share']:.3f}")


if __name__ == "__main__":
    main()
