"""Score history and the one latest report per subject.

History keeps, per subject, role and UTC day, only the numbers: status, score, band,
per-network scores and the model version (``history_days``, keyed by a compact id from
``history_subjects``: under 200 bytes a subject-day with its index). The
full report is kept once per subject and role, the latest (``latest_reports``): it is what
the service answers, marked stale, when the cache and the networks are unavailable.

Only a report of the subject's own accounts is stored: the caller (``service/web/reports.py``)
never stores a report computed with caller-given extra accounts, and ``save`` refuses
reports of opted-out subjects or reports holding an opted-out account.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from service.store._upsert import insert_for
from service.store.erasure import delete_subject as delete_subject  # re-exported
from service.store.erasure import ids_of as _ids
from service.store.models import HistorySubject, LatestReport, Snapshot
from service.store.optouts import blocked

# Columns the day's latest report overwrites; the key (subject, role, day) stays.
_UPDATED = ("status", "score", "band_low", "band_high", "network_scores", "model_version",
            "computed_at")


def _parse_time(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)  # accepts the trailing "Z" since Python 3.11
    # A report without an offset is UTC by convention; never let local time leak in.
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def report_accounts(report: dict[str, Any]) -> list[str]:
    """Every account whose data the report holds (the subject included)."""
    accounts = {n["account"] for n in report.get("networks") or [] if n.get("account")}
    return sorted(accounts | {report["subject"]})


def _columns(report: dict[str, Any], role: str) -> dict[str, Any]:
    try:
        report["subject"]  # noqa: B018 - required (the KeyError names it)
        status = report["status"]
        computed_at = _parse_time(report["computed_at"])
        model_version = report["model_version"]
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"report cannot be stored: bad or missing {exc}") from exc
    band = report.get("band") or {}
    networks = {
        n["network"]: (round(n["network_score"], 1) if n.get("network_score") is not None
                       else None)
        for n in report.get("networks") or []
        if "network" in n and n.get("status") != "unverified"
        and n.get("network_score") is not None
    }
    return {
        "day": computed_at.date(), "status": status,
        "score": report.get("score"), "band_low": band.get("low"),
        "band_high": band.get("high"), "network_scores": networks,
        "model_version": model_version, "computed_at": computed_at,
    }


def _subject_id(session: Session, subject: str, role: str) -> int:
    stmt = insert_for(session, HistorySubject).values(subject=subject, role=role)
    session.execute(stmt.on_conflict_do_nothing(
        index_elements=[HistorySubject.subject, HistorySubject.role]))
    return session.scalar(select(HistorySubject.id).where(
        HistorySubject.subject == subject, HistorySubject.role == role))


def save(session: Session, report: dict[str, Any], *, role: str) -> bool:
    """Store ``report`` as the subject's history point for its day (UTC, from
    ``computed_at``) and as its latest report. Returns False when nothing was stored.

    A second report on the same day replaces the first, unless it was computed earlier
    (two workers racing: the newer computation wins whichever commits last). Reports of
    opted-out subjects, or holding any opted-out account, are never stored.
    """
    values = _columns(report, role)
    subject = report["subject"]
    accounts = report_accounts(report)
    if values["status"] == "opted_out" or blocked(session, accounts):
        return False
    values["subject_id"] = _subject_id(session, subject, role)
    stmt = insert_for(session, Snapshot).values(**values)
    session.execute(stmt.on_conflict_do_update(
        index_elements=[Snapshot.subject_id, Snapshot.day],
        set_={name: stmt.excluded[name] for name in _UPDATED},
        where=Snapshot.computed_at <= stmt.excluded.computed_at,
    ))
    latest = insert_for(session, LatestReport).values(
        subject=subject, role=role, computed_at=values["computed_at"], report=report,
        accounts=accounts)
    session.execute(latest.on_conflict_do_update(
        index_elements=[LatestReport.subject, LatestReport.role],
        set_={name: latest.excluded[name] for name in ("computed_at", "report", "accounts")},
        where=LatestReport.computed_at <= latest.excluded.computed_at,
    ))
    return True


def history(session: Session, subject: str, role: str, limit: int = 365) -> list[dict[str, Any]]:
    """The last ``limit`` days with a snapshot, oldest first."""
    rows = session.scalars(
        select(Snapshot).join(HistorySubject, HistorySubject.id == Snapshot.subject_id)
        .where(HistorySubject.subject == subject, HistorySubject.role == role)
        .order_by(Snapshot.day.desc())
        .limit(limit)
    ).all()
    return [
        {
            "date": row.day.isoformat(),
            "status": row.status,
            "score": row.score,
            "band": (
                {"low": row.band_low, "high": row.band_high}
                if row.band_low is not None or row.band_high is not None
                else None
            ),
            "networks": dict(row.network_scores),
            "model_version": row.model_version,
        }
        for row in reversed(rows)
    ]


def latest(session: Session, subject: str, role: str) -> dict[str, Any] | None:
    """The latest stored report, for serving (marked stale) when nothing fresher is there."""
    return session.scalar(select(LatestReport.report).where(
        LatestReport.subject == subject, LatestReport.role == role))


def purge_history(session: Session, *, unclaimed_before: date) -> tuple[int, int]:
    """Retention: delete history points older than ``unclaimed_before`` and latest reports
    computed before it, of every subject nobody holds an active claim on. Claimed people's
    history is kept for as long as they keep their claim. Returns (history points deleted,
    latest reports deleted)."""
    from service.store.claims import claimed_accounts_query

    claimed = claimed_accounts_query()
    days = session.execute(delete(Snapshot).where(
        Snapshot.day < unclaimed_before,
        Snapshot.subject_id.not_in(_ids(claimed))))
    cutoff = datetime(unclaimed_before.year, unclaimed_before.month, unclaimed_before.day,
                      tzinfo=UTC)
    reports = session.execute(delete(LatestReport).where(
        LatestReport.computed_at < cutoff, LatestReport.subject.not_in(claimed)))
    # Mentions only serve opt-out purges of cached reports, which live 7 days at most.
    from service.store.models import Mention

    session.execute(delete(Mention).where(Mention.seen_at < cutoff))
    return days.rowcount or 0, reports.rowcount or 0


def count_days(session: Session, subject: str | None = None) -> int:
    """How many history points are stored (of ``subject``, or of everyone)."""
    query = select(func.count()).select_from(Snapshot)
    if subject is not None:
        query = query.where(Snapshot.subject_id.in_(_ids([subject])))
    return session.scalar(query) or 0
