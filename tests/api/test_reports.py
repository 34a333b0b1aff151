"""Reports, badges, batches, history and probes through the real app and fake upstreams."""

from __future__ import annotations

import json


def test_report_for_an_active_engineer(client, upstream_server):
    response = client.get("/v1/reports/github/octocat?role=engineering")
    assert response.status_code == 200, response.data[:500]
    report = response.get_json()
    assert report["subject"] == "github:octocat"
    assert report["role"] == "engineering"
    assert report["status"] == "scored"
    assert 1 <= report["score"] <= 100
    assert report["caveats"], "the caveat appears wherever a number appears"
    assert report["model_version"] and report["calibration_version"]
    networks = {n["network"]: n for n in report["networks"]}
    assert networks["github"]["linked_by"] == "primary"
    assert any(n["linked_by"] != "primary" for n in report["networks"]), "links discovered"
    assert upstream_server.hits["github"] >= 1


def test_second_request_is_a_cache_hit_with_no_upstream_calls(client, upstream_server):
    first = client.get("/v1/reports/github/octocat")
    assert first.status_code == 200
    calls = sum(upstream_server.hits.values())
    second = client.get("/v1/reports/github/octocat")
    assert second.status_code == 200
    assert second.headers["X-Candor-Cache"] == "hit"
    assert sum(upstream_server.hits.values()) == calls
    assert second.get_json()["score"] == first.get_json()["score"]


def test_badge_etag_and_304(client):
    first = client.get("/v1/badges/github/octocat")
    assert first.status_code == 200
    badge = first.get_json()
    assert badge["caveat_summary"] and badge["caveats"]
    assert badge["report_url"].endswith("/v1/reports/github/octocat?role=general")
    assert "public" in first.headers["Cache-Control"]
    etag = first.headers["ETag"]
    again = client.get("/v1/badges/github/octocat", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""


def test_explicit_accounts_are_added_and_say_how(client):
    response = client.get("/v1/reports/github/octocat?accounts=stackoverflow:22656")
    report = response.get_json()
    linked = {n["account"]: n["linked_by"] for n in report["networks"]}
    assert linked["stackoverflow:22656"] == "given by the caller"


def test_insufficient_data_has_no_number(client):
    report = client.get("/v1/reports/github/newbie").get_json()
    assert report["status"] == "insufficient_data"
    assert report["score"] is None
    assert report["caveats"]


def test_not_found(client):
    report = client.get("/v1/reports/github/ghost-user-404").get_json()
    assert report["status"] == "not_found"
    assert report["score"] is None


def test_failing_network_degrades_instead_of_failing(client, upstream_server):
    upstream_server.faults["bluesky"] = "503"
    response = client.get("/v1/reports/github/octocat")
    assert response.status_code == 200
    report = response.get_json()
    assert report["status"] == "scored"
    assert any(d["network"] == "bluesky" for d in report["degraded"])


def test_batch_badges_in_order_with_per_item_errors(client):
    accounts = ["hackernews:octocat", "github:-bad-", "github:octocat", "myspace:tom"]
    response = client.post("/v1/badges", json={"accounts": accounts, "role": "engineering"})
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert [r["account"] for r in results] == accounts
    assert results[0]["badge"]["subject"] == "hackernews:octocat"
    assert results[1]["error"]["code"] == "invalid_handle"
    assert results[2]["badge"]["role"] == "engineering"
    assert results[3]["error"]["code"] == "unknown_network"


def test_history_records_one_snapshot_per_day(client):
    client.get("/v1/reports/github/octocat")
    history = client.get("/v1/reports/github/octocat/history").get_json()
    assert history["subject"] == "github:octocat"
    assert len(history["snapshots"]) == 1
    point = history["snapshots"][0]
    assert point["score"] is not None and point["model_version"]


def test_opted_out_subject_has_no_data(app, client):
    from service.store import optouts

    with app.extensions["candor"].database.session() as session:
        optouts.opt_out(session, "github:octocat")
    report = client.get("/v1/reports/github/octocat").get_json()
    assert report["status"] == "opted_out"
    assert report["score"] is None and report["networks"] == []
    badge = client.get("/v1/badges/github/octocat").get_json()
    assert badge["status"] == "opted_out" and badge["score"] is None
    assert client.get("/v1/reports/github/octocat/history").get_json()["snapshots"] == []


def test_linkedin_without_a_claim_reads_nothing(client, upstream_server):
    badge = client.get("/v1/badges/linkedin/some-person").get_json()
    assert badge["status"] == "not_claimed"
    assert "LinkedIn" in badge["message"]
    assert sum(upstream_server.hits.values()) == 0


def test_openapi_and_offline_docs(client):
    spec = client.get("/openapi.json").get_json()
    assert "/v1/badges/{network}/{handle}" in spec["paths"]
    assert "/v1/reports/{network}/{handle}" in spec["paths"]
    page = client.get("/docs")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "/v1/badges" in text and "cdn" not in text.lower()


def test_probes_and_metrics(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.get_json()
    client.get("/v1/badges/github/octocat")
    metrics = client.get("/metrics").get_data(as_text=True)
    assert "candor_http_requests_total" in metrics
    assert "candor_cache_events" in metrics
    assert 'candor_upstream_calls_total{network="github"}' in metrics


def _without_times(value):
    """The report minus the moments it was computed and fetched (they differ by design)."""
    if isinstance(value, dict):
        return {k: _without_times(v) for k, v in value.items()
                if k not in ("computed_at", "fetched_at")}
    if isinstance(value, list):
        return [_without_times(v) for v in value]
    return value


def test_report_bytes_are_deterministic_json(app, client):
    first = client.get("/v1/reports/github/octocat?accounts=devto:octocat,gitlab:octocat")
    assert first.status_code == 200
    body = first.data
    # Canonical bytes: sorted keys, no spaces, UTF-8, so equal reports are equal bytes (and
    # ETags): re-serialising the parsed report gives exactly the bytes that were sent.
    canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"),
                           ensure_ascii=False).encode()
    assert body == canonical
    # Computed again from scratch (cache purged), the same inputs give the same report.
    app.extensions["candor"].cache.purge("github:octocat")
    second = client.get("/v1/reports/github/octocat?accounts=devto:octocat,gitlab:octocat")
    assert second.headers["X-Candor-Cache"] != "hit", "not recomputed: proves nothing"
    assert _without_times(json.loads(second.data)) == _without_times(json.loads(body))
    assert second.data == json.dumps(json.loads(second.data), sort_keys=True,
                                     separators=(",", ":"), ensure_ascii=False).encode()


def _badge(client, path: str):
    """The badge, polling while the service answers 202 (computing), with a deadline."""
    import time

    deadline = time.monotonic() + 20
    r = client.get(path)
    while r.status_code == 202 and time.monotonic() < deadline:
        r = client.get(path)
    return r


def test_badge_names_an_organisation_in_its_flags(client, monkeypatch):
    """Organisations are not people: the badge says so in ``flags`` (the extension reads it
    and shows no personal score)."""
    from tests.fakes import github as fake_github

    monkeypatch.setitem(fake_github.USERS, "octo-org", fake_github._user(
        "octo-org", 9919, type="Organization", name="Octo Org", public_repos=0,
        followers=1200, created_at="2012-03-03T00:00:00Z"))
    r = _badge(client, "/v1/badges/github/octo-org?role=engineering")
    assert r.status_code == 200
    assert "organization" in r.get_json()["flags"]
    person = _badge(client, "/v1/badges/github/octocat?role=engineering")
    assert person.status_code == 200
    assert "organization" not in person.get_json()["flags"]
