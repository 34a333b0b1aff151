"""Claims: a person proves they own an account by putting a short code in its public profile.

A verified claim gets a secret token (only its SHA-256 hash is kept) that unlocks the
person's controls (access log, opt-out, opt-in, declared links).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.store.models import Claim, utcnow

CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud or typed
TOKEN_PREFIX = "cct_"  # noqa: S105 - a public marker, not a secret
LINKEDIN_PREFIX = "https://www.linkedin.com/in/"


def new_code() -> str:
    return "candor-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(session: Session, account: str) -> Claim:
    claim = Claim(account=account, code=new_code(), status="pending", created_at=utcnow(),
                  extra_accounts=[])
    session.add(claim)
    session.flush()
    return claim


def get(session: Session, claim_id: str) -> Claim | None:
    return session.get(Claim, claim_id) if len(claim_id) <= 36 else None


def verify(session: Session, claim: Claim) -> str:
    """Mark ``claim`` verified and return its new token (shown once, stored hashed)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    claim.status = "verified"
    claim.verified_at = utcnow()
    claim.token_hash = hash_token(token)
    return token


def by_token(session: Session, token: str) -> Claim | None:
    """The verified claim a token belongs to, or None."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    digest = hash_token(token)
    claim = session.scalar(select(Claim).where(Claim.token_hash == digest,
                                               Claim.status == "verified"))
    if claim is None or not hmac.compare_digest(claim.token_hash or "", digest):
        return None
    return claim


def is_claimed(session: Session, subject: str) -> bool:
    """True when someone proved they own ``subject`` (a verified claim on that account)."""
    return session.scalar(select(Claim.id).where(Claim.account == subject,
                                                 Claim.status == "verified").limit(1)) is not None


def set_links(claim: Claim, accounts: list[str], linkedin_slug: str | None) -> None:
    claim.extra_accounts = list(accounts)
    claim.linkedin_url = f"{LINKEDIN_PREFIX}{linkedin_slug}" if linkedin_slug else None


def linkedin_subject(session: Session, slug: str) -> str | None:
    """The claimed account whose owner declared this LinkedIn profile (newest claim wins)."""
    url = LINKEDIN_PREFIX + slug.strip().strip("/").lower()
    return session.scalar(select(Claim.account).where(Claim.linkedin_url == url,
                                                      Claim.status == "verified")
                          .order_by(Claim.verified_at.desc()).limit(1))


def describe(claim: Claim) -> dict[str, Any]:
    return {"id": claim.id, "account": claim.account, "status": claim.status,
            "extra_accounts": list(claim.extra_accounts or []),
            "linkedin_url": claim.linkedin_url}
