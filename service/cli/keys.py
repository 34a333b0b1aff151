"""``candor keys create|list|revoke``: recruiter API keys (shown once, stored hashed)."""

from __future__ import annotations

import argparse
import math
import re
import sys

from service.config import Settings

_LIMIT = re.compile(r"^\s*(\d+)\s*/\s*(second|minute|hour|day)\s*$")
_PER_MINUTE = {"second": 60.0, "minute": 1.0, "hour": 1 / 60, "day": 1 / 1440}


def parse_limit(text: str) -> int:
    """``600/hour`` → requests per minute (rounded up), as the key row stores it."""
    match = _LIMIT.match(text)
    if match is None:
        raise argparse.ArgumentTypeError("expected N/second, N/minute, N/hour or N/day")
    per_minute = int(match.group(1)) * _PER_MINUTE[match.group(2)]
    if per_minute <= 0:
        raise argparse.ArgumentTypeError("the limit must be positive")
    return max(1, math.ceil(per_minute))


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("keys", help="recruiter API keys")
    sub = p.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    create = sub.add_parser("create", help="create a key (printed once)")
    create.add_argument("--name", required=True)
    create.add_argument("--limit", type=parse_limit, default=None,
                        help="e.g. 600/hour (default); a batch costs its number of subjects")
    create.add_argument("--scope", action="append", dest="scopes", default=None,
                        help="lookups (default; repeatable)")
    create.set_defaults(handler=create_key)
    sub.add_parser("list", help="list keys (never the secrets)").set_defaults(handler=list_keys)
    revoke = sub.add_parser("revoke", help="revoke a key by id")
    revoke.add_argument("id", type=int)
    revoke.set_defaults(handler=revoke_key)


def _database():
    from service.store.db import Database

    return Database(Settings.from_env())


def create_key(args: argparse.Namespace) -> int:
    from service.store import keys

    with _database().session() as session:
        try:
            scopes = tuple(args.scopes or keys.SCOPES)
            info, raw = keys.create_key(session, args.name, scopes=scopes,
                                        rate_per_minute=args.limit)
        except ValueError as exc:
            print(f"candor: {exc}", file=sys.stderr)
            return 2
    print(f"created key {info.id} ({info.name}), {info.rate_per_minute * 60}/hour, "
          f"scopes {','.join(info.scopes)}")
    print("the key is shown only this once; store it now:")
    print(raw)
    return 0


def list_keys(args: argparse.Namespace) -> int:
    from service.store import keys

    with _database().session() as session:
        rows = keys.list_keys(session)
    print(f"{'id':>4}  {'prefix':<10} {'limit':<10} {'scopes':<10} {'state':<8} created  name")
    for info, created in rows:
        state = "revoked" if info.revoked else "active"
        print(f"{info.id:>4}  cnd_{info.prefix:<6} {str(info.rate_per_minute * 60) + '/h':<10} "
              f"{','.join(info.scopes):<10} {state:<8} {created[:19]}  {info.name}")
    return 0


def revoke_key(args: argparse.Namespace) -> int:
    from service.store import keys

    with _database().session() as session:
        found = keys.revoke_key(session, args.id)
    if not found:
        print(f"candor: no key with id {args.id}", file=sys.stderr)
        return 1
    print(f"key {args.id} revoked")
    return 0
