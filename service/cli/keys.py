"""``candor keys create|list|revoke``: recruiter API keys (shown once, stored hashed)."""

from __future__ import annotations

import argparse
import sys

from service.config import Settings


def parse_limit(text: str) -> str:
    """``600/hour`` → ``"600/hour"``: kept with its unit (``5/hour`` is not 60 an hour).

    An invalid limit is one line on stderr and exit status 2 (not argparse's usage dump)."""
    from service.store.keys import normalize_limit

    try:
        return normalize_limit(text)
    except ValueError as exc:
        print(f"candor keys create: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


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
                                        limit=args.limit)
        except ValueError as exc:
            print(f"candor: {exc}", file=sys.stderr)
            return 2
    print(f"created key {info.id} ({info.name}), {info.limit}, "
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
        print(f"{info.id:>4}  cnd_{info.prefix:<6} {info.limit:<10} "
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
