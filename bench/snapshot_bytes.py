"""Snapshot storage per subject-day (issue 15.16): what a day of history costs on disk.

A real report is computed once against the local fakes (``github:octocat`` with its linked
networks), then stored for many subjects over many days through ``snapshots.save``, the
same code the service runs. Measured per backend, including the table's index:

- SQLite: the pages of ``history_days`` and ``history_subjects`` (the compact key, one row
  per subject and role) counted by the ``dbstat`` table, after VACUUM;
- PostgreSQL (when reachable): ``pg_total_relation_size`` of the same two tables (heap,
  indexes, free-space and visibility maps), after VACUUM.

Printed: bytes per subject-day of history (goal <= 200), the one latest full report per
subject, and what the old design (the full report every day) cost per subject-day.

    python -m bench.snapshot_bytes [--subjects 300] [--days 30]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import func, select, text  # noqa: E402

from service.config import Settings  # noqa: E402
from service.lookup import score_subject  # noqa: E402
from service.store import migrate, snapshots  # noqa: E402
from service.store.db import Database  # noqa: E402
from service.store.models import LatestReport, Snapshot  # noqa: E402
from service.upstream import Upstream  # noqa: E402
from tests.fakes.server import FakeUpstream  # noqa: E402

PG_URL = os.environ.get("CANDOR_TEST_POSTGRES_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def sample_report() -> dict:
    with FakeUpstream() as fake, tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env({**fake.env(), "CANDOR_INSTANCE_PATH": tmp})
        return score_subject("github:octocat", role="engineering", settings=settings,
                             upstream=Upstream(settings))


def fill(database: Database, base: dict, subjects: int, days: int) -> None:
    start = datetime(2026, 6, 1, 12, tzinfo=UTC)
    for day in range(days):
        with database.session() as session:
            for i in range(subjects):
                report = copy.copy(base)
                report["subject"] = f"github:person-{i:06d}"
                report["score"] = (i + day) % 100 + 1
                report["computed_at"] = (start + timedelta(days=day)).isoformat()
                snapshots.save(session, report, role="engineering")


def sqlite_bytes(database: Database) -> tuple[float, float]:
    with database.engine.connect() as conn:  # VACUUM runs outside a transaction
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM"))
    with database.session() as session:
        def pages(name: str) -> int:
            return session.scalar(text(
                "SELECT sum(pgsize) FROM dbstat WHERE name = :n OR name LIKE :idx"),
                {"n": name, "idx": f"sqlite_autoindex_{name}%"}) or 0
        history = pages("history_days") + pages("history_subjects")
        return float(history), float(pages("latest_reports"))


def pg_bytes(database: Database) -> tuple[float, float]:
    # What autovacuum leaves: the latest report is rewritten daily (dead tuples until then).
    with database.engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(
            text("VACUUM latest_reports, history_days, history_subjects"))
    with database.session() as session:
        hist = session.scalar(text("SELECT pg_total_relation_size('history_days') + "
                                   "pg_total_relation_size('history_subjects')"))
        # The report itself as stored (TOAST-compressed); the table also holds superseded
        # versions until autovacuum reuses their space.
        latest = session.scalar(text("SELECT sum(pg_column_size(report)) FROM latest_reports"))
        return float(hist), float(latest)


def measure(settings: Settings, base: dict, subjects: int, days: int, kind: str) -> dict:
    migrate.upgrade(settings)
    database = Database(settings)
    try:
        fill(database, base, subjects, days)
        with database.session() as session:
            rows = session.scalar(select(func.count()).select_from(Snapshot))
            latest_rows = session.scalar(select(func.count()).select_from(LatestReport))
        hist, latest = sqlite_bytes(database) if kind == "sqlite" else pg_bytes(database)
    finally:
        database.dispose()
    return {"per_day": hist / rows, "latest_per_subject": latest / latest_rows, "rows": rows}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=200)
    parser.add_argument("--days", type=int, default=20)
    args = parser.parse_args()
    base = sample_report()
    old = len(json.dumps(base, separators=(",", ":")))
    print(f"one full report ({len(base['networks'])} accounts): {old} bytes of JSON; the old "
          f"design stored it every subject-day")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["sqlite"] = measure(Settings(instance_path=Path(tmp)), base, args.subjects,
                                    args.days, "sqlite")
    try:
        sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        import pytest  # postgres_schema fails through pytest when the server is missing

        from tests.databases import postgres_schema

        try:
            with postgres_schema("candor_bench") as (url, _schema):
                results["postgresql"] = measure(
                    Settings(instance_path=Path(tempfile.gettempdir()), database_url=url), base,
                    args.subjects, args.days, "postgresql")
        except pytest.fail.Exception as exc:
            print(f"postgresql: skipped ({exc})")
    except ImportError:
        print("postgresql: skipped (test helpers not importable)")
    for kind, r in results.items():
        print(f"{kind}: {r['rows']} history rows; bytes per subject-day (history, index "
              f"included) {r['per_day']:.0f} (goal <= 200); one latest full report per "
              f"subject {r['latest_per_subject']:.0f} bytes")
    worst = max(r["per_day"] for r in results.values())
    print(f"bytes per subject-day, worst backend: {worst:.0f} (goal <= 200); "
          f"old design: about {old} per subject-day")
    print(f"RESULT snapshot_bytes_per_day={worst:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
