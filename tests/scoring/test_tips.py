"""Tips (issue 13): a tip for every coached signal with headroom, zeros included, ranked by
the gain the model computes at the next realistic step; never more than one decile; the
target never cut by a cap in its own re-scoring; texts from data with a time to effect."""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.networks.base import LinkedAccount, NetworkData, Observation
from service.scoring import ROLES, NetworkInput, build_report, catalogue
from service.scoring.network import score_network
from service.scoring.tips import (
    coached,
    exact_score,
    step_inputs,
    tip_data,
    tips_for,
)
from tests.scoring import personas
from tests.scoring.strategies import NOW as RANDOM_NOW
from tests.scoring.strategies import people

NOW = personas.NOW
VOLUME = re.compile(r"\b(follow(?:ers?|[- ]?back)?|repost|retweet|delete|every day|daily|"
                    r"weekly|as many|more posts|post more|\d+ (?:posts|issues|stars))\b", re.I)


def _tips(profile, role="engineering"):
    person = profile()
    return tips_for(person[0].account, role, person, now=NOW)


def _scored(tips):
    return [t for t in tips if t["gain"] is not None]


def _recompute(person, tip, role, now=NOW):
    """Re-apply the tip's step independently of tips_for and re-score."""
    inputs = sorted(person, key=lambda n: (n.network, n.handle, n.linked_by, n.status))
    index = next(i for i, n in enumerate(inputs) if n.account == tip["account"])
    before = build_report("s", role, inputs, now=now)
    moved = step_inputs(inputs, index, tip["signal"], tip["from"], tip["to"], role, now)
    after = build_report("s", role, moved, now=now)
    return round(exact_score(after) - exact_score(before), 1), moved[index]


@pytest.mark.parametrize("profile", [personas.median_engineer, personas.new_graduate])
def test_first_merged_pr_and_first_review_come_first(profile):
    tips = _scored(_tips(profile))
    first_two = {(t["signal"], t["from"], t["to"]) for t in tips[:2]}
    assert first_two == {("reviews", 0.0, 1.0), ("merged_external_prs", 0.0, 1.0)}
    assert all(t["step"] == "one more" for t in tips[:2])
    assert all(t["gain"] >= 3 for t in tips[:2]), [t["gain"] for t in tips[:2]]


@pytest.mark.parametrize("name", sorted(personas.PROFILES))
@pytest.mark.parametrize("role", ["engineering", "general", "communications"])
def test_every_issue_profile_gets_three_tips_sorted_by_gain(name, role):
    tips = _scored(_tips(personas.PROFILES[name], role))
    # The issue's table is on the default and engineering roles. Under communications a
    # fifth-ranked network adds almost nothing (diminishing returns across networks), and
    # the tips say so by not promising a gain the model would not give.
    assert len(tips) >= (3 if role != "communications" else 1), (
        name, role, [(t["signal"], t["gain"]) for t in tips])
    gains = [t["gain"] for t in tips]
    assert gains == sorted(gains, reverse=True) and all(g > 0 for g in gains)
    for t in tips:
        assert t["signal"] and t["to"] > t["from"]
        assert t["text"] == tip_data()["signals"][t["network"]][t["signal"]]["text"]
        assert "not a measure of your worth" in t["not_changed"]


@pytest.mark.parametrize("name", sorted(personas.PROFILES))
def test_no_tip_jumps_more_than_one_decile(name):
    for t in _scored(_tips(personas.PROFILES[name], "general")):
        if t["step"] == "one more":
            assert t["to"] - t["from"] == pytest.approx(1.0)
            assert t["from"] < tip_data()["count_below"]
        elif t["to"] - t["from"] > 1 + 1e-9:  # whole-number signals step by at least one
            # (one whole item more than the decile needs may add a few tenths)
            assert t["percentile_to"] - t["percentile_from"] <= 10.0 + 0.5, t


def test_p90_is_pointed_at_the_next_step_not_the_99th():
    tips = {t["signal"]: t for t in _scored(_tips(personas.p90_engineer))
            if t["network"] == "github"}
    stars = tips["stars_owned"]
    assert stars["to"] < 1000, stars  # "154 -> 2,599" was the 99th percentile
    assert stars["percentile_to"] <= 96


