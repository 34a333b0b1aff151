"""Opt-outs: a subject who opts out is not scored and nothing about them is kept."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from service.store._upsert import insert_for
from service.store.models import OptOut, Snapshot, utcnow


def is_opted_out(session: Session, subject: str) -> bool:
    return session.scalar(select(OptOut.subject).where(OptOut.subject == subject)) is not None


def opt_out(session: Session, subject: str) -> None:
    """Record the opt-out and delete the subject's stored history. Idempotent."""
    stmt = insert_for(session, OptOut).values(subject=subject, created_at=utcnow())
    # DO NOTHING keeps the first opt-out date and cannot fail when two requests race.
    session.execute(stmt.on_conflict_do_nothing(index_elements=[OptOut.subject]))
    # Opt-out takes effect everywhere at once: no history is kept for an opted-out subject.
    session.execute(delete(Snapshot).where(Snapshot.subject == subject))


def opt_in(session: Session, subject: str) -> None:
    """Withdraw an opt-out (no-op when there is none)."""
    session.execute(delete(OptOut).where(OptOut.subject == subject))
