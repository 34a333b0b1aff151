"""Calibration: a person exactly at a published quantile gets that percentile (±3), ties get
the mid-rank, and every declared table names its source, date and population."""

import math

import pytest

from service.scoring import catalogue
from service.scoring.calibration import curve


def published_points():
    for network in catalogue.networks():
        cal = catalogue.calibration(network)
        for signal, spec in cal["signals"].items():
            for pct, value in spec.get("published", {}).items():
                yield network, signal, float(pct), float(value)


@pytest.mark.parametrize("network,signal,pct,value", list(published_points()))
def test_published_quantile_maps_to_its_percentile(network, signal, pct, value):
    c = curve(network, signal)
    got = c.percentile(value)
    tied = [p for p, v in c.points if v == value]
    if tied[-1] - tied[0] > 6:
        # Many people share this value (e.g. 0 reviews for 81 %): mid-rank of the tie.
        assert got == pytest.approx((tied[0] + tied[-1]) / 2)
        assert tied[0] <= pct <= tied[-1]
    else:
        assert abs(got - pct) <= 3, (network, signal, pct, value, got)


def test_zero_is_mid_rank_not_zeroth_percentile():
    assert curve("github", "reviews").percentile(0) == pytest.approx(40.0)
    assert curve("github", "stars_owned").percentile(0) == pytest.approx(10.0)
    assert curve("bluesky", "followers").percentile(0) == pytest.approx(20.0)


def test_interpolation_matches_research_note():
    # Inverse lookups computed in the research note (§3.2), within a point of rounding.
    assert curve("github", "followers").percentile(100) == pytest.approx(91, abs=1)
    assert curve("github", "stars_owned").percentile(50) == pytest.approx(80, abs=1)
    assert curve("github", "merged_external_prs").percentile(100) == pytest.approx(90, abs=1)


@pytest.mark.parametrize("network", catalogue.networks())
def test_parametric_curves_put_the_declared_median_at_50(network):
    for signal, spec in catalogue.calibration(network)["signals"].items():
        if spec["type"] in ("heavy", "activity"):
            assert curve(network, signal).percentile(spec["median"]) == pytest.approx(50.0)


@pytest.mark.parametrize("network", catalogue.networks())
def test_every_scored_signal_has_a_documented_table(network):
    cal = catalogue.calibration(network)
    for key in ("version", "source", "date", "population", "provisional"):
        assert key in cal
    assert set(catalogue.scored_signals(network)) <= set(cal["signals"])
    for signal in catalogue.scored_signals(network):
        c = curve(network, signal)
        xs = [0, 0.5, 1, 2, 5, 10, 50, 100, 1000, 10**6]
        ps = [c.percentile(x) for x in xs]
        assert ps == sorted(ps) and ps[0] >= 0 and ps[-1] <= 100


def test_value_at_inverts_percentile():
    for network, signal in [("github", "reviews"), ("github", "followers"),
                            ("bluesky", "followers"), ("orcid", "citations"),
                            ("gitlab", "active_weeks")]:
        c = curve(network, signal)
        for target in (60.0, 80.0, 95.0):
            v = c.value_at(target)
            assert c.percentile(math.ceil(v)) >= target - 1e-6
