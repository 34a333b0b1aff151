"""Quota: upstream quota units a browsing session spends, against quota-enforcing fakes.

Replays one person's session through the real app (embedded defaults, in process): 20 pages
with 30-50 GitHub profile links each, 3 hovers per page, one self-check and one recruiter
batch of 100 subjects, then K simulated users hovering cold subjects at the same moment.
The fake upstream enforces the providers' published quotas (``FakeUpstream.enforce_quotas``)
and counts the units it charged; that count is what this prints.

Two client behaviours: *on intent* (the extension asks for a link's badge when the person
shows intent: hover/focus; a page load asks for nothing) and *on sight* (every link on the
page in ``POST /v1/badges`` at load, the old behaviour; 3 pages only, it is the comparison).
Run anonymously and with a GitHub token (GraphQL, aliased batches).

Goals with a token: a cold badge <= 1 GitHub unit, a recruiter batch <= 0.2 units per subject,
a page load 0 units for its links, >= 99 % of hovers answered with a score. Anonymous: page
loads (on intent) spend nothing, and after on-sight page loads spent what batches may spend,
a hover is still answered from the interactive reserve.

    python -m bench.quota [--pages 20] [--latency 0.02] [--seed 7]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import threading
import time
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from service import create_app  # noqa: E402
from service.config import Settings  # noqa: E402
from service.store import keys  # noqa: E402
from service.store.migrate import upgrade  # noqa: E402
from tests.fakes.server import FakeUpstream  # noqa: E402

HOVERS_PER_PAGE = 3
POOL = 600  # distinct people the pages link to (popular ones show up on several pages)


class Run:
    """One app + one quota-enforcing fake; helpers that measure GitHub units per step."""

    def __init__(self, fake: FakeUpstream, tmp: str, token: bool):
        env = {**fake.env(), "CANDOR_INSTANCE_PATH": tmp}
        if token:
            env["CANDOR_GITHUB_TOKEN"] = "bench-token"
        self.settings = Settings.from_env(env)
        upgrade(self.settings)
        self.app = create_app(self.settings)
        limiter = self.app.extensions.get("candor_limiter")
        if limiter is not None:
            limiter.enabled = False  # one loopback client IP would only measure 429s
        self.fake = fake
        self.client = self.app.test_client()
        self.why: Counter[str] = Counter()  # why hovers were not answered with a score

    def units(self) -> int:
        return self.fake.quota.total("github")

    def badge(self, handle: str, client=None) -> dict:  # noqa: ANN001 - a Flask test client
        """GET the badge like the extension: on 202, retry after Retry-After (a cache read)."""
        client = client or self.client
        deadline = time.monotonic() + 30
        while True:
            r = client.get(f"/v1/badges/github/{handle}")
            if r.status_code != 202 or time.monotonic() > deadline:
                return r.get_json()
            time.sleep(0.1)

    def scored(self, handle: str, badge: dict) -> bool:
        """Answered with a score: computed from GitHub's data, not degraded by a quota."""
        if badge.get("status") not in ("scored", "insufficient_data"):
            self.why[str(badge.get("status"))] += 1
            return False
        report = self.client.get(f"/v1/reports/github/{handle}").get_json()  # a cache hit
        failed = [d.get("reason") for d in report.get("degraded") or []
                  if d.get("network") == "github"]
        for reason in failed:
            self.why[f"github {reason}"] += 1
        return not failed


def _scratch() -> tempfile.TemporaryDirectory:
    # The app's background cache writes may outlive the run by a moment.
    return tempfile.TemporaryDirectory(ignore_cleanup_errors=True)


def pages(rng: random.Random, count: int, offset: int) -> list[list[str]]:
    return [[f"bench-{offset + i}" for i in rng.sample(range(POOL), rng.randint(30, 50))]
            for _ in range(count)]


