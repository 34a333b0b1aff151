"""Score history: one snapshot per subject, role and UTC day.

Reports arrive as the dicts the scoring layer produces (see DESIGN.md, "Outputs"). Only
the derived report is stored, never upstream payloads.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from service.store._upsert import insert_for
from service.store.models import Snapshot
from service.store.optouts import is_opted_out

# Columns the day's latest report overwrites; the key (subject, role, day) stays.
_UPDATED = (
    "status",
    "score",
    "band_low",
    "band_high",
    "network_scores",
    "model_version",
    "calibration_version",
    "computed_at",
    "report",
)


def _parse_time(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)  # accepts the trailing "Z" since Python 3.11
    # A report without an offset is UTC by convention; never let local time leak in.
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _columns(report: dict[str, Any], role: str) -> dict[str, Any]:
    try:
        subject = report["subject"]
        status = report["status"]
        computed_at = _parse_time(report["computed_at"])
        model_version = report["model_version"]
        calibration_version = report["calibration_version"]
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"report cannot be stored: bad or missing {exc}") from exc
    band = report.get("band") or {}
    networks = {
        n["network"]: n.get("network_score") for n in report.get("networks") or [] if "network" in n
    }
    return {
        "subject": subject,
        "role": role,
        "day": computed_at.date(),
        "status": status,
        "score": report.get("score"),
        "band_low": band.get("low"),
        "band_high": band.get("high"),
        "network_scores": networks,
        "model_version": model_version,
        "calibration_version": calibration_version,
        "computed_at": computed_at,
        "report": report,
    }


def save(session: Session, report: dict[str, Any], *, role: str) -> None:
    """Store ``report`` as the subject's snapshot for its day (UTC, from ``computed_at``).

    A second report on the same day replaces the first, unless it was computed earlier
    (two workers racing: the newer computation wins whichever commits last). Reports of
    opted-out subjects are never stored.
    """
    values = _columns(report, role)
    if values["status"] == "opted_out" or is_opted_out(session, values["subject"]):
        return
    stmt = insert_for(session, Snapshot).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[Snapshot.subject, Snapshot.role, Snapshot.day],
        set_={name: stmt.excluded[name] for name in _UPDATED},
        where=Snapshot.computed_at <= stmt.excluded.computed_at,
    )
    session.execute(stmt)


def history(session: Session, subject: str, role: str, limit: int = 365) -> list[dict[str, Any]]:
    """The last ``limit`` days with a snapshot, oldest first."""
    rows = session.scalars(
        select(Snapshot)
        .where(Snapshot.subject == subject, Snapshot.role == role)
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
            "calibration_version": row.calibration_version,
        }
        for row in reversed(rows)
    ]


def latest(session: Session, subject: str, role: str) -> dict[str, Any] | None:
    """The most recent stored report, for serving (marked stale) when nothing fresher is
    available."""
    return session.scalar(
        select(Snapshot.report)
        .where(Snapshot.subject == subject, Snapshot.role == role)
        .order_by(Snapshot.day.desc())
        .limit(1)
    )


def delete_subject(session: Session, subject: str) -> int:
    """Delete every snapshot of ``subject`` (all roles); returns how many went."""
    result = session.execute(delete(Snapshot).where(Snapshot.subject == subject))
    return result.rowcount or 0
