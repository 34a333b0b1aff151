"""Monotonicity, on every network, for every role: adding an item (post, video, article,
answer, repository, contribution), a reaction, a follower, an answer or a network never
lowers the score. Plus the regression cases of issue 10 (Bluesky 68 -> 39 and siblings)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.networks.base import NetworkData, Observation
from service.scoring import ROLES, NetworkInput, build_report, catalogue
from tests.scoring.strategies import NOW, OWNERS, dates, network_input, people, source_signals

PROPS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ITEM_SIGNALS = {n: sorted(k for k, s in source_signals(n).items()
                          if s.get("per_item") or s["kind"] == "event")
                for n in catalogue.networks()}
AUDIENCE = {"youtube": "subscribers"}


def scores(person: list[NetworkInput]) -> dict[str, tuple[float, int | None, str]]:
    out = {}
    for role in ROLES:
        r = build_report("s", role, person, now=NOW)
        out[role] = (r["computation"]["combined"], r["score"], r["status"])
    return out


def assert_not_lower(before: dict, after: dict) -> None:
    for role, (c0, s0, st0) in before.items():
        c1, s1, st1 = after[role]
        assert c1 >= c0 - 1e-9, (role, c0, c1)
        if st0 == "scored":
            assert st1 == "scored", role
            assert s1 >= s0, (role, s0, s1)


def with_data(person, index, **changes):
    data = replace(person[index].data, **changes)
    return [replace(x, data=data) if i == index else x for i, x in enumerate(person)]


def index_of(person, network):
    return next(i for i, n in enumerate(person) if n.network == network)


@pytest.mark.parametrize("network", catalogue.networks())
@PROPS
@given(data=st.data())
def test_adding_an_item_never_lowers_any_role(network, data):
    if not ITEM_SIGNALS[network]:
        return
    person = data.draw(people(include=network))
    i = index_of(person, network)
    signal = data.draw(st.sampled_from(ITEM_SIGNALS[network]))
    spec = catalogue.signals()[network][signal]
    value = float(data.draw(st.integers(-5, 60) if signal == "answer_score"
                            else st.sampled_from([0, 1, 3, 40, 5000])))
    item = (f"{data.draw(st.sampled_from(OWNERS))}/new#1" if spec.get("saturate")
            else f"new-{signal}")
    obs = Observation(signal, value, at=data.draw(dates), item=item,
                      own=data.draw(st.booleans()) if spec.get("external_only") else False)
    after = with_data(person, i, observations=[*person[i].data.observations, obs])
    assert_not_lower(scores(person), scores(after))


@pytest.mark.parametrize("network", catalogue.networks())
@PROPS
@given(data=st.data())
def test_adding_a_reaction_never_lowers_any_role(network, data):
    """One more reaction on an existing item; where reactors are sampled it is recorded
    there too, from a new account or (a repeat) from one already in the sample."""
    person = data.draw(people(include=network))
    i = index_of(person, network)
    d = person[i].data
    per_item = [o for o in d.observations
                if catalogue.signals()[network].get(o.signal, {}).get("per_item")]
    if not per_item:
        return
    target = data.draw(st.sampled_from(per_item))
    bumped = replace(target, value=max(target.value, 0.0) + 1)
    obs = list(d.observations)
    obs[obs.index(target)] = bumped
    reactors, sampled = dict(d.reactors), d.reactions_sampled
    if reactors and data.draw(st.booleans()):
        who = data.draw(st.sampled_from([*sorted(reactors), "did:newcomer"]))
        reactors[who] = reactors.get(who, 0) + 1
        sampled += 1
    after = with_data(person, i, observations=obs, reactors=reactors, reactions_sampled=sampled)
    assert_not_lower(scores(person), scores(after))


@pytest.mark.parametrize("network", catalogue.networks())
@PROPS
@given(data=st.data(), delta=st.sampled_from([1.0, 10.0, 600.0]))
def test_adding_a_follower_never_lowers_any_role(network, data, delta):
    name = AUDIENCE.get(network, "followers")
    if name not in catalogue.signals()[network]:
        return
    person = data.draw(people(include=network))
    i = index_of(person, network)
    d = person[i].data
    if name in d.unobserved:
        return
    current = max((o.value for o in d.observations if o.signal == name), default=0.0)
    obs = [o for o in d.observations if o.signal != name] + [Observation(name, current + delta)]
    assert_not_lower(scores(person), scores(with_data(person, i, observations=obs)))


@PROPS
@given(data=st.data(), score=st.integers(-10, 80), accepted=st.booleans())
def test_adding_an_answer_never_lowers_any_role(data, score, accepted):
    person = data.draw(people(include="stackoverflow"))
    i = index_of(person, "stackoverflow")
    at = data.draw(dates)
    new = [Observation("answer_score", float(score), at=at, item="a-new")]
    if accepted:
        new.append(Observation("accepted_answers", 1.0, at=at, item="a-new"))
    after = with_data(person, i, observations=[*person[i].data.observations, *new])
    assert_not_lower(scores(person), scores(after))


@pytest.mark.parametrize("network", catalogue.networks())
@PROPS
@given(data=st.data())
def test_adding_a_network_never_lowers_any_role(network, data):
    person = [n for n in data.draw(people(max_size=2)) if n.network != network]
    added = person + [data.draw(network_input(network))]
    assert_not_lower(scores(person), scores(added))


# --- regression cases of issue 10 --------------------------------------------------------

def _social(network: str, engagements: list[float], followers: float = 300,
            posts_recent: float = 6) -> NetworkInput:
    obs = [Observation("followers", followers), Observation("following", 150),
           Observation("account_age_days", 700), Observation("posts_recent", posts_recent)]
    obs += [Observation("post_engagement", v, at="2026-01-01", item=f"p{k}")
            for k, v in enumerate(engagements)]
    return NetworkInput(NetworkData(network, "h", observations=obs), network, "h", "given",
                        "found")


@pytest.mark.parametrize("network", ["bluesky", "mastodon", "x"])
def test_one_more_post_without_engagement_does_not_lower_the_score(network):
    """Issue 10: a median made one more silent post drop a communications score 68 -> 39."""
    posts = [6.0, 5.0, 4.0, 4.0, 3.0, 0.0]
    base = build_report("s", "communications", [_social(network, posts)], now=NOW)
    more = build_report("s", "communications", [_social(network, [*posts, 0.0])], now=NOW)
    assert base["status"] == more["status"] == "scored"
    assert more["score"] == base["score"]
    many = build_report("s", "communications", [_social(network, [*posts, *[0.0] * 50])],
                        now=NOW)
    assert many["score"] == base["score"]
    # ... and counting the extra posts as recent posts can only add.
    counted = build_report("s", "communications",
                           [_social(network, [*posts, 0.0], posts_recent=7)], now=NOW)
    assert counted["score"] >= base["score"]


def test_one_more_article_or_video_does_not_lower_the_score():
    dev = [Observation("article_engagement", v, item=f"a{k}") for k, v in enumerate([9, 7, 3])]
    dev += [Observation("articles_recent", 3), Observation("account_age_days", 900),
            Observation("article_reactions", 19, at="2025-12-01", item="a0")]
    yt = [Observation("video_views", v, item=f"v{k}") for k, v in enumerate([900, 800, 700])]
    yt += [Observation("subscribers", 400), Observation("videos_recent", 3),
           Observation("account_age_days", 900)]
    for net, obs, name in (("devto", dev, "article_engagement"), ("youtube", yt, "video_views")):
        one = NetworkInput(NetworkData(net, "h", observations=obs), net, "h", "given", "found")
        more = NetworkInput(NetworkData(net, "h", observations=[
            *obs, Observation(name, 0.0, item="silent")]), net, "h", "given", "found")
        a = build_report("s", "communications", [one], now=NOW)
        b = build_report("s", "communications", [more], now=NOW)
        assert a["status"] == "scored" and b["score"] == a["score"], net


def test_a_low_answer_does_not_lower_and_deleting_it_does_not_raise():
    """Stack Overflow's mean score per answer rewarded deleting low answers."""
    answers = [Observation("answer_score", s, at="2025-12-01", item=f"a{k}")
               for k, s in enumerate([12.0, 8.0, 5.0, 3.0])]
    common = [Observation("reputation", 900), Observation("reputation_year", 120),
              Observation("accepted_answers", 2, at="2025-12-01"),
              Observation("account_age_days", 2000)]

    def so(extra):
        d = NetworkData("stackoverflow", "1", observations=[*common, *answers, *extra])
        return build_report("s", "engineering",
                            [NetworkInput(d, "stackoverflow", "1", "given", "found")], now=NOW)

    base = so([])
    low = so([Observation("answer_score", -2.0, at="2025-12-02", item="bad"),
              Observation("answer_score", 0.0, at="2025-12-03", item="meh")])
    assert base["status"] == "scored" and low["score"] == base["score"]