def browse(run: Run, site: list[list[str]], rng: random.Random, on_sight: bool) -> dict:
    out: Counter[str] = Counter()
    for links in site:
        before = run.units()
        if on_sight:
            for i in range(0, len(links), 50):
                run.client.post("/v1/badges", json={"accounts": [f"github:{h}"
                                                                 for h in links[i:i + 50]]})
        out["page_units"] += run.units() - before
        out["pages"] += 1
        out["links"] += len(links)
        for handle in rng.sample(links, HOVERS_PER_PAGE):
            before = run.units()
            badge = run.badge(handle)
            spent = run.units() - before
            out["hovers"] += 1
            out["hover_units"] += spent
            out["cold_hovers"] += 1 if spent else 0
            out["hovers_scored"] += run.scored(handle, badge)
    return dict(out)


def self_check(run: Run) -> tuple[int, str]:
    """(GitHub units, how GitHub answered: "found" or the degraded reason)."""
    before = run.units()
    r = run.client.post("/v1/self-checks", json={"accounts": ["github:octocat"]})
    assert r.status_code == 200, r.get_data(as_text=True)[:300]
    failed = [d.get("reason") for d in r.get_json().get("degraded") or []
              if d.get("network") == "github"]
    return run.units() - before, failed[0] if failed else "found"


def recruiter_batch(run: Run, subjects: int, offset: int) -> tuple[float, list[str]]:
    with run.app.extensions["candor"].database.session() as session:
        _, raw = keys.create_key(session, "bench", rate_per_minute=10000)
    headers = {"Authorization": f"Bearer {raw}"}
    body = {"subjects": [{"accounts": [f"github:bench-{offset + i}"]} for i in range(subjects)],
            "purpose": "benchmark"}
    before = run.units()
    r = run.client.post("/v1/lookups", json=body, headers=headers)
    assert r.status_code in (200, 202), r.get_data(as_text=True)[:300]
    data = r.get_json()
    deadline = time.monotonic() + 300
    while r.status_code == 202 and data["status"] != "done" and time.monotonic() < deadline:
        time.sleep(0.2)  # a benchmark polling like a recruiter's client would
        data = run.client.get(r.headers["Location"], headers=headers).get_json()
    statuses = sorted({x["status"] for x in data.get("results") or []})
    return (run.units() - before) / subjects, statuses


