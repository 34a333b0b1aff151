"""Recruiter API keys: issued once, stored only as a SHA-256 hash plus a public prefix.

A key looks like ``cnd_<prefix>_<secret>``. The prefix (8 hex characters) finds the row
without scanning; the hash of the whole key is compared in constant time. Keys are
high-entropy random strings, so a fast hash is enough (no password hashing needed).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.store.models import ApiKey, utcnow

KEY_PREFIX = "cnd_"
_KEY_SHAPE = re.compile(r"^cnd_([0-9a-f]{8})_[A-Za-z0-9_-]{32,64}$")
SCOPES = ("lookups",)
# The default for keys created without --limit: 600 requests (subjects) per hour.
DEFAULT_RATE_PER_MINUTE = 10


@dataclass(frozen=True)
class KeyInfo:
    """What a request handler needs to know about the caller's key (no secret)."""

    id: int
    name: str
    prefix: str
    scopes: tuple[str, ...]
    rate_per_minute: int
    revoked: bool


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _info(row: ApiKey) -> KeyInfo:
    return KeyInfo(id=row.id, name=row.name, prefix=row.prefix, scopes=tuple(row.scopes or ()),
                   rate_per_minute=row.rate_limit or DEFAULT_RATE_PER_MINUTE,
                   revoked=row.revoked_at is not None)


def create_key(session: Session, name: str, *, scopes: tuple[str, ...] = SCOPES,
               rate_per_minute: int | None = None) -> tuple[KeyInfo, str]:
    """Create a key; returns its info and the raw key, which is never stored or shown again."""
    unknown = set(scopes) - set(SCOPES)
    if unknown:
        raise ValueError(f"unknown scope(s): {', '.join(sorted(unknown))}")
    while True:
        prefix = secrets.token_hex(4)
        if session.scalar(select(ApiKey.id).where(ApiKey.prefix == prefix)) is None:
            break
    raw = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiKey(name=name, prefix=prefix, key_hash=hash_key(raw), scopes=list(scopes),
                 rate_limit=rate_per_minute, created_at=utcnow())
    session.add(row)
    session.flush()
    return _info(row), raw


def find_key(session: Session, raw: str) -> KeyInfo | None:
    """The key for a presented secret, revoked or not; None when it matches nothing."""
    match = _KEY_SHAPE.match(raw or "")
    if match is None:
        return None
    row = session.scalar(select(ApiKey).where(ApiKey.prefix == match.group(1)))
    if row is None or not hmac.compare_digest(row.key_hash, hash_key(raw)):
        return None
    return _info(row)


def list_keys(session: Session) -> list[tuple[KeyInfo, str]]:
    """All keys with their creation time (ISO), oldest first."""
    rows = session.scalars(select(ApiKey).order_by(ApiKey.id)).all()
    return [(_info(r), r.created_at.isoformat()) for r in rows]


def revoke_key(session: Session, key_id: int) -> bool:
    """Revoke a key; False when there is no such key. Idempotent."""
    row = session.get(ApiKey, key_id)
    if row is None:
        return False
    if row.revoked_at is None:
        row.revoked_at = utcnow()
    return True
