"""API keys (hashed, header-only, revocation, scopes) and rate limits (per key with batch
cost, per IP on badges and claims, shared by two instances through Redis)."""

from __future__ import annotations

from sqlalchemy import select

from service.store.models import ApiKey
from tests.recruiter.conftest import auth, build_app, dispose, make_settings

BODY = {"subjects": [{"accounts": ["github:octocat"], "role": "engineering"}]}


def _batch(n: int) -> dict:
    return {"subjects": [{"accounts": [f"github:user{i}"]} for i in range(n)],
            "purpose": "screening"}


def test_missing_invalid_revoked_and_wrong_scope(app, client, new_key):
    r = client.post("/v1/lookups", json=BODY)
    assert r.status_code == 401
    assert r.get_json()["error"]["code"] == "unauthorized"
    assert "Bearer" in r.headers["WWW-Authenticate"]
    assert client.post("/v1/lookups", json=BODY, headers=auth("cnd_0000abcd_" + "x" * 43)
                       ).status_code == 401
    key_id, raw = new_key(app)
    # In the query string a key is ignored: it would end up in access logs.
    assert client.get(f"/v1/audit?api_key={raw}").status_code == 401
    assert client.get("/v1/audit", headers={"X-API-Key": raw}).status_code == 200
    tampered = raw[:-1] + ("A" if raw[-1] != "A" else "B")
    assert client.get("/v1/audit", headers=auth(tampered)).status_code == 401
    from service.store import keys

    with app.extensions["candor"].database.session() as session:
        assert keys.revoke_key(session, key_id)
    r = client.get("/v1/audit", headers=auth(raw))
    assert r.status_code == 401 and "revoked" in r.get_json()["error"]["message"]
    _, no_scope = new_key(app, scopes=())
    r = client.post("/v1/lookups", json=BODY, headers=auth(no_scope))
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "forbidden"


def test_keys_are_stored_as_hashes_only(app, new_key):
    _, raw = new_key(app)
    with app.extensions["candor"].database.session() as session:
        row = session.scalars(select(ApiKey)).one()
        stored = [str(v) for v in (row.name, row.prefix, row.key_hash, row.scopes)]
    assert all(raw not in v and raw.split("_")[2] not in v for v in stored)
    assert row.prefix in raw and len(row.key_hash) == 64


def test_no_sorting_or_filtering_and_at_most_100(app, client, new_key):
    _, raw = new_key(app)
    for extra in ({"sort": "score"}, {"min_score": 50}, {"order_by": "score"}):
        r = client.post("/v1/lookups", json={**BODY, **extra}, headers=auth(raw))
        assert r.status_code == 422, extra
    r = client.post("/v1/lookups", json=_batch(101), headers=auth(raw))
    assert r.status_code == 422
    r = client.post("/v1/lookups", json={"subjects": [{"accounts": ["github:"]}]},
                    headers=auth(raw))
    assert r.status_code == 400 and r.get_json()["error"]["details"]["position"] == 0


def test_a_batch_costs_its_size(upstream_server, tmp_path, new_key):
    # claimed-only: nobody is claimed, so every answer is immediate and costs no upstream call.
    app = build_app(make_settings(upstream_server, tmp_path / "i",
                                  CANDOR_RECRUITER_VISIBILITY="claimed-only"))
    client = app.test_client()
    _, raw = new_key(app, per_minute=1)  # 60 an hour
    r = client.post("/v1/lookups", json=_batch(50), headers=auth(raw))
    assert r.status_code == 200
    assert {x["status"] for x in r.get_json()["results"]} == {"not_claimed"}
    assert r.headers["RateLimit-Limit"] == "60" and r.headers["RateLimit-Remaining"] == "10"
    r = client.post("/v1/lookups", json=_batch(11), headers=auth(raw))
    assert r.status_code == 429
    err = r.get_json()["error"]
    assert err["code"] == "rate_limited" and err["details"]["cost"] == 11
    assert int(r.headers["Retry-After"]) >= 1
    assert r.headers["RateLimit-Remaining"] == "10"
    assert client.post("/v1/lookups", json=_batch(10), headers=auth(raw)).status_code == 200
    assert upstream_server.hits.total() == 0


def test_badges_are_limited_per_ip(app, client):
    from limits import parse

    from service.web.limits import BADGE_LIMIT

    allowed = parse(BADGE_LIMIT).amount  # the configured limit (CANDOR_BADGE_LIMIT)
    ok = 0
    for _ in range(allowed):
        r = client.get("/v1/badges/github/newbie")
        ok += r.status_code == 200
    assert ok == allowed
    r = client.get("/v1/badges/github/newbie")
    assert r.status_code == 429
    assert r.get_json()["error"]["code"] == "rate_limited"
    assert 1 <= int(r.headers["Retry-After"]) <= 60
    assert r.headers["X-RateLimit-Limit"] == str(allowed)
    assert r.headers["X-RateLimit-Remaining"] == "0"
    # Another address has its own budget.
    other = client.get("/v1/badges/github/newbie", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert other.status_code == 200 and "Retry-After" not in other.headers


def test_limits_are_shared_by_two_instances_on_redis(upstream_server, tmp_path, redis_url,
                                                     new_key):
    shared = {"CANDOR_CACHE_URL": redis_url, "CANDOR_RECRUITER_VISIBILITY": "claimed-only",
              "CANDOR_DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite3'}"}
    a = build_app(make_settings(upstream_server, tmp_path / "a", **shared))
    b = build_app(make_settings(upstream_server, tmp_path / "b", **shared))
    try:
        _, raw = new_key(a, per_minute=1)
        assert a.test_client().post("/v1/lookups", json=_batch(40),
                                    headers=auth(raw)).status_code == 200
        r = b.test_client().post("/v1/lookups", json=_batch(30), headers=auth(raw))
        assert r.status_code == 429 and r.headers["RateLimit-Remaining"] == "20"
        assert b.test_client().post("/v1/lookups", json=_batch(20),
                                    headers=auth(raw)).status_code == 200
        # Badge limits too: 200 from A and 100 from B exhaust the same address's budget.
        ca, cb = a.test_client(), b.test_client()
        for _ in range(200):
            ca.get("/v1/badges/github/newbie")
        statuses = [cb.get("/v1/badges/github/newbie").status_code for _ in range(101)]
        assert statuses.count(429) == 1 and statuses[-1] == 429
    finally:
        dispose(a)
        dispose(b)


def test_claims_are_limited_per_ip(client):
    codes = [client.post("/v1/claims", json={"account": f"github:someone{i}"}).status_code
             for i in range(21)]
    assert codes[:20] == [201] * 20 and codes[20] == 429