@pytest.mark.parametrize("name", sorted(personas.PROFILES))
def test_no_target_is_cut_by_a_cap_in_its_own_rescoring(name):
    person = personas.PROFILES[name]()
    for t in _scored(tips_for(person[0].account, "general", person, now=NOW)):
        gain, moved = _recompute(person, t, "general")
        assert gain == t["gain"]
        result = score_network(moved.data, "general", NOW)
        res = next(r for r in result.signals if r.name == t["signal"])
        young = sum(a for rule, _, a in res.removals if rule == "young_account")
        assert res.value + young >= t["to"] - 1e-3, (t, res.removals)


def test_tip_texts_are_contribution_advice_with_a_time_to_effect():
    for network, signals in tip_data()["signals"].items():
        for signal, tip in signals.items():
            spec = catalogue.signals()[network][signal]
            assert spec.get("scored") and not spec.get("gameable"), (network, signal)
            assert not VOLUME.search(tip["text"]), (network, signal, tip["text"])
    for t in _scored(_tips(personas.median_engineer)):
        spec = catalogue.signals()["github"][t["signal"]]
        if spec["kind"] == "event":  # "merged PRs count for a year, their weight halving..."
            assert f"halves every {spec['half_life']} days" in t["effect"]
            assert "last year" in t["effect"]
        else:
            assert "shows today" in t["effect"]
        assert "next refresh" in t["effect"]


def test_gameable_signals_never_get_a_tip():
    for name, profile in personas.PROFILES.items():
        for t in _tips(profile, "communications"):
            if t["signal"]:
                assert coached(t["network"], t["signal"]), (name, t["signal"])
                assert not catalogue.signals()[t["network"]][t["signal"]].get("gameable")


def test_identity_tip_says_how_to_verify_and_the_gain_once_it_counts():
    person = personas.median_engineer()
    so = NetworkData("stackoverflow", "4242", observations=[
        Observation("reputation", 1200), Observation("reputation_year", 400),
        Observation("account_age_days", 2000),
        *[Observation("accepted_answers", 1, at=personas.ago(30 * k)) for k in range(5)]])
    how = "Add https://github.com/median to the website field of your Stack Overflow profile."
    listed = NetworkInput(None, "stackoverflow", "4242", "github blog", "unverified",
                          how_to_verify=how)
    withheld = NetworkInput(so, "stackoverflow", "4242", "github blog", "unverified",
                            how_to_verify=how)
    tips = tips_for("github:median", "engineering", person + [listed], now=NOW,
                    withheld=[withheld])
    identity = [t for t in tips if t["kind"] == "identity"]
    assert len(identity) == 1 and how in identity[0]["text"]
    assert identity[0]["gain"] and identity[0]["gain"] > 0
    # Not counted until verified: the report without it is the same as without the row.
    assert build_report("s", "engineering", person + [listed], now=NOW)["score"] == \
        build_report("s", "engineering", person, now=NOW)["score"]


def test_link_tip_for_published_accounts_not_included():
    person = personas.median_engineer()
    gh = person[0].data
    gh.links.append(LinkedAccount("bluesky:median.dev", "github social_accounts"))
    links = [t for t in tips_for("github:median", "engineering", person, now=NOW)
             if t["kind"] == "link"]
    assert [t["account"] for t in links] == ["bluesky:median.dev"]
    assert links[0]["gain"] is None and "links back" in links[0]["text"]


def test_insufficient_data_gets_no_signal_tips():
    thin = NetworkData("github", "x", observations=[Observation("followers", 1)])
    tips = tips_for("s", "engineering", [NetworkInput(thin, "github", "x", "given", "found")],
                    now=NOW)
    assert [t for t in tips if t["kind"] == "contribution"] == []


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(person=people(max_size=2), role=st.sampled_from(ROLES))
def test_random_people_tips_are_honest(person, role):
    report = build_report("s", role, person, now=RANDOM_NOW)
    for t in tips_for("s", role, person, now=RANDOM_NOW):
        if t["kind"] != "contribution":
            continue
        assert t["gain"] > 0 and report["status"] == "scored"
        assert coached(t["network"], t["signal"])
        gain, _ = _recompute(person, t, role, now=RANDOM_NOW)
        assert gain == t["gain"]


def test_no_identity_tip_for_an_account_nothing_can_verify():
    person = personas.median_engineer()
    hn = NetworkInput(None, "hackernews", "median", "github blog", "unverified",
                      how_to_verify="hackernews offers no link Candor can check",
                      verifiable=False)
    tips = tips_for("github:median", "engineering", person + [hn], now=NOW,
                    withheld=[hn])
    assert not [t for t in tips if t["kind"] == "identity"]
