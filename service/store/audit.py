"""The lookup audit log: who looked whom up, when, for what stated purpose, with what result.

Recruiters read their own entries (``for_key``); a claimed person reads the entries about
their accounts (``for_subjects``); ``purge_older_than`` enforces the retention period.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from service.store.models import ApiKey, AuditEntry, Lookup, utcnow

# An entry in the access log of a person whose account was fetched for another subject's
# report (a linked or caller-given account): that person sees the look-up; the key's own
# audit lists each subject once.
FETCHED_FOR_ANOTHER = "fetched_for_another"


def record(session: Session, *, key_id: int | None, subject: str, role: str,
           purpose: str | None, status: str) -> None:
    session.add(AuditEntry(key_id=key_id, subject=subject, role=role, purpose=purpose,
                           status=status, created_at=utcnow()))


def _iso(value: datetime) -> str:
    return value.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _page(session: Session, query: Any, count: Any, page: int, page_size: int) -> dict:
    total = session.scalar(count) or 0
    rows = session.execute(query.limit(page_size).offset((page - 1) * page_size)).all()
    return {"page": page, "page_size": page_size, "total": total,
            "pages": (total + page_size - 1) // page_size, "rows": rows}


def for_key(session: Session, key_id: int, page: int = 1, page_size: int = 50) -> dict:
    """A key's own lookups, newest first."""
    own = (AuditEntry.key_id == key_id) & (AuditEntry.status != FETCHED_FOR_ANOTHER)
    query = select(AuditEntry).where(own).order_by(AuditEntry.created_at.desc(),
                                                   AuditEntry.id.desc())
    count = select(func.count()).select_from(AuditEntry).where(own)
    out = _page(session, query, count, page, page_size)
    out["entries"] = [{"subject": e.subject, "role": e.role, "purpose": e.purpose,
                       "status": e.status, "time": _iso(e.created_at)}
                      for (e,) in out.pop("rows")]
    return out


def for_subjects(session: Session, subjects: list[str], page: int = 1,
                 page_size: int = 50) -> dict:
    """Who looked these subjects up (key name, time, purpose), newest first."""
    query = (select(AuditEntry, ApiKey.name).outerjoin(ApiKey, ApiKey.id == AuditEntry.key_id)
             .where(AuditEntry.subject.in_(subjects))
             .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()))
    count = select(func.count()).select_from(AuditEntry).where(AuditEntry.subject.in_(subjects))
    out = _page(session, query, count, page, page_size)
    out["entries"] = [{"subject": e.subject, "key_name": name or "anonymous", "role": e.role,
                       "purpose": e.purpose, "status": e.status, "time": _iso(e.created_at)}
                      for e, name in out.pop("rows")]
    return out


def purge_older_than(session: Session, cutoff: datetime) -> tuple[int, int]:
    """Delete audit entries and finished lookups created before ``cutoff``.

    Returns (audit entries deleted, lookups deleted). Lookup items go with their lookup
    (ON DELETE CASCADE, and deleted explicitly for SQLite connections without it)."""
    from service.store.models import LookupItem

    audit = session.execute(delete(AuditEntry).where(AuditEntry.created_at < cutoff)).rowcount
    old = select(Lookup.id).where(Lookup.created_at < cutoff, Lookup.status == "done")
    ids = list(session.scalars(old))
    if ids:
        session.execute(delete(LookupItem).where(LookupItem.lookup_id.in_(ids)))
        session.execute(delete(Lookup).where(Lookup.id.in_(ids)))
    return audit or 0, len(ids)
