"""Deleting a person's stored data: their own history and latest reports, and their account
inside other subjects' stored reports. Used by opt-out (``optouts.opt_out``) and by history
(``snapshots``); its own module so those two don't import each other."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from service.store.models import HistorySubject, LatestReport, Snapshot


def ids_of(subjects: Any) -> Any:
    """The history ids of ``subjects`` (a list or a SELECT of subjects), every role."""
    return select(HistorySubject.id).where(HistorySubject.subject.in_(subjects))


def delete_subject(session: Session, subject: str) -> int:
    """Delete every history point and latest report of ``subject`` (all roles)."""
    days = session.execute(delete(Snapshot).where(
        Snapshot.subject_id.in_(ids_of([subject])))).rowcount or 0
    session.execute(delete(HistorySubject).where(HistorySubject.subject == subject))
    session.execute(delete(LatestReport).where(LatestReport.subject == subject))
    return days


def forget_account(session: Session, account: str, subjects: list[str]) -> int:
    """An opted-out ``account`` leaves every other subject's stored data: the latest reports
    holding it are deleted (recomputed without it next time), and its network's score is
    removed from those subjects' history points. Returns latest reports deleted."""
    rows = session.scalars(select(LatestReport).where(
        LatestReport.subject.in_(subjects) if subjects else LatestReport.subject == account
    )).all()
    gone = 0
    network = account.split(":", 1)[0]
    for row in rows:
        if account in (row.accounts or []):
            session.delete(row)
            gone += 1
            for day in session.scalars(select(Snapshot).where(
                    Snapshot.subject_id.in_(ids_of([row.subject])))):
                if network in (day.network_scores or {}):
                    day.network_scores = {k: v for k, v in day.network_scores.items()
                                          if k != network}
    return gone
