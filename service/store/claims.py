"""Claims: a person proves they own an account by putting a short code in its public profile.

A verified claim gets a secret token (only its SHA-256 hash is kept) that unlocks the
person's controls (access log, opt-out, opt-in, declared links, their claims).

- **One active claim per account.** Verifying a new claim on an account revokes the older
  active one (whoever holds it); both sides see it in ``/v1/me`` (``notices``), and the old
  token then unlocks nothing but that notice.
- **Expiry.** A pending code is valid ``PENDING_HOURS``; a token ``TOKEN_DAYS`` (then the
  person claims again; their history and declared links stay with the account).
- **Linked claims.** A claim started while presenting a token (``parent_id``) proves one
  more account for the same person and issues no second token. Accounts proven this way are
  the person's *claim group*: they count towards each other's score as "verified by claim".
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from service.store.models import Claim, utcnow

CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud or typed
TOKEN_PREFIX = "cct_"  # noqa: S105 - a public marker, not a secret
LINKEDIN_PREFIX = "https://www.linkedin.com/in/"
PENDING_HOURS = 24
TOKEN_DAYS = 365


def new_code() -> str:
    return "candor-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _expired(claim: Claim, now: datetime | None = None) -> bool:
    return claim.expires_at is not None and claim.expires_at <= (now or utcnow())


def create(session: Session, account: str, parent: Claim | None = None) -> Claim:
    now = utcnow()
    claim = Claim(account=account, code=new_code(), status="pending", created_at=now,
                  extra_accounts=[], parent_id=parent.id if parent else None,
                  expires_at=now + timedelta(hours=PENDING_HOURS))
    session.add(claim)
    session.flush()
    return claim


def get(session: Session, claim_id: str) -> Claim | None:
    return session.get(Claim, claim_id) if len(claim_id) <= 36 else None


def pending_usable(claim: Claim) -> bool:
    return claim.status == "pending" and not _expired(claim)


def _active(session: Session, account: str) -> list[Claim]:
    now = utcnow()
    return list(session.scalars(select(Claim).where(
        Claim.account == account, Claim.status == "verified",
        or_(Claim.expires_at.is_(None), Claim.expires_at > now))))


def verify(session: Session, claim: Claim) -> str | None:
    """Mark ``claim`` verified, revoking any other active claim on the same account.

    Returns the new token (shown once, stored hashed), or None for a linked claim (its
    parent's token already unlocks it)."""
    now = utcnow()
    for old in _active(session, claim.account):
        if old.id != claim.id:
            revoke(session, old, f"a newer claim on {claim.account} was verified "
                                 f"{now.replace(microsecond=0).isoformat()}")
    claim.status = "verified"
    claim.verified_at = now
    if claim.parent_id:
        parent = session.get(Claim, claim.parent_id)
        claim.expires_at = parent.expires_at if parent else now + timedelta(days=TOKEN_DAYS)
        return None
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    claim.token_hash = hash_token(token)
    claim.expires_at = now + timedelta(days=TOKEN_DAYS)
    return token


def by_token(session: Session, token: str, *, include_revoked: bool = False) -> Claim | None:
    """The active claim a token belongs to, or None. ``include_revoked`` also returns a
    revoked or expired one (so its holder can read why, and nothing else)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    digest = hash_token(token)
    claim = session.scalar(select(Claim).where(Claim.token_hash == digest))
    if claim is None or not hmac.compare_digest(claim.token_hash or "", digest):
        return None
    if claim.status == "verified" and not _expired(claim):
        return claim
    return claim if include_revoked and claim.status in ("verified", "revoked") else None


def group(session: Session, claim: Claim) -> list[Claim]:
    """The active claims of one person: the token's claim and the claims linked to it."""
    children = session.scalars(select(Claim).where(
        Claim.parent_id == claim.id, Claim.status == "verified")).all()
    return [claim, *(c for c in children if not _expired(c))]


def group_accounts(session: Session, account: str) -> set[str]:
    """Accounts proven by the same person as ``account`` (claim group), ``account`` included
    when it is claimed; empty when it is not claimed."""
    active = _active(session, account)
    if not active:
        return set()
    claim = active[0]
    root = session.get(Claim, claim.parent_id) if claim.parent_id else claim
    if root is None or root.status != "verified" or _expired(root):
        return set()
    return {c.account for c in group(session, root)}


def is_claimed(session: Session, subject: str) -> bool:
    """True when someone holds an active verified claim on ``subject``."""
    return bool(_active(session, subject))


def claimed_accounts_query() -> Any:
    """A SELECT of every account under an active verified claim (retention keeps them)."""
    return select(Claim.account).where(
        Claim.status == "verified", or_(Claim.expires_at.is_(None), Claim.expires_at > utcnow()))


def revoke(session: Session, claim: Claim, reason: str) -> None:
    """Revoke ``claim``; a token's claim takes its linked claims with it."""
    now = utcnow()
    children = [] if claim.parent_id else list(session.scalars(select(Claim).where(
        Claim.parent_id == claim.id, Claim.status != "revoked")))
    for row in (claim, *children):
        row.status = "revoked"
        row.revoked_at = now
        row.revoked_reason = (reason if row is claim else f"its token's claim was revoked: "
                              f"{reason}")[:200]


def set_links(claim: Claim, accounts: list[str], linkedin_slug: str | None) -> None:
    claim.extra_accounts = list(accounts)
    claim.linkedin_url = f"{LINKEDIN_PREFIX}{linkedin_slug}" if linkedin_slug else None


def linkedin_url(slug: str) -> str:
    return LINKEDIN_PREFIX + slug.strip().strip("/").lower()


def linkedin_claimants(session: Session, slug: str) -> list[str]:
    """Accounts of the active claims that declared this LinkedIn profile."""
    now = utcnow()
    return sorted(set(session.scalars(select(Claim.account).where(
        Claim.linkedin_url == linkedin_url(slug), Claim.status == "verified",
        or_(Claim.expires_at.is_(None), Claim.expires_at > now)))))


def linkedin_subject(session: Session, slug: str) -> str | None:
    """The claimed account whose owner declared this LinkedIn profile, only when exactly one
    active claim declares it. Candor cannot read LinkedIn, so it cannot tell which of two
    declarations is the profile's owner: a contested profile maps to nobody (the newest
    declaration never silently wins over another person's)."""
    owners = linkedin_claimants(session, slug)
    return owners[0] if len(owners) == 1 else None


def _iso(value: datetime | None) -> str | None:
    return value.replace(microsecond=0).isoformat().replace("+00:00", "Z") if value else None


def describe(claim: Claim) -> dict[str, Any]:
    return {"id": claim.id, "account": claim.account, "status": claim.status,
            "extra_accounts": list(claim.extra_accounts or []),
            "linkedin_url": claim.linkedin_url, "expires_at": _iso(claim.expires_at)}


def describe_row(claim: Claim) -> dict[str, Any]:
    """One claim in the owner's list (never the code or the token)."""
    return {"id": claim.id, "account": claim.account, "status": claim.status,
            "linked": claim.parent_id is not None, "verified_at": _iso(claim.verified_at),
            "expires_at": _iso(claim.expires_at), "revoked_at": _iso(claim.revoked_at),
            "revoked_reason": claim.revoked_reason}


def notices(session: Session, claim: Claim) -> list[dict[str, str]]:
    """What the holder must know: their claim was revoked or expired, or this claim
    replaced someone else's on the same account."""
    out = []
    if claim.status == "revoked":
        out.append({"code": "claim_revoked", "text": f"This claim was revoked: "
                    f"{claim.revoked_reason or 'by its owner'}. The token unlocks nothing "
                    "any more; claim the account again if it is yours."})
    elif _expired(claim):
        out.append({"code": "claim_expired", "text": "This claim expired; claim the account "
                    "again to keep your controls."})
    replaced = session.scalars(select(Claim).where(
        Claim.account == claim.account, Claim.status == "revoked", Claim.id != claim.id,
        Claim.revoked_at >= (claim.verified_at or utcnow()))).all()
    if claim.status == "verified":
        for old in replaced:
            out.append({"code": "claim_replaced", "text": (
                f"Verifying this claim revoked an earlier claim on {claim.account} (verified "
                f"{_iso(old.verified_at)}). If that was not you, someone else could edit this "
                "profile's public text: secure the account and claim it again.")})
    return out
