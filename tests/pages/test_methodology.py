"""The methodology page shows the values of the model's data files (read here directly from
the JSON, not through the code that renders the page)."""

from __future__ import annotations

import json
from html import unescape
from pathlib import Path

import pytest

from service.api.pages import CSP

DATA = Path(__file__).resolve().parents[2] / "service" / "scoring" / "data"


def load(name: str):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


@pytest.fixture
def page(client) -> str:
    r = client.get("/methodology")
    assert r.status_code == 200
    assert r.headers["Content-Security-Policy"] == CSP
    return unescape(r.get_data(as_text=True))


def g(x) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def test_versions(page):
    model = load("model.json")
    assert model["model_version"] in page and model["calibration_version"] in page
    assert load("reference.json")["version"] in page


def test_signals_and_tips(page):
    for network, sigs in load("signals.json").items():
        if network.startswith("_"):
            continue
        assert f"<h3>{network}</h3>" in page
        for name, spec in sigs.items():
            assert f'<th scope="row">{name}</th>' in page
        tips = load("tips.json")["signals"].get(network, {})
        for name in tips:
            assert tips[name]["text"] in unescape(page)


def test_role_weights_and_ignores(page):
    roles = load("roles.json")["roles"]
    networks = sorted({n for r in roles.values() for n in r["networks"]})
    for name, spec in roles.items():
        row = f'<th scope="row">{name}</th>' + "".join(
            f"<td>{g(spec['networks'].get(n, 0.0))}</td>" for n in networks)
        assert row in page.replace("\n", ""), name
        assert spec["ignores"] in page


def test_calibration_sources_and_summary_points(page):
    for path in sorted((DATA / "calibration").glob("*.json")):
        cal = json.loads(path.read_text(encoding="utf-8"))
        for key in ("source", "date", "population", "version"):
            assert cal[key] in page, (path.name, key)
        for name, spec in cal["signals"].items():
            if spec["type"] == "quantiles":
                q = spec["quantiles"]
                assert f"p50 = {g(q[50])}" in page and f"p90 = {g(q[90])}" in page
            elif spec["type"] in ("heavy", "activity"):
                assert f"m (median) = {g(spec['median'])}" in page


def test_exclusion_thresholds_and_caveats(page):
    model = load("model.json")
    assert f"share per item: {g(model['per_item_share'])}" in page
    assert f"full weight at {model['reciprocity']['following_full']} accounts followed" in page
    sat = model["saturation"]
    assert (f"per repository: knee {g(sat['repository']['knee'])}, "
            f"limit {g(sat['repository']['limit'])}") in page
    assert f"ramp: age/{g(model['young_account']['ramp_days'])}" in page
    assert f"the first {model['bought_audience']['protected_audience']} followers" in page
    assert model["bought_audience"]["source"] in page
    caveats = load("caveats.json")
    for c in caveats["general"]:
        assert c["text"] in page
    for text in caveats["specific"].values():
        assert text in page


def test_page_is_short_not_a_dump(client):
    html = client.get("/methodology").get_data(as_text=True)
    # 101-row quantile tables are summarised: the full github followers row is not there.
    full = ", ".join(str(v) for v in load("calibration/github.json")["signals"]["followers"]
                     ["quantiles"][:20])
    assert full not in html
    assert "<script" not in html and " style=" not in html


def test_every_rule_a_report_can_name_is_explained(page):
    for code in ("own_work", "repository_saturation", "maintainer_saturation", "young_account",
                 "follow_back", "star_spread", "engagement_ring", "item_cap", "bought_audience"):
        assert code in page, code
    assert "What the rules cannot detect" in page
    assert "measured zero" in page and "unobserved" in page


def test_github_tables_say_what_they_measure_and_where_they_come_from(page):
    cal = load("calibration/github.json")
    assert "closed unmerged" in cal["source"] and cal["measures"] in page
    for spec in cal["signals"].values():
        assert spec["note"] in page
    assert "generous" not in page.replace("strict, not generous", "")
    assert "all-time" in cal["signals"]["merged_external_prs"]["note"]


def test_breadth_effect_is_shown_with_the_models_numbers(page):
    from service.scoring.reference import breadth_scores

    roles = load("roles.json")["roles"]
    for role in roles:
        row = f'<th scope="row">{role}</th>' + "".join(
            f"<td>{s}</td>" for s in breadth_scores(role))
        assert row in page.replace("\n", ""), role


def test_lists_every_tip_with_its_time_to_effect(client):
    from service.scoring.tips import tip_data

    html = client.get("/methodology").get_data(as_text=True)
    for signals in tip_data()["signals"].values():
        for tip in signals.values():
            assert tip["text"] in unescape(html)
    assert "halves every 180 days" in unescape(html)
