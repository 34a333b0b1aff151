"""Claims end to end against the fake GitHub profile, and the person's controls: access log,
links (LinkedIn mapping), opt-out everywhere at once across two instances, opt-in."""

from __future__ import annotations

import pytest

from tests.fakes import github as fake_github
from tests.recruiter.conftest import auth, build_app, dispose, make_settings


@pytest.fixture
def claimer():
    """A GitHub profile whose bio the test edits, as the person would on github.com."""
    fake_github.USERS["claimer"] = fake_github._user(
        "claimer", 9100099, name="Claim Er", bio="Backend developer.", public_repos=0,
        followers=5, created_at="2016-06-06T00:00:00Z")
    yield fake_github.USERS["claimer"]
    del fake_github.USERS["claimer"]


def _claim(client, claimer) -> str:
    r = client.post("/v1/claims", json={"account": "github:Claimer"})
    assert r.status_code == 201
    body = r.get_json()
    assert body["account"] == "github:claimer" and body["code"].startswith("candor-")
    assert body["code"] in body["instructions"] and "GitHub profile bio" in body["instructions"]
    r = client.post(f"/v1/claims/{body['id']}/verify")
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "code_not_found"
    claimer["bio"] = f"Backend developer. {body['code']}"
    r = client.post(f"/v1/claims/{body['id']}/verify")
    assert r.status_code == 200
    token = r.get_json()["token"]
    assert client.post(f"/v1/claims/{body['id']}/verify").status_code == 409
    return token


def test_claim_access_log_and_links(app, client, claimer, new_key):
    token = _claim(client, claimer)
    assert client.get("/v1/me", headers=auth("cct_wrong")).status_code == 401
    me = client.get("/v1/me", headers=auth(token)).get_json()
    assert me["account"] == "github:claimer" and me["opted_out"] is False
    _, raw = new_key(app, name="Acme recruiting")
    r = client.post("/v1/lookups", json={"subjects": [{"accounts": ["github:claimer"]}],
                                         "purpose": "platform team"}, headers=auth(raw))
    assert r.status_code == 202
    from tests.recruiter.conftest import wait_done

    wait_done(client, r.headers["Location"], raw)
    log = client.get("/v1/me/access-log", headers=auth(token)).get_json()
    assert log["total"] == 1
    assert log["entries"][0]["key_name"] == "Acme recruiting"
    assert log["entries"][0]["purpose"] == "platform team"
    # LinkedIn: not claimed until declared; then the badge is the claimed subject's.
    badge = client.get("/v1/badges/linkedin/claim-er").get_json()
    assert badge["status"] == "not_claimed"
    r = client.put("/v1/me/links", headers=auth(token), json={
        "accounts": ["stackoverflow:22656"], "linkedin": "https://www.linkedin.com/in/Claim-Er/"})
    assert r.status_code == 200
    assert r.get_json()["linkedin_url"] == "https://www.linkedin.com/in/claim-er"
    assert r.get_json()["extra_accounts"] == ["stackoverflow:22656"]
    badge = client.get("/v1/badges/linkedin/claim-er").get_json()
    assert badge["subject"] == "github:claimer"
    bad = client.put("/v1/me/links", headers=auth(token),
                     json={"linkedin": "https://evil.example/in/claim-er"})
    assert bad.status_code == 400


def test_opt_out_everywhere_at_once_across_instances(upstream_server, tmp_path, redis_url,
                                                     claimer, new_key):
    shared = {"CANDOR_CACHE_URL": redis_url,
              "CANDOR_DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite3'}"}
    a = build_app(make_settings(upstream_server, tmp_path / "a", **shared))
    b = build_app(make_settings(upstream_server, tmp_path / "b", **shared))
    try:
        ca, cb = a.test_client(), b.test_client()
        token = _claim(ca, claimer)
        before = cb.get("/v1/badges/github/claimer")
        assert before.status_code == 200 and before.get_json()["status"] != "opted_out"
        assert cb.get("/v1/badges/github/claimer").headers["X-Candor-Cache"] == "hit"
        _, raw = new_key(a)
        first = ca.post("/v1/lookups", json={"subjects": [{"accounts": ["github:claimer"]}]},
                        headers=auth(raw))
        assert first.status_code == 200  # fresh in the shared cache
        r = ca.post("/v1/me/opt-out", headers=auth(token))
        assert r.status_code == 200 and r.get_json()["opted_out"] is True
        after = cb.get("/v1/badges/github/claimer").get_json()
        assert after["status"] == "opted_out" and after.get("score") is None
        report = cb.get("/v1/reports/github/claimer").get_json()
        assert report["status"] == "opted_out" and report["networks"] == []
        assert cb.get("/v1/reports/github/claimer/history").get_json()["snapshots"] == []
        r = cb.post("/v1/lookups", json={"subjects": [{"accounts": ["github:claimer"]}]},
                    headers=auth(raw))
        assert r.status_code == 200
        [result] = r.get_json()["results"]
        assert result["status"] == "opted_out" and result["report"] is None
        r = ca.post("/v1/me/opt-in", headers=auth(token))
        assert r.get_json()["opted_out"] is False
        back = cb.get("/v1/badges/github/claimer").get_json()
        assert back["status"] not in ("opted_out", "pending")
    finally:
        dispose(a)
        dispose(b)


def test_claims_need_a_network_with_profile_text(client):
    r = client.post("/v1/claims", json={"account": "hackernews:pg"})
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "unsupported_network"
    assert client.post("/v1/claims/nope/verify").status_code == 404
