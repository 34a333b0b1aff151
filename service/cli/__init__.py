"""The ``candor`` command. Each sub-command lives in its own module with ``register()``.

Exit status 2 means bad input or an invalid setting (one line on stderr naming it); commands
that use the database (``keys``, ``purge``) first apply the migrations, as ``candor run``
does, so they work on a fresh instance.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# Adding a command means adding a module here with register(subparsers).
COMMAND_MODULES = ("score", "db", "serve", "worker", "keys", "purge")
# Commands that read or write the database: migrated first (idempotent, fast when current).
MIGRATE_FIRST = frozenset({"keys", "purge"})


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="candor", description=(
        "Candor: an honest professional-influence score from public activity. "
        "The number never measures quality of work or a person's worth."))
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"service.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"service.cli.{name}":
                continue  # command not built yet
            raise
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from service.config import ConfigError, Settings

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command in MIGRATE_FIRST:
            from service.store.migrate import upgrade

            upgrade(Settings.from_env())
        return int(args.handler(args) or 0)
    except ConfigError as exc:
        print(f"candor: {exc}", file=sys.stderr)
        return 2
    except SQLAlchemyError as exc:
        # One line, not a traceback: the usual causes are a wrong CANDOR_DATABASE_URL or a
        # server that is down.
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        print(f"candor: database error ({reason}); check CANDOR_DATABASE_URL, then run "
              "`candor db upgrade`", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
