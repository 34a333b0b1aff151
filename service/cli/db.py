"""``candor db upgrade``: apply the migrations (SQLite by default, PostgreSQL at scale)."""

from __future__ import annotations

import argparse

from service.config import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("db", help="database maintenance")
    sub = p.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    up = sub.add_parser("upgrade", help="apply all migrations")
    up.set_defaults(handler=upgrade)


def upgrade(args: argparse.Namespace) -> int:
    from service.store.migrate import upgrade as run_upgrade

    settings = Settings.from_env()
    run_upgrade(settings)
    print("database is up to date")
    return 0
