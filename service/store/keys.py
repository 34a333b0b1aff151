"""Recruiter API keys: issued once, stored only as a SHA-256 hash plus a public prefix.

A key looks like ``cnd_<prefix>_<secret>``. The prefix (8 hex characters) finds the row
without scanning; the hash of the whole key is compared in constant time. Keys are
high-entropy random strings, so a fast hash is enough (no password hashing needed).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.store.models import ApiKey, utcnow

KEY_PREFIX = "cnd_"
_KEY_SHAPE = re.compile(r"^cnd_([0-9a-f]{8})_[A-Za-z0-9_-]{32,64}$")
SCOPES = ("lookups",)
# The default for keys created without --limit: 600 requests (accounts fetched) per hour.
DEFAULT_LIMIT = "600/hour"
DEFAULT_RATE_PER_MINUTE = 10
_LIMIT = re.compile(r"^\s*([0-9]{1,9})\s*/\s*(second|minute|hour|day)\s*$")
_MINUTES = {"second": 1 / 60, "minute": 1, "hour": 60, "day": 1440}


def normalize_limit(text: str) -> str:
    """``" 5 / hour"`` → ``"5/hour"``; ``ValueError`` with a one-line reason otherwise.

    The unit is kept as given: ``5/hour`` is enforced as 5 in any hour, not 1 a minute."""
    match = _LIMIT.match(text or "")
    if match is None:
        raise ValueError(f"invalid limit {str(text)[:40]!r}: expected N/second, N/minute, "
                         "N/hour or N/day (e.g. 600/hour)")
    amount = int(match.group(1))
    if amount <= 0:
        raise ValueError("the limit must be at least 1 request")
    return f"{amount}/{match.group(2)}"


def per_minute(limit: str) -> int:
    """Whole requests per minute, rounded up (the old ``rate_limit`` column, for listings)."""
    amount, _, unit = limit.partition("/")
    return max(1, math.ceil(int(amount) / _MINUTES[unit]))


@dataclass(frozen=True)
class KeyInfo:
    """What a request handler needs to know about the caller's key (no secret)."""

    id: int
    name: str
    prefix: str
    scopes: tuple[str, ...]
    rate_per_minute: int
    revoked: bool
    limit: str = DEFAULT_LIMIT  # as given, e.g. "5/hour"; what the key's window enforces


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _info(row: ApiKey) -> KeyInfo:
    if row.rate_limit_spec:
        limit = row.rate_limit_spec
    elif row.rate_limit:  # a key from before the spec was stored: N a minute meant N*60/hour
        limit = f"{row.rate_limit * 60}/hour"
    else:
        limit = DEFAULT_LIMIT
    return KeyInfo(id=row.id, name=row.name, prefix=row.prefix, scopes=tuple(row.scopes or ()),
                   rate_per_minute=per_minute(limit), revoked=row.revoked_at is not None,
                   limit=limit)


def create_key(session: Session, name: str, *, scopes: tuple[str, ...] = SCOPES,
               rate_per_minute: int | None = None,
               limit: str | None = None) -> tuple[KeyInfo, str]:
    """Create a key; returns its info and the raw key, which is never stored or shown again.

    ``limit`` ("5/hour") is stored as given; ``rate_per_minute`` is the older spelling,
    kept as ``N*60/hour``."""
    unknown = set(scopes) - set(SCOPES)
    if unknown:
        raise ValueError(f"unknown scope(s): {', '.join(sorted(unknown))}")
    if limit is not None:
        limit = normalize_limit(limit)
    elif rate_per_minute is not None:
        limit = normalize_limit(f"{rate_per_minute * 60}/hour")
    while True:
        prefix = secrets.token_hex(4)
        if session.scalar(select(ApiKey.id).where(ApiKey.prefix == prefix)) is None:
            break
    raw = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiKey(name=name, prefix=prefix, key_hash=hash_key(raw), scopes=list(scopes),
                 rate_limit=per_minute(limit) if limit else None, rate_limit_spec=limit,
                 created_at=utcnow())
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