def concurrent_users(run: Run, users: int, offset: int) -> tuple[float, float, dict]:
    """``users`` people hover a cold subject each at the same moment: (units/subject, scored,
    why the others were not scored)."""
    barrier = threading.Barrier(users)
    clients = [run.app.test_client() for _ in range(users)]
    results: list[bool] = [False] * users

    def one(i: int) -> None:
        barrier.wait()
        handle = f"bench-{offset + i}"
        results[i] = run.scored(handle, run.badge(handle, clients[i]))

    before = run.units()
    threads = [threading.Thread(target=one, args=(i,)) for i in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return (run.units() - before) / users, sum(results) / users, dict(run.why)


def measure(token: bool, n_pages: int, latency: float, seed: int) -> dict:
    rng = random.Random(seed)
    result: dict = {"mode": "token" if token else "anonymous"}
    with FakeUpstream(latency=latency) as fake, _scratch() as tmp:
        fake.enforce_quotas()
        run = Run(fake, tmp, token)
        result["intent"] = browse(run, pages(rng, n_pages, 0), rng, on_sight=False)
        result["intent_why"] = dict(run.why)
        result["self_check_units"], result["self_check_github"] = self_check(run)
        result["batch_units_per_subject"], result["batch_statuses"] = recruiter_batch(
            run, 100, 10_000)
    # Concurrent users, each K on a fresh budget: anonymous REST has no multi-user request
    # (nothing to coalesce) and 60 calls an hour would not cover 16 users anyway.
    result["concurrent"] = {}
    for k in (1, 4, 16, 32) if token else ():
        with FakeUpstream(latency=latency) as fake, _scratch() as tmp:
            fake.enforce_quotas()
            result["concurrent"][k] = concurrent_users(Run(fake, tmp, token), k, 20_000)
    with FakeUpstream(latency=latency) as fake, _scratch() as tmp:
        fake.enforce_quotas()
        run = Run(fake, tmp, token)
        result["sight"] = browse(run, pages(rng, 3, 30_000), rng, on_sight=True)
    return result


def _share(n: int, d: int) -> float:
    return n / d if d else 0.0


def report(r: dict) -> list[str]:
    intent, sight = r["intent"], r["sight"]
    cold = intent.get("cold_hovers", 0)
    lines = [f"--- {r['mode']} ---",
             f"on intent: {intent['pages']} pages, {intent['links']} links, "
             f"{intent['hovers']} hovers ({cold} cold)",
             f"  GitHub units per page load (its links): "
             f"{_share(intent['page_units'], intent['pages']):.2f}",
             f"  GitHub units per cold badge shown: "
             f"{_share(intent['hover_units'], cold):.2f}",
             f"  hovers answered with a score: "
             f"{_share(intent['hovers_scored'], intent['hovers']):.1%} "
             f"(the others: {r['intent_why'] or 'none'})",
             f"self-check (github:octocat and its linked accounts): "
             f"{r['self_check_units']} GitHub units, GitHub {r['self_check_github']}",
             f"recruiter batch of 100: {r['batch_units_per_subject']:.3f} GitHub units per "
             f"subject; result statuses {r['batch_statuses']}",
             "concurrent users hovering cold subjects at once (units per subject, scored):"]
    if not r["concurrent"]:
        lines.append("  (anonymous: REST has no multi-user request, nothing to coalesce)")
    for k, (units, scored, why) in r["concurrent"].items():
        lines.append(f"  {k:>2} users: {units:.3f} units/subject, {scored:.0%} scored"
                     + (f" (the others: {why})" if why else ""))
    lines += [f"on sight (old client, {sight['pages']} pages): GitHub units per page load "
              f"{_share(sight['page_units'], sight['pages']):.1f}; hovers after them answered "
              f"with a score {_share(sight['hovers_scored'], sight['hovers']):.0%}"]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.02,
                        help="seconds each fake call takes (so concurrent fetches overlap)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    anon = measure(False, args.pages, args.latency, args.seed)
    tok = measure(True, args.pages, args.latency, args.seed)
    for r in (anon, tok):
        print("\n".join(report(r)))
    ti = tok["intent"]
    cold_badge = _share(ti["hover_units"], ti.get("cold_hovers", 0))
    page = _share(ti["page_units"], ti["pages"])
    scored = _share(ti["hovers_scored"], ti["hovers"])
    anon_page = _share(anon["intent"]["page_units"], anon["intent"]["pages"])
    anon_reserve = _share(anon["sight"]["hovers_scored"], anon["sight"]["hovers"])
    ok = (cold_badge <= 1 and tok["batch_units_per_subject"] <= 0.2 and page == 0
          and scored >= 0.99 and anon_page == 0 and anon_reserve > 0)
    print(f"goals (token): cold badge {cold_badge:.2f} <= 1, batch "
          f"{tok['batch_units_per_subject']:.3f} <= 0.2, page load {page:.0f} == 0, hovers "
          f"scored {scored:.1%} >= 99 %; anonymous: page load {anon_page:.0f} == 0, hovers "
          f"answered from the reserve after on-sight page loads {anon_reserve:.0%} > 0 -> "
          f"{'met' if ok else 'MISSED'}")
    print(f"RESULT quota_cold_badge={cold_badge:.3f} "
          f"quota_batch={tok['batch_units_per_subject']:.3f} quota_page={page:.0f} "
          f"quota_hovers_scored={scored:.4f} quota_goals={1 if ok else 0}")


if __name__ == "__main__":
    main()
