"""Signals a network shows only over a shorter window than the calibration's year (GitHub's
keyless events API: 30 days) are compared with the year's table at the same pace, named in
the report, and widen the band instead of hiding in the number (issue 11)."""

from dataclasses import replace

from service.networks.base import NetworkData, Observation
from service.scoring import NetworkInput, build_report
from tests.scoring.personas import NOW, ago


def _github(windows: dict[str, int]) -> list[NetworkInput]:
    obs = [Observation("followers", 20), Observation("following", 10),
           Observation("account_age_days", 3000), Observation("active_weeks", 3),
           Observation("stars_owned", 12, item="dev/tool"),
           *[Observation("merged_external_prs", 1, at=ago(30 * k), item=f"o{k}/p#{k}")
             for k in range(6)],
           *[Observation("reviews", 1, at=ago(3 + 5 * k), item=f"o{k}/p#{100 + k}")
             for k in range(2)],
           Observation("external_issues", 0)]
    data = NetworkData("github", "dev", observations=obs, windows=windows)
    return [NetworkInput(data, "github", "dev", "primary", "found", verified_by="primary")]


REST = {"merged_external_prs": 365, "reviews": 30, "external_issues": 30, "active_weeks": 30}


def _row(report):
    return {s["name"]: s for s in report["networks"][0]["signals"]}


def test_short_windows_are_projected_named_and_widen_the_band():
    year = build_report("github:dev", "engineering", _github({}), now=NOW)
    rest = build_report("github:dev", "engineering", _github(REST), now=NOW)
    signals = _row(rest)
    assert signals["active_weeks"]["window_days"] == 30
    assert signals["active_weeks"]["projected"] == round(3 * 365 / 30, 4)
    assert signals["merged_external_prs"]["window_days"] is None  # a full year
    assert _row(year)["active_weeks"]["window_days"] is None
    # Three active weeks out of 30 days is a busier pace than three in a year.
    assert signals["active_weeks"]["percentile"] > _row(year)["active_weeks"]["percentile"]
    caveat = next(c for c in rest["caveats"] if c["code"] == "short_window")
    assert "active_weeks" in caveat["text"] and "30 days" in caveat["text"]
    assert not any(c["code"] == "short_window" for c in year["caveats"])
    # The low end of the band still covers counting only what was seen.
    assert rest["band"]["low"] <= year["score"]


def test_projection_keeps_the_score_monotone():
    base = _github(REST)
    more = _github(REST)
    data = more[0].data
    more = [replace(more[0], data=replace(data, observations=data.observations + [
        Observation("reviews", 1, at=ago(1), item="q/r#7")]))]
    assert build_report("s", "engineering", more, now=NOW)["score"] >= \
        build_report("s", "engineering", base, now=NOW)["score"]

