"""``candor purge``: enforce the retention periods.

- Audit entries and finished lookups: ``CANDOR_AUDIT_RETENTION_DAYS`` (365).
- Score history and latest reports of people who have not claimed their profile:
  ``CANDOR_HISTORY_DAYS`` (90). Claimed people's history is kept while their claim is
  active (they can opt out, which deletes it at once).
"""

from __future__ import annotations

import argparse
import os
from datetime import UTC, datetime, timedelta

from service.config import Settings


def retention_days() -> int:
    return int(os.environ.get("CANDOR_AUDIT_RETENTION_DAYS", "365"))


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("purge", help="delete audit entries, finished lookups and "
                                            "unclaimed people's score history older than "
                                            "their retention periods")
    p.add_argument("--days", type=int, default=None,
                   help="override CANDOR_AUDIT_RETENTION_DAYS (default 365)")
    p.add_argument("--history-days", type=int, default=None,
                   help="override CANDOR_HISTORY_DAYS (default 90)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from service.store import audit, snapshots
    from service.store.db import Database

    settings = Settings.from_env()
    days = args.days if args.days is not None else retention_days()
    history_days = getattr(args, "history_days", None)
    history_days = history_days if history_days is not None else settings.history_days
    now = datetime.now(UTC)
    cutoff = now - timedelta(days=days)
    database = Database(settings)
    try:
        with database.session() as session:
            entries, jobs = audit.purge_older_than(session, cutoff)
            points, reports = snapshots.purge_history(
                session, unclaimed_before=(now - timedelta(days=history_days)).date())
    finally:
        database.dispose()
    print(f"deleted {entries} audit entries and {jobs} finished lookups older than {days} days")
    print(f"deleted {points} history days and {reports} latest reports of unclaimed people "
          f"older than {history_days} days")
    return 0
