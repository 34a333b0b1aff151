"""SQLAlchemy models: everything Candor keeps between requests.

Only derived data is stored (scored reports and their numbers), never raw upstream payloads.
Timestamps are always timezone-aware UTC in Python, whatever the backend stores.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Explicit constraint names so migrations are identical on SQLite and PostgreSQL and later
# ALTERs (batch mode on SQLite) can refer to them by name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Subjects are `network:handle`; the longest real ones are Mastodon accounts on long domains.
SUBJECT_LEN = 320


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always aware UTC in Python.

    SQLite has no time zones and silently drops tzinfo; storing naive UTC there and
    re-attaching UTC on the way out makes both backends behave the same.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_uuid() -> str:
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class HistorySubject(Base):
    """A subject and role that has history: the compact key its history rows refer to (the
    long ``network:handle`` string is stored once, not in every day's row and index)."""

    __tablename__ = "history_subjects"
    __table_args__ = (UniqueConstraint("subject", "role", name="uq_history_subjects_subject"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject: Mapped[str] = mapped_column(String(SUBJECT_LEN))
    role: Mapped[str] = mapped_column(String(64))


class Snapshot(Base):
    """One history point per subject, role and UTC day: score, band and per-network scores.

    Nothing else of the report is kept per day (data minimization: under 200 bytes a
    subject-day with its index, measured by ``bench/snapshot_bytes.py``); the one latest full
    report lives in :class:`LatestReport`. A later report on the same day replaces the
    earlier one (see ``snapshots.save``).
    """

    __tablename__ = "history_days"

    subject_id: Mapped[int] = mapped_column(
        ForeignKey("history_subjects.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    status: Mapped[str] = mapped_column(String(32))
    score: Mapped[int | None] = mapped_column(SmallInteger)
    band_low: Mapped[int | None] = mapped_column(SmallInteger)
    band_high: Mapped[int | None] = mapped_column(SmallInteger)
    # {"github": 71.2, "stackoverflow": 55.0}: counted networks only, for the history chart.
    network_scores: Mapped[dict[str, Any]] = mapped_column(JSON)
    model_version: Mapped[str] = mapped_column(String(64))
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LatestReport(Base):
    """The one latest full report per subject and role: what is served (marked stale) when
    the cache and the networks are unavailable. Only reports of the subject's own verified
    accounts land here, never a report with caller-given extra accounts."""

    __tablename__ = "latest_reports"

    subject: Mapped[str] = mapped_column(String(SUBJECT_LEN), primary_key=True)
    role: Mapped[str] = mapped_column(String(64), primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    report: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Every account whose data is in ``report`` (opt-out of any of them deletes the row).
    accounts: Mapped[list[Any]] = mapped_column(JSON, default=list)


class AccountAlias(Base):
    """Another name the network itself reported for the same account (a Bluesky DID for a
    handle). Opt-outs and claims hold for every alias of an account."""

    __tablename__ = "account_aliases"

    alias: Mapped[str] = mapped_column(String(SUBJECT_LEN), primary_key=True)
    account: Mapped[str] = mapped_column(String(SUBJECT_LEN), index=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Mention(Base):
    """A cached report of ``subject`` holds data of ``account`` (a linked account other than
    the subject). Lets an opt-out of ``account`` purge those cached reports too."""

    __tablename__ = "mentions"

    account: Mapped[str] = mapped_column(String(SUBJECT_LEN), primary_key=True)
    subject: Mapped[str] = mapped_column(String(SUBJECT_LEN), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OptOut(Base):
    """A subject who asked not to be scored. The row's presence is the opt-out."""

    __tablename__ = "opt_outs"

    subject: Mapped[str] = mapped_column(String(SUBJECT_LEN), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Claim(Base):
    """A person proving they own an account (code placed in their public profile).

    Once verified, ``token_hash`` identifies the owner's session token (only the hash is
    kept); ``extra_accounts`` are further accounts the owner declares. A claim started with
    an existing token (``parent_id``) proves one more account for the same person: it gets
    no token of its own, and the accounts it proves count as that person's.

    One active claim per account: a newer verified claim on the same account revokes the
    older one (``status`` "revoked", ``revoked_reason`` says why, shown in ``/v1/me``).
    Pending claims and tokens expire (``expires_at``).
    """

    __tablename__ = "claims"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    account: Mapped[str] = mapped_column(String(SUBJECT_LEN), index=True)
    code: Mapped[str] = mapped_column(String(64))
    # pending | verified | revoked
    status: Mapped[str] = mapped_column(String(16), default="pending")
    token_hash: Mapped[str | None] = mapped_column(String(128), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    linkedin_url: Mapped[str | None] = mapped_column(String(512))
    extra_accounts: Mapped[list[Any]] = mapped_column(JSON, default=list)
    parent_id: Mapped[str | None] = mapped_column(String(36), index=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str | None] = mapped_column(String(200))


class ApiKey(Base):
    """A recruiter API key. Only a hash of the secret is stored; ``prefix`` finds the row."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(32), unique=True)
    key_hash: Mapped[str] = mapped_column(String(128))
    scopes: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # Requests per minute; None means the service default.
    rate_limit: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The limit as given to ``candor keys create --limit`` ("5/hour"); wins over rate_limit.
    rate_limit_spec: Mapped[str | None] = mapped_column(String(32))


class AuditEntry(Base):
    """Who looked whom up, for what stated purpose: what a claimed subject can see."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_subject_created_at", "subject", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # None for anonymous lookups (e.g. the extension without a key).
    key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"))
    subject: Mapped[str] = mapped_column(String(SUBJECT_LEN))
    role: Mapped[str] = mapped_column(String(64))
    purpose: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class Lookup(Base):
    """A recruiter's batch job: many subjects scored in the background."""

    __tablename__ = "lookups"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"))
    purpose: Mapped[str | None] = mapped_column(Text)
    total: Mapped[int] = mapped_column(Integer)
    done: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LookupItem(Base):
    """One subject in a batch job, in the order the caller gave; ``result`` is its report."""

    __tablename__ = "lookup_items"

    lookup_id: Mapped[str] = mapped_column(
        ForeignKey("lookups.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject: Mapped[str] = mapped_column(String(SUBJECT_LEN))
    role: Mapped[str] = mapped_column(String(64))
    accounts: Mapped[list[Any]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
