"""The ``candor`` command. Each sub-command lives in its own module with ``register()``."""

from __future__ import annotations

import argparse
import importlib
import sys

# Adding a command means adding a module here with register(subparsers).
COMMAND_MODULES = ("score", "db", "serve", "worker", "keys", "purge")


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
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
