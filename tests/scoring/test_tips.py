"""Tips: every gain is positive and equals an independent re-scoring; no tip targets a
gameable or excluded signal; published-but-unlinked accounts get a link tip."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.networks.base import LinkedAccount, NetworkData, Observation
from service.scoring import ROLES, NetworkInput, build_report, catalogue
from service.scoring.tips import moved, tips_for
from tests.scoring.strategies import NOW, people


def ada() -> list[NetworkInput]:
    gh = NetworkData("github", "ada", observations=[
        Observation("followers", 40), Observation("following", 900),
        Observation("stars_owned", 900, item="ada/a"), Observation("stars_owned", 15, item="ada/b"),
        Observation("merged_external_prs", 1, at="2025-11-01", item="x/y#1"),
        Observation("external_issues", 2, at="2025-12-01"),
        Observation("reviews", 1, at="2025-12-20"), Observation("active_weeks", 20)],
        links=[LinkedAccount("bluesky:ada.dev", "github social_accounts"),
               LinkedAccount("stackoverflow:123", "given")])
    so = NetworkData("stackoverflow", "123", observations=[
        Observation("reputation", 300), Observation("reputation_year", 40),
        Observation("accepted_answers", 1, at="2025-10-01"),
        Observation("answer_score_mean", 1.2)])
    return [NetworkInput(gh, "github", "ada", "given", "found"),
            NetworkInput(so, "stackoverflow", "123", "github", "found")]


def _recompute(person, tip, role):
    """Rebuild the moved input independently of tips_for and re-score it."""
    inputs = sorted(person, key=lambda n: (n.network, n.handle, n.linked_by, n.status))
    index = next(i for i, n in enumerate(inputs) if n.network == tip["network"])
    before = build_report("s", role, inputs, now=NOW)["score"]
    after = build_report("s", role, moved(inputs, index, tip["signal"], tip["from"], tip["to"]),
                         now=NOW)["score"]
    return after - before


def test_tips_have_positive_gains_equal_to_a_recomputation():
    tips = tips_for("github:ada", "engineering", ada(), now=NOW)
    scored = [t for t in tips if t["gain"] is not None]
    assert scored, "expected at least one tip"
    assert [t["gain"] for t in scored] == sorted((t["gain"] for t in scored), reverse=True)
    for t in scored:
        assert t["gain"] > 0 and t["to"] > t["from"]
        assert t["gain"] == _recompute(ada(), t, "engineering")
        assert "not a measure of your worth" in t["not_changed"]
        assert set(t) == {"signal", "network", "text", "gain", "from", "to", "not_changed"}


def test_no_tip_for_gameable_or_excluded_signals():
    person = ada()
    report = build_report("s", "engineering", person, now=NOW)
    excluded = {(e["network"], e["signal"]) for e in report["exclusions"]}
    assert ("github", "stars_owned") in excluded and ("github", "followers") in excluded
    for t in tips_for("s", "engineering", person, now=NOW):
        if t["signal"] is None:
            continue
        assert (t["network"], t["signal"]) not in excluded
        assert not catalogue.signals()[t["network"]][t["signal"]].get("gameable")


def test_link_tip_for_published_accounts_not_included():
    links = [t for t in tips_for("s", "engineering", ada(), now=NOW) if t["signal"] is None]
    assert [t["network"] for t in links] == ["bluesky"]  # stackoverflow:123 is included
    assert links[0]["gain"] is None and links[0]["reason"]


def test_insufficient_data_gets_no_signal_tips():
    thin = NetworkData("github", "x", observations=[Observation("followers", 1)])
    tips = tips_for("s", "engineering", [NetworkInput(thin, "github", "x", "given", "found")],
                    now=NOW)
    assert tips == []


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(person=people(max_size=2), role=st.sampled_from(ROLES))
def test_random_people_tips_are_honest(person, role):
    report = build_report("s", role, person, now=NOW)
    excluded = {(e["network"], e["signal"]) for e in report["exclusions"]}
    for t in tips_for("s", role, person, now=NOW):
        assert t["gain"] > 0
        assert (t["network"], t["signal"]) not in excluded
        assert not catalogue.signals()[t["network"]][t["signal"]].get("gameable")
        assert t["gain"] == _recompute(person, t, role)
