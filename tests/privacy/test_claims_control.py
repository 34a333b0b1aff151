"""Claim tokens (issue 15.6) and the LinkedIn mapping (15.3): one active claim per account,
expiry, listing and revocation by the owner, linked claims that verify an account as the
same person's, and a LinkedIn profile that maps only to its single declaring claim."""

from __future__ import annotations

from datetime import timedelta

from service.store.models import Claim, utcnow
from tests.privacy.conftest import auth, claim_bluesky, claim_github


def test_a_new_verified_claim_revokes_the_old_one_with_notice(deployment, personas,
                                                                monkeypatch):
    person, reader = deployment.person, deployment.reader
    first = claim_github(person, "fan", monkeypatch)["token"]
    second = claim_github(reader, "fan", monkeypatch)["token"]
    old = reader.get("/v1/me", headers=auth(first)).get_json()
    assert old["status"] == "revoked"
    assert [n["code"] for n in old["notices"]] == ["claim_revoked"]
    # The revoked token unlocks nothing but that notice: no opt-out, no log, no links.
    assert reader.post("/v1/me/opt-out", headers=auth(first)).status_code == 401
    assert reader.get("/v1/me/access-log", headers=auth(first)).status_code == 401
    assert reader.put("/v1/me/links", headers=auth(first),
                      json={"accounts": []}).status_code == 401
    new = person.get("/v1/me", headers=auth(second)).get_json()
    assert new["status"] == "verified" and new["expires_at"]
    assert [n["code"] for n in new["notices"]] == ["claim_replaced"]
    assert reader.get("/v1/reports/github/fan").get_json()["status"] != "opted_out"


def test_claims_are_listed_and_revocable_by_their_owner(deployment, personas, monkeypatch):
    person, reader = deployment.person, deployment.reader
    token = claim_github(person, "jskeet", monkeypatch)["token"]
    # A linked claim (started with the token) proves lurker is the same person: no second
    # token, and it now counts for jskeet even though neither profile links the other.
    linked = claim_bluesky(person, "lurker.bsky.social", monkeypatch, token=token)
    assert linked["token"] is None and linked["linked_to"] == "github:jskeet"
    rows = {n["account"]: n for n in reader.get("/v1/reports/github/jskeet").get_json()
            ["networks"]}
    assert rows["bluesky:lurker.bsky.social"]["status"] == "found"
    assert rows["bluesky:lurker.bsky.social"]["verified_by"] == (
        "claim: proven with the same claim token")
    listed = person.get("/v1/me/claims", headers=auth(token)).get_json()["claims"]
    assert [(c["account"], c["status"], c["linked"]) for c in listed] == [
        ("github:jskeet", "verified", False), ("bluesky:lurker.bsky.social", "verified", True)]
    assert "code" not in listed[0] and "token_hash" not in listed[0]
    me = person.get("/v1/me", headers=auth(token)).get_json()
    assert me["proven_accounts"] == ["bluesky:lurker.bsky.social"]
    # Revoke the linked claim: the account stops counting at once, on every instance.
    linked_id = listed[1]["id"]
    r = person.delete(f"/v1/me/claims/{linked_id}", headers=auth(token))
    assert r.status_code == 200 and r.get_json()["proven_accounts"] == []
    rows = {n["account"]: n for n in reader.get("/v1/reports/github/jskeet").get_json()
            ["networks"]}
    assert "bluesky:lurker.bsky.social" not in rows
    # Someone else's claim is not theirs to revoke.
    other = claim_github(reader, "fan", monkeypatch)["token"]
    assert reader.delete(f"/v1/me/claims/{listed[0]['id']}",
                         headers=auth(other)).status_code == 404
    # Revoking the token's own claim signs it out.
    assert person.delete(f"/v1/me/claims/{listed[0]['id']}",
                         headers=auth(token)).status_code == 200
    assert person.get("/v1/me/access-log", headers=auth(token)).status_code == 401


def test_tokens_and_codes_expire(deployment, personas, monkeypatch):
    person = deployment.person
    token = claim_github(person, "fan", monkeypatch)["token"]
    with deployment.database.session() as session:
        claim = session.query(Claim).filter_by(account="github:fan", status="verified").one()
        claim.expires_at = utcnow() - timedelta(seconds=1)
    assert person.get("/v1/me/access-log", headers=auth(token)).status_code == 401
    assert person.post("/v1/me/opt-out", headers=auth(token)).status_code == 401
    me = person.get("/v1/me", headers=auth(token)).get_json()
    assert [n["code"] for n in me["notices"]] == ["claim_expired"]
    pending = person.post("/v1/claims", json={"account": "github:mallory"}).get_json()
    with deployment.database.session() as session:
        session.get(Claim, pending["id"]).expires_at = utcnow() - timedelta(seconds=1)
    r = person.post(f"/v1/claims/{pending['id']}/verify")
    assert r.status_code == 410 and r.get_json()["error"]["code"] == "claim_expired"


def test_a_contested_linkedin_profile_maps_to_nobody(deployment, personas, monkeypatch):
    person, reader = deployment.person, deployment.reader
    victim = claim_github(person, "jskeet", monkeypatch)["token"]
    url = "https://www.linkedin.com/in/jon-skeet"
    me = person.put("/v1/me/links", headers=auth(victim), json={"linkedin": url}).get_json()
    assert me["linkedin_status"] == "mapped"
    assert reader.get("/v1/badges/linkedin/jon-skeet").get_json()["subject"] == "github:jskeet"
    # An attacker's newer verified claim declares the same LinkedIn profile: it does not
    # silently win; the profile maps to nobody and both owners are told.
    attacker = claim_github(reader, "mallory", monkeypatch)["token"]
    me = reader.put("/v1/me/links", headers=auth(attacker), json={"linkedin": url}).get_json()
    assert me["linkedin_status"] == "contested"
    badge = reader.get("/v1/badges/linkedin/jon-skeet").get_json()
    assert badge["status"] == "not_claimed" and badge["subject"] != "github:mallory"
    assert person.get("/v1/me", headers=auth(victim)).get_json()["linkedin_status"] == \
        "contested"
    # Withdrawn again, the single remaining declaration maps.
    reader.put("/v1/me/links", headers=auth(attacker), json={"linkedin": None})
    assert reader.get("/v1/badges/linkedin/jon-skeet").get_json()["subject"] == "github:jskeet"
