"""Gaming benchmark (issue 10): what each trick buys over its honest twin, and how many
monotonicity counterexamples a random search finds.

Every persona is seeded into the local fake upstreams (``tests/fakes``: the GitHub fake's
``USERS``/``REPOS``/``EVENTS``/``MERGED``/``SOCIAL``/``ORGS`` tables, the Bluesky fake's
personas) and scored through the real lookup (connectors, identity verification, model),
exactly as ``candor score`` would. Where a twin cannot be served by the fake, it is built
as the NetworkData the connector would emit, and the output says so.

Goals: at most 3 points per trick over its twin, at most 5 for all tricks combined, and no
monotonicity counterexample.

    python -m bench.gaming [--trials 3000] [--seed 2026]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from service import scoring  # noqa: E402
from service.config import Settings  # noqa: E402
from service.lookup import Registry, fetch_inputs  # noqa: E402
from service.networks.base import NetworkData, Observation  # noqa: E402
from service.scoring import catalogue  # noqa: E402
from service.upstream import Upstream  # noqa: E402
from tests.fakes import github as gh  # noqa: E402
from tests.fakes.server import FakeUpstream  # noqa: E402

NOW = datetime.now(UTC).replace(microsecond=0)
PER_TRICK_GOAL = 3
COMBINED_GOAL = 5


def ago(days: float) -> str:
    return (NOW - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- GitHub personas ---------------------------------------------------------------------

@dataclasses.dataclass
class GitHubPersona:
    login: str
    age_days: int = 3000
    followers: int = 14
    following: int = 10
    repos: list[tuple[str, int]] = dataclasses.field(
        default_factory=lambda: [("tool", 5), ("notes", 2), ("dotfiles", 0)])
    merged: list[tuple[str, float]] = dataclasses.field(default_factory=lambda: [
        ("rails/rails", 20), ("rails/rails", 200), ("python/cpython", 60),
        ("python/cpython", 300), ("pallets/flask", 100), ("pallets/flask", 150),
        ("numpy/numpy", 40), ("numpy/numpy", 250)])
    reviews: list[tuple[str, float]] = dataclasses.field(default_factory=lambda: [
        ("rails/rails", 5), ("pallets/flask", 12)])
    issues: list[tuple[str, float]] = dataclasses.field(default_factory=lambda: [
        ("python/cpython", 3), ("numpy/numpy", 9), ("psf/requests", 20)])
    pushes: list[float] = dataclasses.field(default_factory=lambda: [1, 8, 15, 22, 28])
    orgs: list[str] = dataclasses.field(default_factory=list)
    social: list[str] = dataclasses.field(default_factory=list)

    def seed(self) -> str:
        login = self.login
        uid = 9300000 + len(gh.USERS)
        repos = [gh._repo(login, name, stars, "Python") for name, stars in self.repos]
        gh.USERS[login] = gh._user(login, uid, name=login, public_repos=len(repos),
                                   followers=self.followers, following=self.following,
                                   created_at=ago(self.age_days))
        gh.REPOS[login] = [repos[i:i + 100] for i in range(0, len(repos), 100)] or [[]]
        gh.MERGED[login] = [gh._search_item(1000 + k, repo, ago(days), login)
                            for k, (repo, days) in enumerate(self.merged)]
        events: list[dict[str, Any]] = []
        eid = uid * 1000
        for days in self.pushes:
            eid += 1
            events.append(gh._event(eid, "PushEvent", f"{login}/tool", ago(days), {
                "repository_id": 1, "push_id": eid, "ref": "refs/heads/main", "head": "a",
                "before": "b"}, actor=login))
        for k, (repo, days) in enumerate(self.reviews):
            eid += 1
            owner = repo.partition("/")[0]
            events.append(gh.review(eid, repo, ago(days), 500 + k, owner, f"{owner}/fork",
                                    actor=login))
        for k, (repo, days) in enumerate(self.issues):
            eid += 1
            events.append(gh._issue(eid, repo, ago(days), "opened", 900 + k, actor=login))
        gh.EVENTS[login] = sorted(events, key=lambda e: e["created_at"], reverse=True)
        gh.SOCIAL[login] = [{"provider": "generic", "url": u} for u in self.social]
        gh.ORGS[login] = list(self.orgs)
        return f"github:{login}"


def twin(p: GitHubPersona, login: str, **changes: Any) -> GitHubPersona:
    return dataclasses.replace(p, login=login, **changes)


def honest(login: str) -> GitHubPersona:
    return GitHubPersona(login)


def ring_owners(n: int) -> list[str]:
    return [f"sock{k}" for k in range(n)]


def tricks() -> list[dict[str, Any]]:
    """(name, role, trick persona, honest twin) for every row of issue 10 and more."""
    h = honest
    young_honest = twin(h("x"), "x", age_days=10, followers=1, following=3,
                        repos=[("hello", 0)], merged=[("rails/rails", 3)],
                        reviews=[], issues=[("python/cpython", 2)], pushes=[1, 4])
    ring = ring_owners(4)
    ring_prs = [(f"{ring[k % 4]}/app{k % 2}", 1 + k % 9) for k in range(100)]
    ring_reviews = [(f"{ring[k % 4]}/app{k % 2}", 1 + k % 9) for k in range(60)]
    spam_issues = [(f"{ring[k % 4]}/app{k % 2}", 1 + k % 9) for k in range(80)]
    own_org = [("you-hq/app", 1 + k % 300) for k in range(150)]
    friend = [("friend/app", 1 + k % 300) for k in range(100)]
    tiny = [(f"tiny{k}", 3) for k in range(200)]
    rows = [
        {"name": "someone else's Bluesky in social_accounts", "role": "communications",
         "trick": twin(h("bsky-trick"), "bsky-trick",
                       social=["https://bsky.app/profile/octocat.bsky.social"]),
         "twin": h("bsky-twin")},
        {"name": "150 PRs merged into an organisation you own (you-hq/app)",
         "role": "engineering",
         "trick": twin(h("org-trick"), "org-trick", orgs=["you-hq"],
                       merged=h("x").merged + own_org),
         "twin": twin(h("org-twin"), "org-twin", orgs=["you-hq"])},
        {"name": "100 trivial PRs merged into one friend's repository", "role": "engineering",
         "trick": twin(h("friend-trick"), "friend-trick", merged=h("x").merged + friend),
         "twin": h("friend-twin")},
        {"name": "200 repositories with 3 sock-puppet stars each", "role": "engineering",
         "trick": twin(h("stars-trick"), "stars-trick", repos=h("x").repos + tiny),
         "twin": h("stars-twin")},
        {"name": "10-day-old account: review ring, issue spam, 100 ring PRs",
         "role": "engineering",
         "trick": twin(young_honest, "young-trick", merged=young_honest.merged + ring_prs,
                       reviews=ring_reviews, issues=young_honest.issues + spam_issues),
         "twin": twin(young_honest, "young-twin")},
        {"name": "499 following / 520 followers (follow-for-follow)", "role": "engineering",
         "trick": twin(h("f4f-trick"), "f4f-trick", followers=520, following=499),
         "twin": h("f4f-twin")},
    ]
    combined = twin(young_honest, "all-trick", orgs=["you-hq"], followers=520, following=499,
                    merged=young_honest.merged + own_org + friend + ring_prs,
                    reviews=ring_reviews, issues=young_honest.issues + spam_issues,
                    repos=young_honest.repos + tiny)
    rows.append({"name": "all tricks together, GitHub only (10-day-old account)",
                 "role": "engineering", "trick": combined,
                 "twin": twin(young_honest, "all-twin", orgs=["you-hq"]), "combined": True})
    # The same tricks on an old account (no youth to discount); the ring is left out here
    # because on an old account it is not detectable (its own row below).
    old_combined = twin(h("oldall-trick"), "oldall-trick", orgs=["you-hq"], followers=520,
                        following=499, merged=h("x").merged + own_org + friend,
                        repos=h("x").repos + tiny,
                        social=["https://bsky.app/profile/octocat.bsky.social"])
    rows.append({"name": "all tricks except the ring, on an old account",
                 "role": "engineering", "trick": old_combined,
                 "twin": twin(h("oldall-twin"), "oldall-twin", orgs=["you-hq"]),
                 "combined": True})
    rows.append({"name": "(ours) ring of 4 sock-puppet maintainers, old account",
                 "role": "engineering",
                 "trick": twin(h("oldring-trick"), "oldring-trick",
                               merged=h("x").merged + ring_prs,
                               reviews=h("x").reviews + ring_reviews,
                               issues=h("x").issues + spam_issues),
                 "twin": h("oldring-twin")})
    return rows


# --- running -----------------------------------------------------------------------------

def report(account: str, role: str, settings: Settings, upstream: Upstream,
           accounts: tuple[str, ...] = ()) -> dict:
    primary, inputs = fetch_inputs(account, accounts=accounts, settings=settings,
                                   upstream=upstream, now=NOW, registry=Registry())
    return scoring.build_report(primary, role, inputs, now=NOW)


def score_of(r: dict) -> int:
    """Points for comparison: a withheld number (insufficient data) counts as 0."""
    return int(r["score"] or 0)


def bluesky_ring(settings: Settings, upstream: Upstream) -> dict[str, Any]:
    """The fake's ring persona (every like from the same 4 accounts) against the same
    NetworkData without the ring: posts without those likes (built, the fake has no twin)."""
    from service.lookup import Target, _fetch

    got = _fetch(Target("bluesky", "ring.bsky.social", "bench"), settings, upstream, NOW)
    role = "communications"
    trick = scoring.build_report("bluesky:ring.bsky.social", role, [got], now=NOW)
    if got.data is None:
        return {"name": "(ours) Bluesky engagement ring", "role": role, "trick": trick,
                "twin": trick, "note": f"ring persona not served ({got.status})"}
    ring = sorted(got.data.reactors)
    # Twin: the ring's accounts each like one post once (what "counts once" means), two
    # posts with two likes each; every other post without reactions.
    posts = [o for o in got.data.observations if o.signal == "post_engagement"]
    liked = {o.item: 2.0 for o in posts[: max(len(ring) // 2, 1)]}
    obs = [dataclasses.replace(o, value=liked.get(o.item, 0.0))
           if o.signal == "post_engagement" else o for o in got.data.observations]
    data = dataclasses.replace(got.data, observations=obs,
                               reactors=dict.fromkeys(ring, 1), reactions_sampled=len(ring))
    twin_r = scoring.build_report("bluesky:ring.bsky.social", role,
                                  [dataclasses.replace(got, data=data)], now=NOW)
    silent = dataclasses.replace(got.data, reactors={}, reactions_sampled=0, observations=[
        dataclasses.replace(o, value=0.0) if o.signal == "post_engagement" else o
        for o in got.data.observations])
    silent_r = scoring.build_report("bluesky:ring.bsky.social", role,
                                    [dataclasses.replace(got, data=silent)], now=NOW)
    sampled = got.data.reactions_sampled
    total = sum(o.value for o in posts)
    return {"name": f"(ours) Bluesky ring: {len(ring)} accounts like every post",
            "role": role, "trick": trick, "twin": twin_r,
            "note": f"the connector sampled {sampled} of {total:g} reactions (the most-liked "
                    "posts): repeats outside the sample are not seen. "
                    f"Twin built as NetworkData: the {len(ring)} ring accounts each like once; "
                    f"against the same posts with no likes at all the ring buys "
                    f"{score_of(trick) - score_of(silent_r):+d} (what {len(ring)} genuine "
                    "likes would buy)"}


def run_tricks() -> list[dict[str, Any]]:
    out = []
    with FakeUpstream() as fake, tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env({**fake.env(), "CANDOR_INSTANCE_PATH": tmp})
        upstream = Upstream(settings)
        for row in tricks():
            t = report(row["trick"].seed(), row["role"], settings, upstream)
            w = report(row["twin"].seed(), row["role"], settings, upstream)
            out.append({**row, "trick": t, "twin": w})
        out.append(bluesky_ring(settings, upstream))
        p90 = report(honest_p90().seed(), "engineering", settings, upstream)
        out.append({"name": "(reference) an honest P90-like engineer", "role": "engineering",
                    "trick": p90, "twin": p90, "reference": True})
    return out


def honest_p90() -> GitHubPersona:
    return GitHubPersona(
        "honest-p90", followers=90, following=40,
        repos=[("lib", 120), ("cli", 30), ("site", 4)],
        merged=[(f"{o}/{r}", d) for o, r, d in [
            ("rails", "rails", 10), ("python", "cpython", 30), ("pallets", "flask", 50),
            ("numpy", "numpy", 70), ("psf", "requests", 90), ("django", "django", 110),
            ("pandas-dev", "pandas", 130), ("pytest-dev", "pytest", 150)] for _ in range(3)],
        reviews=[("rails/rails", 2), ("pallets/flask", 6), ("django/django", 12),
                 ("numpy/numpy", 16), ("psf/requests", 20)],
        issues=[("python/cpython", 3), ("numpy/numpy", 9), ("psf/requests", 20),
                ("pytest-dev/pytest", 25)],
        pushes=[1, 4, 8, 12, 15, 19, 22, 26, 29])


# --- monotonicity search -----------------------------------------------------------------

def random_person(rng: random.Random) -> list[scoring.NetworkInput]:
    nets = rng.sample(catalogue.networks(), rng.randint(1, 3))
    people = []
    for net in nets:
        obs = []
        for name, spec in catalogue.signals()[net].items():
            if spec.get("from") or rng.random() < 0.3:
                continue
            if spec["kind"] == "level" and not spec.get("per_item"):
                obs.append(Observation(name, float(rng.choice([0, 1, 5, 30, 400, 5000]))))
                continue
            for k in range(rng.randint(1, 8)):
                value = rng.randint(-3, 60) if name == "answer_score" else rng.choice(
                    [0, 1, 2, 4, 9, 30, 800])
                owner = rng.choice(["me", "org", "friend", "rails", "sock0"])
                item = f"{owner}/r{rng.randint(0, 2)}#{k}" if spec.get("saturate") else f"i{k}"
                obs.append(Observation(name, float(value), at=ago(rng.randint(0, 900)),
                                       item=item, own=rng.random() < 0.2))
        reactors = {f"r{i}": rng.randint(1, 9) for i in range(rng.randint(0, 6))}
        data = NetworkData(net, "me", observations=obs, member_of=["org"],
                           reactors=reactors if net in ("bluesky", "mastodon") else {},
                           reactions_sampled=sum(reactors.values())
                           if net in ("bluesky", "mastodon") else 0)
        if rng.random() < 0.15:
            missing = rng.choice(catalogue.scored_signals(net))
            data.partial, data.unobserved = ["call"], [missing]
            data.observations = [o for o in obs if o.signal != missing]
        people.append(scoring.NetworkInput(data, net, "me", "given", "found"))
    return people


def grow(person: list[scoring.NetworkInput], rng: random.Random) -> list[scoring.NetworkInput]:
    """One operation that adds evidence: an item, a reaction, a follower or a network."""
    op = rng.choice(["item", "reaction", "follower", "network"])
    if op == "network":
        have = {n.network for n in person}
        extra = [n for n in random_person(rng) if n.network not in have]
        return person + extra[:1]
    i = rng.randrange(len(person))
    d = person[i].data
    specs = catalogue.signals()[d.network]
    obs = list(d.observations)
    reactors, sampled = dict(d.reactors), d.reactions_sampled
    if op == "follower":
        name = "subscribers" if d.network == "youtube" else "followers"
        if name not in specs or name in d.unobserved:
            return person
        cur = max((o.value for o in obs if o.signal == name), default=0.0)
        obs = [o for o in obs if o.signal != name] + [Observation(name, cur + rng.choice(
            [1, 10, 700]))]
    elif op == "item":
        names = [n for n, s in specs.items() if (s.get("per_item") or s["kind"] == "event")
                 and not s.get("from")]
        if not names:
            return person
        name = rng.choice(names)
        value = rng.randint(-5, 40) if name == "answer_score" else rng.choice([0, 1, 3, 50])
        item = (f"{rng.choice(['me', 'org', 'friend', 'x'])}/new#9"
                if specs[name].get("saturate") else "new")
        obs.append(Observation(name, float(value), at=ago(rng.randint(0, 900)), item=item,
                               own=rng.random() < 0.3))
    else:
        per_item = [k for k, o in enumerate(obs) if specs.get(o.signal, {}).get("per_item")]
        if not per_item:
            return person
        k = rng.choice(per_item)
        obs[k] = dataclasses.replace(obs[k], value=max(obs[k].value, 0.0) + 1)
        if reactors and rng.random() < 0.5:
            who = rng.choice([*reactors, "newcomer"])
            reactors[who] = reactors.get(who, 0) + 1
            sampled += 1
    data = dataclasses.replace(d, observations=obs, reactors=reactors, reactions_sampled=sampled)
    return [dataclasses.replace(n, data=data) if j == i else n for j, n in enumerate(person)]


def monotonicity_search(trials: int, seed: int) -> tuple[int, int]:
    rng = random.Random(seed)
    found = checked = 0
    for _ in range(trials):
        before = random_person(rng)
        after = grow(before, rng)
        for role in scoring.ROLES:
            a = scoring.build_report("s", role, before, now=NOW)
            b = scoring.build_report("s", role, after, now=NOW)
            checked += 1
            lower_c = b["computation"]["combined"] < a["computation"]["combined"] - 1e-9
            lower_s = a["status"] == "scored" and (b["score"] or 0) < a["score"]
            if lower_c or lower_s:
                found += 1
    return found, checked


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    rows = run_tricks()
    print(f"model {scoring.MODEL_VERSION}; personas scored through the real lookup against "
          "the local fakes")
    print(f"{'trick':60} {'role':15} {'twin':>5} {'trick':>5} {'bought':>6}  exclusions")
    worst = combined = ours = 0
    for row in rows:
        t, w = row["trick"], row["twin"]
        bought = score_of(t) - score_of(w)
        rules = sorted({e.get("rule", "?") for e in t["exclusions"]})
        unverified = [n["account"] for n in t["networks"] if n["status"] == "unverified"]
        if unverified:
            rules.append("not verified: " + ", ".join(unverified))
        shown = "-" if row.get("reference") else f"{bought:+d}"
        print(f"{row['name'][:60]:60} {row['role']:15} {score_of(w):5d} {score_of(t):5d} "
              f"{shown:>6}  {', '.join(rules) or 'none'}")
        withheld = [f"{k} {r['status']}" for k, r in (("twin", w), ("trick", t))
                    if r["status"] != "scored"]
        if withheld:
            print(f"{'':60}   no number ({', '.join(withheld)}): counted as 0 points")
        if row.get("note"):
            print(f"{'':60}   note: {row['note']}")
        if row.get("reference"):
            continue
        if row["name"].startswith("(ours)"):
            ours = max(ours, bought)
        elif row.get("combined"):
            combined = max(combined, bought)
        else:
            worst = max(worst, bought)
    found, checked = monotonicity_search(args.trials, args.seed)
    print(f"worst single trick: {worst:+d} points (goal <= {PER_TRICK_GOAL})")
    print(f"all tricks combined: {combined:+d} points (goal <= {COMBINED_GOAL})")
    print(f"our extra tricks, worst: {ours:+d} points (no goal; see the methodology's "
          "'not detectable')")
    print(f"monotonicity counterexamples: {found} of {checked} checks "
          f"({args.trials} random personas x {len(scoring.ROLES)} roles, goal 0)")
    print(f"RESULT gaming_worst_trick={worst} gaming_combined={combined} "
          f"gaming_monotone_counterexamples={found} gaming_ours_worst={ours}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
