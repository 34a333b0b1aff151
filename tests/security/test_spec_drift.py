"""Issue 15 item 14: the spec drift schemathesis found, each pinned by a direct test."""

from __future__ import annotations

import pytest

from tests.fakes import github as fake_github


@pytest.fixture
def spec(make_app):
    return make_app().test_client().get("/openapi.json").get_json()


def test_badge_role_has_its_enum(spec):
    role = spec["components"]["schemas"]["Badge"]["properties"]["role"]
    assert role["enum"] == ["engineering", "research", "communications", "sales", "leadership",
                            "general"]


def test_account_fields_have_a_pattern(spec):
    schemas = spec["components"]["schemas"]
    for name, prop in [("BadgeBatchRequest", "accounts"), ("LookupSubject", "accounts"),
                       ("SelfCheckRequest", "accounts"), ("LinksRequest", "accounts")]:
        assert schemas[name]["properties"][prop]["items"]["pattern"], name
    assert schemas["ClaimRequest"]["properties"]["account"]["pattern"]


@pytest.mark.parametrize("value", [0, 1, "true", "no", None])
def test_discover_takes_only_json_booleans(make_app, value):
    client = make_app().test_client()
    r = client.post("/v1/self-checks", json={"accounts": ["github:octocat"], "discover": value})
    assert r.status_code == 422, r.get_json()
    assert "discover" in r.get_json()["error"]["details"]["fields"]["json"]


def test_an_account_without_a_network_is_refused_by_the_schema(make_app):
    r = make_app().test_client().post("/v1/self-checks", json={"accounts": ["000"]})
    assert r.status_code == 422


@pytest.fixture
def claimed(make_app):
    """A verified claim on the fake GitHub profile: (client, token)."""
    fake_github.USERS["drifter"] = user = fake_github._user(
        "drifter", 9100101, name="Drift Er", bio="Dev.", public_repos=0, followers=1,
        created_at="2016-06-06T00:00:00Z")
    try:
        client = make_app().test_client()
        body = client.post("/v1/claims", json={"account": "github:drifter"}).get_json()
        user["bio"] = f"Dev. {body['code']}"
        token = client.post(f"/v1/claims/{body['id']}/verify").get_json()["token"]
        yield client, {"Authorization": f"Bearer {token}"}
    finally:
        del fake_github.USERS["drifter"]


def test_put_links_without_a_body_changes_nothing(claimed):
    client, auth = claimed
    r = client.put("/v1/me/links", headers=auth, json={"accounts": ["stackoverflow:22656"]})
    assert r.status_code == 200 and r.get_json()["extra_accounts"] == ["stackoverflow:22656"]
    for kwargs in ({}, {"json": {}}, {"data": b"", "content_type": "application/json"}):
        r = client.put("/v1/me/links", headers=auth, **kwargs)
        assert r.status_code == 422, (kwargs, r.get_json())
        assert r.get_json()["error"]["code"] == "validation_error"
    me = client.get("/v1/me", headers=auth).get_json()
    assert me["extra_accounts"] == ["stackoverflow:22656"], "an empty PUT cleared the links"
    r = client.put("/v1/me/links", headers=auth, json={"accounts": []})
    assert r.status_code == 200 and r.get_json()["extra_accounts"] == []  # explicit clear
