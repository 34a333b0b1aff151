"""Batch lookups: one row per job, one item per subject in the caller's order.

Items are written once each (``status`` queued → done); a job that is run again (a worker
was killed, RQ retried it) only picks up the items still queued, so work is never done
twice and ``done`` is always recounted from the items, never incremented blindly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from service.store.models import Lookup, LookupItem, utcnow


@dataclass(frozen=True)
class Item:
    position: int
    subject: str
    role: str
    accounts: tuple[str, ...]


def create(session: Session, *, key_id: int | None, purpose: str | None, items: list[Item],
           results: dict[int, dict[str, Any]] | None = None) -> Lookup:
    """Store a job; ``results`` (position → result) are items already answered."""
    results = results or {}
    lookup = Lookup(key_id=key_id, purpose=purpose, total=len(items), done=len(results),
                    status="done" if len(results) == len(items) else "queued",
                    created_at=utcnow())
    session.add(lookup)
    session.flush()
    for item in items:
        result = results.get(item.position)
        session.add(LookupItem(lookup_id=lookup.id, position=item.position, subject=item.subject,
                               role=item.role, accounts=list(item.accounts),
                               status="done" if result is not None else "queued",
                               result=result))
    return lookup


def get(session: Session, lookup_id: str) -> Lookup | None:
    return session.get(Lookup, lookup_id) if len(lookup_id) <= 36 else None


def pending_items(session: Session, lookup_id: str) -> list[Item]:
    rows = session.scalars(select(LookupItem).where(LookupItem.lookup_id == lookup_id,
                                                    LookupItem.status != "done")
                           .order_by(LookupItem.position)).all()
    return [Item(r.position, r.subject, r.role, tuple(r.accounts or ())) for r in rows]


def items(session: Session, lookup_id: str) -> list[LookupItem]:
    return list(session.scalars(select(LookupItem).where(LookupItem.lookup_id == lookup_id)
                                .order_by(LookupItem.position)))


def mark_running(session: Session, lookup_id: str) -> None:
    session.execute(update(Lookup).where(Lookup.id == lookup_id, Lookup.status == "queued")
                    .values(status="running"))


def save_result(session: Session, lookup_id: str, position: int, result: dict[str, Any]) -> bool:
    """Store one item's result unless it is already done; returns True when written.

    The conditional UPDATE makes a duplicate run (two workers, a retried job) harmless."""
    written = session.execute(
        update(LookupItem)
        .where(LookupItem.lookup_id == lookup_id, LookupItem.position == position,
               LookupItem.status != "done")
        .values(status="done", result=result)).rowcount
    _recount(session, lookup_id)
    return bool(written)


def _recount(session: Session, lookup_id: str) -> None:
    done = (select(func.count()).select_from(LookupItem)
            .where(LookupItem.lookup_id == lookup_id, LookupItem.status == "done")
            .scalar_subquery())
    session.execute(update(Lookup).where(Lookup.id == lookup_id).values(done=done))
    session.execute(update(Lookup).where(Lookup.id == lookup_id, Lookup.done >= Lookup.total)
                    .values(status="done"))
