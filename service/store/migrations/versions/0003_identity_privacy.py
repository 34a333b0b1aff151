"""Data minimization and the person's control: slim history, one latest report, aliases,
mentions, claim expiry/revocation and linked claims.

Revision ID: 0003_identity_privacy
Revises: 0002_key_limit
Create Date: 2026-12-01

``snapshots`` held the full report for every subject-day (5-15 KB each). It is split into
``history_days`` (score, band, per-network scores and model version, keyed by a compact
``history_subjects`` id: under 200 bytes a subject-day with its index) and
``latest_reports`` (the one latest full report per subject and role, for the fallback when
the cache is down). Existing rows are carried over: every
day's numbers, and the newest report of each subject and role.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from alembic import op

revision: str = "0003_identity_privacy"
down_revision: str | None = "0002_key_limit"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SUBJECT = sa.String(length=320)


def _ts() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "history_subjects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject", SUBJECT, nullable=False),
        sa.Column("role", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_history_subjects")),
        sa.UniqueConstraint("subject", "role", name="uq_history_subjects_subject"),
    )
    op.create_table(
        "history_days",
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("score", sa.SmallInteger(), nullable=True),
        sa.Column("band_low", sa.SmallInteger(), nullable=True),
        sa.Column("band_high", sa.SmallInteger(), nullable=True),
        sa.Column("network_scores", sa.JSON(), nullable=False),
        sa.Column("model_version", sa.String(length=64), nullable=False),
        sa.Column("computed_at", _ts(), nullable=False),
        sa.ForeignKeyConstraint(["subject_id"], ["history_subjects.id"],
                                name=op.f("fk_history_days_subject_id_history_subjects"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("subject_id", "day", name=op.f("pk_history_days")),
    )
    op.create_table(
        "latest_reports",
        sa.Column("subject", SUBJECT, nullable=False),
        sa.Column("role", sa.String(length=64), nullable=False),
        sa.Column("computed_at", _ts(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("accounts", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("subject", "role", name=op.f("pk_latest_reports")),
    )
    op.create_table(
        "account_aliases",
        sa.Column("alias", SUBJECT, nullable=False),
        sa.Column("account", SUBJECT, nullable=False),
        sa.Column("seen_at", _ts(), nullable=False),
        sa.PrimaryKeyConstraint("alias", name=op.f("pk_account_aliases")),
    )
    op.create_index(op.f("ix_account_aliases_account"), "account_aliases", ["account"])
    op.create_table(
        "mentions",
        sa.Column("account", SUBJECT, nullable=False),
        sa.Column("subject", SUBJECT, nullable=False),
        sa.Column("seen_at", _ts(), nullable=False),
        sa.PrimaryKeyConstraint("account", "subject", name=op.f("pk_mentions")),
    )
    with op.batch_alter_table("claims") as batch:
        batch.add_column(sa.Column("parent_id", sa.String(length=36), nullable=True))
        batch.add_column(sa.Column("expires_at", _ts(), nullable=True))
        batch.add_column(sa.Column("revoked_at", _ts(), nullable=True))
        batch.add_column(sa.Column("revoked_reason", sa.String(length=200), nullable=True))
        batch.create_index(batch.f("ix_claims_parent_id"), ["parent_id"])

    old = sa.table(
        "snapshots", *(sa.column(c) for c in (
            "subject", "role", "day", "status", "score", "band_low", "band_high",
            "network_scores", "model_version", "computed_at")),
        sa.column("report", sa.JSON()))
    bind = op.get_bind()
    subjects = sa.table("history_subjects", sa.column("id"), sa.column("subject"),
                        sa.column("role"))
    bind.execute(subjects.insert().from_select(
        ["subject", "role"], sa.select(old.c.subject, old.c.role).distinct()))
    cols = ["day", "status", "score", "band_low", "band_high", "network_scores",
            "model_version", "computed_at"]
    history = sa.table("history_days", sa.column("subject_id"), *(sa.column(c) for c in cols))
    bind.execute(history.insert().from_select(
        ["subject_id", *cols],
        sa.select(subjects.c.id, *(old.c[c] for c in cols)).select_from(old.join(
            subjects, sa.and_(subjects.c.subject == old.c.subject,
                              subjects.c.role == old.c.role)))))
    # The newest report of each subject and role becomes its one latest report.
    newest = (sa.select(old.c.subject, old.c.role, sa.func.max(old.c.day).label("day"))
              .group_by(old.c.subject, old.c.role).subquery())
    rows = bind.execute(
        sa.select(old.c.subject, old.c.role, old.c.computed_at, old.c.report)
        .join(newest, sa.and_(old.c.subject == newest.c.subject, old.c.role == newest.c.role,
                              old.c.day == newest.c.day))).all()
    latest = sa.table("latest_reports", sa.column("subject"), sa.column("role"),
                      sa.column("computed_at"), sa.column("report", sa.JSON()),
                      sa.column("accounts", sa.JSON()))
    for subject, role, computed_at, report in rows:
        accounts = sorted({n.get("account") for n in (report or {}).get("networks") or []
                           if n.get("account")} | {subject})
        bind.execute(latest.insert().values(subject=subject, role=role, computed_at=computed_at,
                                            report=report, accounts=accounts))
    op.drop_table("snapshots")


def downgrade() -> None:
    op.create_table(
        "snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject", SUBJECT, nullable=False),
        sa.Column("role", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("band_low", sa.Integer(), nullable=True),
        sa.Column("band_high", sa.Integer(), nullable=True),
        sa.Column("network_scores", sa.JSON(), nullable=False),
        sa.Column("model_version", sa.String(length=64), nullable=False),
        sa.Column("calibration_version", sa.String(length=64), nullable=False),
        sa.Column("computed_at", _ts(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_snapshots")),
        sa.UniqueConstraint("subject", "role", "day", name="uq_snapshots_subject_role_day"),
    )
    # Only the latest reports survive a downgrade: the per-day full reports are gone.
    latest = sa.table("latest_reports", sa.column("subject"), sa.column("role"),
                      sa.column("computed_at"), sa.column("report", sa.JSON()))
    snap = sa.table("snapshots", *(sa.column(c) for c in (
        "subject", "role", "day", "status", "score", "band_low", "band_high",
        "model_version", "calibration_version", "computed_at")),
        sa.column("network_scores", sa.JSON()), sa.column("report", sa.JSON()))
    bind = op.get_bind()
    for subject, role, computed_at, report in bind.execute(sa.select(latest)).all():
        band = report.get("band") or {}
        bind.execute(snap.insert().values(
            subject=subject, role=role, day=date.fromisoformat(str(report["computed_at"])[:10]),
            status=report["status"],
            score=report.get("score"), band_low=band.get("low"), band_high=band.get("high"),
            network_scores={n["network"]: n.get("network_score")
                            for n in report.get("networks") or []},
            model_version=report.get("model_version") or "",
            calibration_version=report.get("calibration_version") or "",
            computed_at=computed_at, report=report))
    with op.batch_alter_table("claims") as batch:
        batch.drop_index(batch.f("ix_claims_parent_id"))
        batch.drop_column("revoked_reason")
        batch.drop_column("revoked_at")
        batch.drop_column("expires_at")
        batch.drop_column("parent_id")
    op.drop_table("mentions")
    op.drop_index(op.f("ix_account_aliases_account"), table_name="account_aliases")
    op.drop_table("account_aliases")
    op.drop_table("latest_reports")
    op.drop_table("history_days")
    op.drop_table("history_subjects")
