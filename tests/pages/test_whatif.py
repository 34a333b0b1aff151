"""What-if (issue 13.5): the self-check's fetched inputs re-scored with a changed value,
through the real app and the fake upstreams; no upstream call is made (counted)."""

from __future__ import annotations

import html
import re

from service.scoring.tips import tip_data


def _check(client, accounts=("github:octocat",), role="engineering"):
    r = client.post("/v1/self-checks", json={"accounts": list(accounts), "role": role,
                                             "discover": False})
    assert r.status_code == 200
    return r.get_json()


def _field(report, account, signal):
    for net in report["what_if_fields"]:
        if net["account"] == account:
            return next(s for s in net["signals"] if s["signal"] == signal)
    raise AssertionError((account, signal))


def test_what_if_rescores_without_upstream_calls(client, upstream_server):
    report = _check(client)
    assert report["check_id"]
    prs = _field(report, "github:octocat", "merged_external_prs")
    hits = sum(upstream_server.hits.values())
    r = client.post("/v1/self-checks/what-if", json={
        "check_id": report["check_id"], "subject": "github:octocat",
        "changes": [{"account": "github:octocat", "signal": "merged_external_prs",
                     "value": prs["value"] + 20}]})
    assert r.status_code == 200, r.get_json()
    assert sum(upstream_server.hits.values()) == hits, "a what-if must not fetch"
    body = r.get_json()
    assert body["today"]["score"] == report["score"]
    assert body["what_if"]["score"] > body["today"]["score"]
    assert body["today"]["band"] and body["what_if"]["band"]
    assert [n["account"] for n in body["what_if"]["networks"]] == ["github:octocat"]
    assert body["what_if"]["caveats"], "the caveat goes wherever a number goes"


def test_what_if_refuses_lower_values_unknown_signals_and_expired_checks(client):
    report = _check(client)
    base = {"check_id": report["check_id"], "subject": "github:octocat"}
    stars = _field(report, "github:octocat", "stars_owned")

    def post(changes, **over):
        return client.post("/v1/self-checks/what-if", json={**base, **over,
                                                             "changes": changes})
    r = post([{"account": "github:octocat", "signal": "stars_owned",
               "value": max(stars["value"] - 5, 0)}])
    if stars["value"] >= 5:
        assert r.status_code == 400 and r.get_json()["error"]["code"] == "lower_value"
    r = post([{"account": "github:octocat", "signal": "nonsense", "value": 3}])
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "unknown_signal"
    r = post([{"account": "github:someoneelse", "signal": "reviews", "value": 3}])
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "unknown_account"
    r = post([{"account": "github:octocat", "signal": "reviews", "value": 3}],
             check_id="A" * 24)
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "check_expired"
    r = post([{"account": "github:octocat", "signal": "reviews", "value": 3}],
             subject="github:other")
    assert r.status_code == 404, "the id is bound to its subject"
    r = post([])
    assert r.status_code == 422


def test_page_has_a_form_per_network_and_shows_both_numbers(client, upstream_server):
    page = client.get("/check?accounts=github:octocat&role=engineering")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "What if?" in html and 'action="/check/what-if"' in html
    check_id = re.search(r'name="check" value="([^"]+)"', html).group(1)
    hits = sum(upstream_server.hits.values())
    r = client.get("/check/what-if", query_string={
        "check": check_id, "subject": "github:octocat",
        "github:octocat|reviews": "40", "github:octocat|followers": ""})
    assert r.status_code == 200
    assert sum(upstream_server.hits.values()) == hits
    text = r.get_data(as_text=True)
    assert "Today" in text and "What if" in text and "What this doesn" in text
    assert "github:octocat" in text and "reviews" in text
    r = client.get("/check/what-if", query_string={
        "check": check_id, "subject": "github:octocat", "github:octocat|reviews": "abc"})
    assert r.status_code == 400 and "not a number" in r.get_data(as_text=True)


def test_tips_carry_effect_and_step_and_come_from_data(client):
    report = _check(client)
    tips = [t for t in report["tips"] if t["kind"] == "contribution"]
    assert tips
    for t in tips:
        assert t["text"] == tip_data()["signals"][t["network"]][t["signal"]]["text"]
        assert t["effect"] and t["step"] in ("one more", "next decile")


def test_the_whole_form_round_trips(client):
    """Every field of a network's form is submitted, most at today's value: only the
    changed one counts, and an unchanged form is a clear 400, not a silent no-op."""
    page = client.get("/check?accounts=github:octocat&role=engineering").get_data(
        as_text=True)
    form = next(f for f in re.findall(r'class="whatif">(.*?)</form>', page, re.S)
                if "|followers" in f)
    fields = {html.unescape(n): v for n, v in
              re.findall(r'name="([^"]+)"[^>]*?value="([^"]*)"', form)}
    r = client.get("/check/what-if", query_string=fields)
    assert r.status_code == 400 and "Change at least one value" in r.get_data(as_text=True)
    key = next(k for k in fields if k.endswith("|followers"))
    fields[key] = str(float(fields[key]) * 3)
    r = client.get("/check/what-if", query_string=fields)
    assert r.status_code == 200, r.get_data(as_text=True)[:500]
    text = r.get_data(as_text=True)
    listed = re.search(r"You changed</h2>\s*<ul>(.*?)</ul>", text, re.S).group(1)
    assert "followers" in listed and "stars_owned" not in listed  # only what changed
