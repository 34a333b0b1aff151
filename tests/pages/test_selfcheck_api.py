"""POST /v1/self-checks: the report with tips, through the real app and fake upstreams."""

from __future__ import annotations

from service.scoring import catalogue
from service.scoring.tips import tip_data


def check(client, accounts, role="engineering", **extra):
    return client.post("/v1/self-checks", json={"accounts": accounts, "role": role, **extra})


def test_report_with_tips_sorted_by_gain(client):
    r = check(client, ["stackoverflow:22656"])
    assert r.status_code == 200
    assert r.headers["Cache-Control"] == "no-store"
    report = r.get_json()
    assert report["status"] == "scored" and 1 <= report["score"] <= 100
    scored = [t for t in report["tips"] if t["gain"] is not None]
    assert scored, "an active profile gets at least one tip"
    gains = [t["gain"] for t in scored]
    assert gains == sorted(gains, reverse=True)
    for t in scored:
        assert t["gain"] > 0 and t["to"] > t["from"]
        assert "not a measure of your worth or skill" in t["not_changed"]
    assert report["hover_card"]["score"] == report["score"]
    assert report["model_version"] and report["caveats"]


def test_no_tip_on_gameable_or_excluded_signals(client):
    for accounts in (["github:octocat"], ["stackoverflow:22656"]):
        report = check(client, accounts).get_json()
        signals = {(n["network"], s["name"]): s for n in report["networks"]
                   for s in n["signals"]}
        specs = catalogue.signals()
        tipped = [t for t in report["tips"] if t["signal"]]
        for t in tipped:
            spec = specs[t["network"]][t["signal"]]
            assert not spec.get("gameable")
            assert t["text"] == tip_data()["signals"][t["network"]][t["signal"]]["text"]
            assert (t["network"], t["signal"]) in signals
        gameable = {k for k in signals if specs[k[0]][k[1]].get("gameable")}
        assert gameable, "the fixture has gameable signals, so the rule is exercised"
        assert not gameable & {(t["network"], t["signal"]) for t in tipped}


def test_tip_gains_are_within_reach_and_match_score_after(client):
    """A gain is the re-scored profile's unrounded score minus today's (one decimal)."""
    report = check(client, ["stackoverflow:22656"]).get_json()
    for t in report["tips"]:
        if t["gain"] is not None:
            assert 0 < t["gain"] <= 100 - report["score"]
            assert abs(t["score_after"] - (report["score"] + t["gain"])) <= 1


def test_link_tips_name_published_accounts_not_included(client):
    report = check(client, ["github:octocat"], discover=False).get_json()
    links = [t for t in report["tips"] if t["kind"] == "link"]
    assert any("x:octocat" in t["text"] for t in links)
    assert all(t["gain"] is None and t["reason"] for t in links)
    published = {p["account"] for p in report["published_accounts"]}
    assert "devto:octocat" in published
    assert [n["account"] for n in report["networks"]] == ["github:octocat"]


def test_insufficient_data_has_no_number_and_no_signal_tips(client):
    report = check(client, ["github:newbie"]).get_json()
    assert report["status"] == "insufficient_data" and report["score"] is None
    assert all(t["signal"] is None for t in report["tips"])


def test_profile_url_is_accepted(client):
    report = check(client, ["https://github.com/octocat"], discover=False).get_json()
    assert report["subject"] == "github:octocat"


def test_errors_are_json(client):
    r = check(client, ["foo:bar"])
    assert r.status_code == 400
    assert r.get_json()["error"]["code"] == "invalid_account"
    assert "foo" in r.get_json()["error"]["details"]["account"]
    r = check(client, ["github:octocat"], role="astronaut")
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "validation_error"
    r = client.post("/v1/self-checks", json={"accounts": []})
    assert r.status_code == 422
    r = client.post("/v1/self-checks", data="not json", content_type="application/json")
    assert r.status_code in (400, 422)


def test_documented_in_openapi(client):
    spec = client.get("/openapi.json").get_json()
    assert "post" in spec["paths"]["/v1/self-checks"]
