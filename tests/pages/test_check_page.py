"""The /check page through the real app against the fake upstreams."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

from service.api.pages import CSP
from service.store import optouts


class Headings(HTMLParser):
    """Collects heading levels and every <script>/inline style, to check structure."""

    def __init__(self):
        super().__init__()
        self.levels: list[int] = []
        self.scripts = 0
        self.style_attrs = 0
        self.labels: set[str] = set()
        self.controls: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if re.fullmatch(r"h[1-6]", tag):
            self.levels.append(int(tag[1]))
        if tag == "script":
            self.scripts += 1
        if "style" in a or any(k.startswith("on") for k in a):
            self.style_attrs += 1
        if tag == "label" and a.get("for"):
            self.labels.add(a["for"])
        if tag in ("textarea", "select") or (tag == "input" and a.get("type") == "checkbox"):
            self.controls.append(a.get("id", ""))


def parse(html: str) -> Headings:
    p = Headings()
    p.feed(html)
    return p


def assert_well_formed(html: str) -> None:
    p = parse(html)
    assert p.scripts == 0 and p.style_attrs == 0
    assert p.levels[0] == 1 and p.levels.count(1) == 1
    for a, b in zip(p.levels, p.levels[1:], strict=False):
        assert b <= a + 1, f"heading jumps from h{a} to h{b}"
    assert all(c and c in p.labels for c in p.controls), "every control has a label"


def test_empty_form_page(client):
    r = client.get("/check")
    assert r.status_code == 200
    assert r.headers["Content-Security-Policy"] == CSP
    html = r.get_data(as_text=True)
    assert '<label for="accounts">' in html and 'name="role"' in html
    assert 'action="/check"' in html and 'method="get"' in html
    assert_well_formed(html)


def test_scored_result_page(client, upstream_server):
    r = client.get("/check?accounts=github:octocat&role=engineering")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    report = client.post("/v1/self-checks", json={"accounts": ["github:octocat"],
                                                  "role": "engineering"}).get_json()
    score, pct = report["score"], round(report["percentile"])
    text = unescape(html)
    assert f"{score}: higher than {pct}\xa0% of software engineers" in text
    assert "What this doesn't measure" in text
    for caveat in report["caveats"]:
        if caveat["code"].startswith("not_measured."):
            assert caveat["text"] in text
    assert '<svg class="bars"' in html and "<caption>Per-network breakdown</caption>" in html
    # Discovered accounts are offered for confirmation, with how they were linked.
    assert re.search(r'name="account"\s+value="devto:octocat" checked', html)
    assert "published on github:octocat (github social_accounts)" in html
    assert "linkedin:https://www.linkedin.com/in/octocat" in html  # shown, not scored
    # Signals with raw value, percentile, weight and exclusion reason.
    assert "<th scope=\"row\">merged_external_prs</th>" in html
    gh = next(n for n in report["networks"] if n["account"] == "github:octocat")
    excluded = [s for s in gh["signals"] if s["excluded"]]
    assert excluded and excluded[0]["exclusion_reason"] in text
    # Tips with their gain, and the hover-card preview.
    for tip in report["tips"]:
        assert tip["text"] in text
    assert "What a recruiter's hover card shows" in text
    assert report["hover_card"]["caveat_summary"] in text
    assert 'id="your-data"' in html and "POST /v1/me/opt-out" in html
    assert r.headers["Content-Security-Policy"] == CSP
    assert_well_formed(html)


def test_tips_with_their_gain(client):
    url = "/check?accounts=stackoverflow:22656&role=engineering"
    text = unescape(client.get(url).get_data(as_text=True))
    report = client.post("/v1/self-checks", json={"accounts": ["stackoverflow:22656"],
                                                  "role": "engineering"}).get_json()
    tips = [t for t in report["tips"] if t["gain"]]
    assert tips
    for tip in tips:
        assert f"+{tip['gain']} point" in text and tip["text"] in text
    assert "not a measure of your worth or skill" in text


def test_confirmed_set_is_used_without_rediscovery(client, upstream_server):
    r = client.get("/check?role=engineering&account=github:octocat&account=devto:octocat")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert re.search(r'name="account"\s+value="devto:octocat" checked', html)
    # x:octocat was removed: offered again unticked, and not scored.
    assert re.search(r'name="account"\s+value="x:octocat">', html)
    report = client.post("/v1/self-checks", json={
        "accounts": ["github:octocat", "devto:octocat"], "role": "engineering",
        "discover": False}).get_json()
    assert {n["account"] for n in report["networks"]} == {"github:octocat", "devto:octocat"}


def test_profile_urls_become_accounts(client):
    r = client.get("/check", query_string={
        "accounts": "https://github.com/octocat\nhttps://stackoverflow.com/users/22656/x",
        "role": "engineering"})
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "stackoverflow:22656" in html and "added by you" in html


def test_insufficient_data_is_explained_not_a_number(client):
    r = client.get("/check?accounts=github:newbie&role=engineering")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "Not enough public activity for a score" in html
    assert "<strong>not</strong> a low score" in html
    assert "github:newbie" in html and "unit(s) of evidence" in html
    assert 'class="number"' not in html
    assert_well_formed(html)


def test_bad_account_is_a_400_that_keeps_the_input(client):
    r = client.get("/check?accounts=foo:bar%0Agithub:octocat&role=engineering")
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert 'role="alert"' in html and "does not read a network called" in html
    assert ">foo:bar\ngithub:octocat</textarea>" in html
    assert '<option value="engineering" selected>' in html
    assert r.headers["Content-Security-Policy"] == CSP


def test_malformed_inputs_never_crash(client):
    for qs in ("accounts=", "accounts=github:&role=general", "accounts=octocat",
               "accounts=github:octocat&role=astronaut", "accounts=https://example.com/x",
               "accounts=" + "a" * 10000, "account=github:%00", "accounts=" + "x:a," * 40):
        r = client.get("/check?" + qs)
        assert r.status_code == 400, qs
        assert 'role="alert"' in r.get_data(as_text=True)


def test_hostile_profile_text_is_escaped(client):
    r = client.get("/check?accounts=github:hostile&role=general")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "<script" not in html and "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html  # the name, shown literally
    assert "&lt;script&gt;alert(&#39;bio&#39;)&lt;/script&gt;" in html  # the bio


def test_history_sparkline_when_snapshots_exist(client):
    assert client.get("/v1/reports/github/octocat?role=engineering").status_code == 200
    html = client.get("/check?accounts=github:octocat&role=engineering").get_data(as_text=True)
    assert '<svg class="spark"' in html and "Stored daily scores (1)" in html


def test_opted_out_subject_shows_nothing(app, client):
    with app.extensions["candor"].database.session() as session:
        optouts.opt_out(session, "github:octocat")
    html = client.get("/check?accounts=github:octocat&role=general").get_data(as_text=True)
    assert "This profile has opted out" in html
    assert "Per network" not in html and "Signals" not in html
