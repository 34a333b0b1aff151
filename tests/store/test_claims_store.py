"""Claims in the store: one active claim per account, linked claims, expiry (SQLite and
PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

from service.store import claims
from service.store.models import utcnow


def test_one_active_claim_per_account_and_linked_claims_go_with_their_token(db):
    with db.session() as s:
        root = claims.create(s, "github:a")
        token = claims.verify(s, root)
        child = claims.create(s, "bluesky:a.bsky.social", parent=root)
        assert claims.verify(s, child) is None  # no second token
        assert claims.group_accounts(s, "bluesky:a.bsky.social") == {
            "github:a", "bluesky:a.bsky.social"}
        assert claims.by_token(s, token).id == root.id
        # Someone proves control of github:a later: the old claim and its links are revoked.
        newer = claims.create(s, "github:a")
        claims.verify(s, newer)
        s.flush()
        assert (root.status, child.status) == ("revoked", "revoked")
        assert "its token's claim was revoked" in child.revoked_reason
        assert claims.by_token(s, token) is None
        assert claims.by_token(s, token, include_revoked=True).id == root.id
        assert claims.group_accounts(s, "github:a") == {"github:a"}
        assert claims.group_accounts(s, "bluesky:a.bsky.social") == set()
        assert [n["code"] for n in claims.notices(s, newer)] == ["claim_replaced"]


def test_expired_tokens_unlock_nothing_and_stop_protecting_history(db):
    with db.session() as s:
        claim = claims.create(s, "github:b")
        token = claims.verify(s, claim)
        assert claims.is_claimed(s, "github:b")
        claim.expires_at = utcnow() - timedelta(seconds=1)
        s.flush()
        assert claims.by_token(s, token) is None
        assert not claims.is_claimed(s, "github:b")
        assert [n["code"] for n in claims.notices(s, claim)] == ["claim_expired"]


def test_linkedin_maps_only_to_a_single_active_declaration(db):
    with db.session() as s:
        a, b = claims.create(s, "github:a"), claims.create(s, "github:b")
        claims.verify(s, a)
        claims.verify(s, b)
        claims.set_links(a, [], "jane")
        s.flush()
        assert claims.linkedin_subject(s, "jane") == "github:a"
        claims.set_links(b, [], "jane")
        s.flush()
        assert claims.linkedin_subject(s, "jane") is None
        claims.revoke(s, b, "test")
        s.flush()
        assert claims.linkedin_subject(s, "Jane/") == "github:a"
