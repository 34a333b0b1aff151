"""Revalidation: after the report cache expires, how many upstream calls come back 304?

Score N subjects (cold: every upstream call is a full 200 and the client keeps its
ETag/Last-Modified validators), expire every report in the cache, score the same subjects
again, and read the upstream client's own counters: the share of the second round's calls
answered 304 (``revalidated``). Profiles did not change, so the goal is >= 0.9. The
per-network table shows which calls were not 304 and which failed.

"Profiles did not change" has to be made true of the fakes: they date posts, likes, stories
and articles relative to the wall clock (``now - 5 days``, to the second), and the Stack
Exchange fake gzips with the current time in the gzip header. The fake's ETag is a hash of
the body bytes, so whenever a second ticked between a call in round one and the same call in
round two the fake answered a "changed" 200 for a profile that had not changed. Since the
engagement-ring sampling (Bluesky getLikes) and identity checks added such calls, that alone
moved the figure between 0.78 and 0.99 from run to run. The fakes' clock is therefore held
for the run (:func:`fakes_clock_held`); the service's own clock is not touched, so a URL the
service builds from the time (a "since" bound) still changes if the service makes it change.

What is still counted and cannot be 304: a 404 (no validators; here GitHub ``jskeet``, the
account Stack Overflow user 22656 links to, which the fake does not know), and GitHub GraphQL
POSTs (none here: no token, so GitHub goes through REST).

    python -m bench.revalidation
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, tzinfo
from functools import partial
from types import SimpleNamespace
from unittest import mock

from service import create_app
from service.config import Settings
from service.store.migrate import upgrade
from tests.fakes import bluesky, devto, hackernews, mastodon, stackoverflow, x, youtube
from tests.fakes.server import FakeUpstream

SUBJECTS = ("github:octocat", "gitlab:octocat", "stackoverflow:22656", "hackernews:octocat",
            "devto:octocat", "x:octocat", "bluesky:octocat.bsky.social",
            "orcid:0000-0002-1825-0097", "youtube:@octocat", "github:followback")


@contextlib.contextmanager
def fakes_clock_held() -> Iterator[datetime]:
    """Hold the fake upstreams' "now" (and the Stack Exchange fake's gzip mtime) still, so an
    unchanged profile is served as the same bytes in both rounds, as a real API serves it."""
    held = datetime.now(UTC)

    class HeldDatetime(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> datetime:
            return held.astimezone(tz) if tz is not None else held.replace(tzinfo=None)

    with contextlib.ExitStack() as stack:
        for module in (bluesky, devto, mastodon, x, youtube):
            stack.enter_context(mock.patch.object(module, "datetime", HeldDatetime))
        stack.enter_context(mock.patch.object(hackernews, "_now",
                                              lambda: int(held.timestamp())))
        stack.enter_context(mock.patch.object(
            stackoverflow, "gzip", SimpleNamespace(compress=partial(gzip.compress, mtime=0))))
        yield held


def _round(client, subjects: list[str]) -> None:
    for subject in subjects:
        network, _, handle = subject.partition(":")
        response = client.get(f"/v1/reports/{network}/{handle}")
        assert response.status_code == 200, (subject, response.status_code)


def measure() -> dict:
    with (fakes_clock_held(), FakeUpstream() as fake,
          tempfile.TemporaryDirectory() as tmp):
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
        old = before.get(network, {"calls": 0, "revalidated": 0, "errors": {}})
        calls = counters["calls"] - old["calls"]
        errors = {kind: n - old["errors"].get(kind, 0) for kind, n in counters["errors"].items()
                  if n > old["errors"].get(kind, 0)}
        if calls:
            per_network[network] = (calls, counters["revalidated"] - old["revalidated"], errors)
    calls = sum(c for c, _, _ in per_network.values())
    revalidated = sum(r for _, r, _ in per_network.values())
    return {"per_network": per_network, "calls": calls, "revalidated": revalidated,
            "share": revalidated / calls if calls else 0.0}


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    r = measure()
    print(f"{'network':14} {'calls':>6} {'304':>6}")
    for network, (calls, revalidated, errors) in sorted(r["per_network"].items()):
        note = "" if revalidated == calls else "  <- some bodies changed or were not 200"
        if errors:
            note += "; failed: " + ", ".join(f"{k} x{n}" for k, n in sorted(errors.items()))
        print(f"{network:14} {calls:>6} {revalidated:>6}{note}")
    print(f"second round: {r['revalidated']} of {r['calls']} upstream calls answered 304 "
          f"= {r['share']:.3f} (goal >= 0.9)")
    print(f"RESULT revalidation_share={r['share']:.3f}")


if __name__ == "__main__":
    main()
