"""Issue 10 rules, one by one: measured zero vs unobserved, own work (incl. organisations),
per-repository and per-maintainer saturation, the young-account ramp, continuous
reciprocity, star spread and engagement rings. Each rule is named in the exclusions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from service.networks import make_connector
from service.networks.base import NetworkData, Observation
from service.scoring import NetworkInput, build_report, catalogue, exclusions
from tests.scoring.strategies import NOW

GH_NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # the GitHub fake's dates


def net(network, obs, **kw):
    data = NetworkData(network, kw.pop("handle", "me"), observations=obs, **kw)
    return NetworkInput(data, network, data.handle, "given", "found")


def sig(report, name, network=None):
    row = next(r for r in report["networks"] if network in (None, r["network"]))
    return next(s for s in row["signals"] if s["name"] == name)


def rules(report):
    return {e["rule"] for e in report["exclusions"]}


def engineer(**extra):
    obs = [Observation("followers", 30), Observation("following", 10),
           Observation("account_age_days", 3000), Observation("active_weeks", 20),
           Observation("stars_owned", 12, item="me/tool"),
           Observation("reviews", 1, at="2026-01-10", item="rails/rails"),
           Observation("external_issues", 1, at="2026-01-10", item="python/cpython"),
           *[Observation("merged_external_prs", 1, at="2026-01-01", item=f"o{k}/r#{k}")
             for k in range(4)]]
    return net("github", obs + extra.pop("more", []), **extra)


# --- measured zero vs unobserved ----------------------------------------------------------

def test_a_signal_the_network_answered_without_observations_is_a_measured_zero():
    r = build_report("s", "engineering", [net("github", [
        Observation("followers", 30), Observation("active_weeks", 20),
        Observation("stars_owned", 40, item="me/a")])], now=NOW)
    prs = sig(r, "merged_external_prs")
    assert prs["observed"] is True and prs["raw"] == 0 and prs["unobserved"] is False
    assert not [c for c in r["caveats"] if "not reported" in c["text"]]
    assert "signals_imputed" not in {c["code"] for c in r["caveats"]}


def test_github_search_answering_zero_is_a_measured_zero_end_to_end(settings, upstream):
    data = make_connector("github", settings, upstream).fetch("zero", now=GH_NOW)
    assert data.status == "found" and data.unobserved == []
    r = build_report("github:zero", "engineering",
                     [NetworkInput(data, "github", "zero", "primary", "found")], now=GH_NOW)
    prs = sig(r, "merged_external_prs")
    assert prs["raw"] == 0 and prs["observed"] is True
    assert not [c for c in r["caveats"] if "not reported" in c["text"]]


def test_a_failed_call_never_lowers_the_score_widens_the_band_and_is_named(settings, upstream):
    data = make_connector("github", settings, upstream).fetch("flaky", now=GH_NOW)
    assert "events" in data.partial and "reviews" in data.unobserved
    ok = engineer()
    failed = NetworkData("github", "me", observations=[
        o for o in ok.data.observations
        if o.signal not in ("reviews", "external_issues", "active_weeks")],
        partial=["events"], unobserved=["reviews", "external_issues", "active_weeks"])
    zeros = NetworkData("github", "me", observations=[
        *failed.observations, Observation("reviews", 0), Observation("external_issues", 0),
        Observation("active_weeks", 0)])
    r_failed = build_report("s", "engineering",
                            [NetworkInput(failed, "github", "me", "given", "found")], now=NOW)
    r_zero = build_report("s", "engineering",
                          [NetworkInput(zeros, "github", "me", "given", "found")], now=NOW)
    r_ok = build_report("s", "engineering", [ok], now=NOW)
    assert r_failed["score"] >= r_zero["score"]  # never lowered by the failure
    width = r_failed["band"]["high"] - r_failed["band"]["low"]
    assert width > r_ok["band"]["high"] - r_ok["band"]["low"]
    assert r_failed["band"]["low"] <= r_zero["score"]  # the band covers "it was zero"
    (caveat,) = [c for c in r_failed["caveats"] if c["code"] == "signals_imputed"]
    assert "events" in caveat["text"] and "reviews" in caveat["text"]
    assert r_failed["unobserved"] == [{"network": "github", "failed_calls": ["events"],
                                       "signals": ["active_weeks", "external_issues",
                                                   "reviews"]}]
    assert sig(r_failed, "reviews")["observed"] is False


def test_a_legacy_partial_without_unobserved_imputes_instead_of_zeroing():
    d = NetworkData("bluesky", "h", observations=[Observation("followers", 300),
                                                  Observation("account_age_days", 800)],
                    partial=["posts"])
    r = build_report("s", "communications", [NetworkInput(d, "bluesky", "h", "given", "found")],
                     now=NOW)
    assert sig(r, "post_engagement")["unobserved"] is True
    assert "posts" in next(c["text"] for c in r["caveats"] if c["code"] == "signals_imputed")


# --- own work, saturation -----------------------------------------------------------------

def test_work_in_an_organisation_the_person_belongs_to_is_own_work():
    org_prs = [Observation("merged_external_prs", 1, at="2026-01-10", item=f"you-hq/app#{k}")
               for k in range(150)]
    base = build_report("s", "engineering", [engineer(member_of=["you-hq"])], now=NOW)
    gamed = build_report("s", "engineering", [engineer(member_of=["you-hq"], more=org_prs)],
                         now=NOW)
    assert gamed["score"] == base["score"]
    (e,) = [x for x in gamed["exclusions"] if x["rule"] == "own_work"]
    assert e["amount"] == pytest.approx(150 * 2 ** (-5.5 / 180), rel=1e-3)
    assert "you-hq" in e["reason"] and "organisation" in e["reason"]


def test_volume_into_one_repository_or_maintainer_saturates():
    friend = [Observation("merged_external_prs", 1, at="2026-01-10", item=f"friend/app#{k}")
              for k in range(100)]
    r = build_report("s", "engineering", [engineer(more=friend)], now=NOW)
    prs = sig(r, "merged_external_prs")
    rk = catalogue.model()["saturation"]
    assert prs["value"] <= 4 + rk["repository"]["limit"] + 1e-6  # 4 honest repos + 1 friend
    assert "repository_saturation" in rules(r)
    # spread over the friend's ten repositories: the maintainer saturates too
    spread = [Observation("merged_external_prs", 1, at="2026-01-10", item=f"friend/r{k % 10}#{k}")
              for k in range(100)]
    r2 = build_report("s", "engineering", [engineer(more=spread)], now=NOW)
    assert sig(r2, "merged_external_prs")["value"] <= 4 + rk["maintainer"]["limit"] + 1e-6
    assert "maintainer_saturation" in rules(r2)


def test_saturation_is_identity_for_one_contribution_per_repository():
    counted, removals = exclusions.saturate_by_repository(
        [(Observation("reviews", 1, item=f"o{k}/r"), 1.0) for k in range(7)])
    assert counted == pytest.approx(7) and removals == []


# --- young accounts, reciprocity, stars, rings --------------------------------------------

def test_young_accounts_are_discounted_on_the_published_ramp():
    days = catalogue.model()["young_account"]["ramp_days"]
    old = build_report("s", "engineering", [engineer()], now=NOW)
    young_obs = [o for o in engineer().data.observations if o.signal != "account_age_days"]
    young = build_report("s", "engineering", [net("github", [
        *young_obs, Observation("account_age_days", days / 2)])], now=NOW)
    assert sig(young, "followers")["value"] == pytest.approx((30 - 10 * 10 / 500) * 0.5)
    assert "young_account" in rules(young)
    assert "young_account" in {c["code"] for c in young["caveats"]}
    assert (young["score"] or 0) < old["score"]


def test_reciprocity_has_no_cliff_at_500_following():
    def counted(following):
        obs = [o for o in engineer().data.observations
               if o.signal not in ("followers", "following")]
        r = build_report("s", "engineering", [net("github", [
            *obs, Observation("followers", 520), Observation("following", following)])],
            now=NOW)
        return sig(r, "followers")["value"]
    assert counted(499) == pytest.approx(520 - 499 * 499 / 500)
    assert counted(499) - counted(500) < 2  # continuous: no jump at the old threshold
    assert counted(250) > counted(499)


def test_stars_spread_over_many_tiny_repositories_count_only_their_h_core():
    tiny = [Observation("stars_owned", 3, item=f"me/t{k}") for k in range(200)]
    r = build_report("s", "engineering", [engineer(more=tiny)], now=NOW)
    stars = sig(r, "stars_owned")
    assert stars["raw"] == 612 and stars["value"] == pytest.approx(12 + 3 + 3)
    assert "star_spread" in rules(r)


def test_engagement_from_the_same_few_reactors_counts_once():
    posts = [Observation("post_engagement", 4, item=f"p{k}") for k in range(12)]
    common = [Observation("followers", 300), Observation("following", 20),
              Observation("account_age_days", 800), Observation("posts_recent", 12)]
    ring = {f"did:r{k}": 12 for k in range(4)}  # 4 accounts liked all 12 sampled posts
    r = build_report("s", "communications", [net("bluesky", [*common, *posts], reactors=ring,
                                                 reactions_sampled=48)], now=NOW)
    eng = sig(r, "post_engagement")
    assert eng["before"] == 4 and eng["value"] == pytest.approx(2.0)  # sqrt(4 unique)
    assert "engagement_ring" in rules(r)
    assert "engagement_ring" in {c["code"] for c in r["caveats"]}
    fans = {f"did:f{k}": 1 for k in range(48)}  # 48 different people: no ring
    r2 = build_report("s", "communications", [net("bluesky", [*common, *posts], reactors=fans,
                                                  reactions_sampled=48)], now=NOW)
    assert sig(r2, "post_engagement")["value"] == 4 and "engagement_ring" not in rules(r2)


def test_every_exclusion_names_its_rule():
    known = {"own_work", "repository_saturation", "maintainer_saturation", "young_account",
             "follow_back", "bought_audience", "star_spread", "engagement_ring", "item_cap"}
    tiny = [Observation("stars_owned", 3, item=f"me/t{k}") for k in range(20)]
    own = [Observation("merged_external_prs", 1, at="2026-01-10", item="me/x#1")]
    r = build_report("s", "engineering", [engineer(more=tiny + own)], now=NOW)
    assert r["exclusions"] and {e["rule"] for e in r["exclusions"]} <= known
    for s in r["networks"][0]["signals"]:
        assert set(s["exclusion_rules"]) <= known
