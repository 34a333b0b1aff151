"""``candor run``: migrate, then start the production server (gunicorn) on embedded defaults."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from service.config import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("run", help="apply migrations and start the web server")
    p.add_argument("--port", default=os.environ.get("PORT", "8000"))
    p.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from service.store.migrate import upgrade

    upgrade(Settings.from_env())  # also checks every setting: a bad one stops here
    # Next to this Python first: `.venv/bin/candor run` works without activating the venv.
    beside = Path(sys.executable).parent / "gunicorn"
    gunicorn = str(beside) if beside.exists() else shutil.which("gunicorn")
    if gunicorn is None:
        print("candor: gunicorn is not installed", file=sys.stderr)
        return 1
    env = dict(os.environ, PORT=str(args.port), HOST=args.host)
    print(f"Candor listening on http://{args.host}:{args.port} (start at /, API docs at /docs)",
          flush=True)
    argv = [gunicorn, "-c", "python:service.gunicorn_conf", "service:create_app()"]
    os.execve(gunicorn, argv, env)  # noqa: S606 - become the server; fixed argv, no shell
    return 0  # not reached
