"""Issue 15 item 5: no Host header reaches a cached body; X-Forwarded-* only behind a proxy."""

from __future__ import annotations


def test_a_hostile_host_header_never_reaches_a_cached_badge(make_app, upstream_server):
    client = make_app().test_client()
    cold = client.get("/v1/badges/github/octocat", headers={"Host": "evil.example"})
    assert cold.status_code == 200 and cold.headers["X-Candor-Cache"] == "miss"
    assert cold.get_json()["report_url"] == "/v1/reports/github/octocat?role=general"
    later = client.get("/v1/badges/github/octocat")
    assert later.headers["X-Candor-Cache"] == "hit"
    assert b"evil.example" not in later.data
    report = client.get("/v1/reports/github/octocat", headers={"Host": "evil.example"})
    batch = client.post("/v1/badges", json={"accounts": ["github:newbie"]},
                        headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"})
    assert b"evil.example" not in report.data + batch.data


def test_a_configured_public_url_is_the_link_base(make_app):
    client = make_app(CANDOR_PUBLIC_URL="https://candor.example/").test_client()
    badge = client.get("/v1/badges/github/octocat", headers={"Host": "evil.example"}).get_json()
    assert badge["report_url"] == "https://candor.example/v1/reports/github/octocat?role=general"
    linkedin = client.get("/v1/badges/linkedin/someone", headers={"Host": "evil.example"})
    assert linkedin.get_json()["report_url"].startswith("https://candor.example/")


def _statuses(client, forwarded_for: list[str]) -> list[int]:
    # An unknown network is answered without upstream calls but still charged (cost 1).
    return [client.get("/v1/reports/nonet/x", headers={"X-Forwarded-For": ip}).status_code
            for ip in forwarded_for]


def test_x_forwarded_for_is_ignored_without_a_configured_proxy(make_app):
    client = make_app(CANDOR_REPORT_LIMIT="2/minute").test_client()
    # Three "different clients" by header are one peer: the third is refused.
    assert _statuses(client, ["198.51.100.1", "198.51.100.2", "198.51.100.3"]) == [404, 404, 429]


def test_behind_one_proxy_each_forwarded_client_has_its_own_bucket(make_app):
    client = make_app(CANDOR_REPORT_LIMIT="2/minute", CANDOR_PROXY_HOPS="1").test_client()
    assert _statuses(client, ["198.51.100.1", "198.51.100.2", "198.51.100.3"]) == [404, 404, 404]
    assert _statuses(client, ["198.51.100.9"] * 3) == [404, 404, 429]
    # The proxy appends the peer it saw: a client-supplied first entry does not pick a bucket.
    assert _statuses(client, ["1.2.3.4, 198.51.100.9"]) == [429]
