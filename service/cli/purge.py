"""``candor purge``: enforce the audit retention (``CANDOR_AUDIT_RETENTION_DAYS``, 365)."""

from __future__ import annotations

import argparse
import os
from datetime import UTC, datetime, timedelta

from service.config import Settings


def retention_days() -> int:
    return int(os.environ.get("CANDOR_AUDIT_RETENTION_DAYS", "365"))


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("purge", help="delete audit entries and finished lookups older "
                                            "than the retention period")
    p.add_argument("--days", type=int, default=None,
                   help="override CANDOR_AUDIT_RETENTION_DAYS (default 365)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from service.store import audit
    from service.store.db import Database

    days = args.days if args.days is not None else retention_days()
    cutoff = datetime.now(UTC) - timedelta(days=days)
    with Database(Settings.from_env()).session() as session:
        entries, jobs = audit.purge_older_than(session, cutoff)
    print(f"deleted {entries} audit entries and {jobs} finished lookups older than {days} days")
    return 0
