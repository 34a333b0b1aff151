"""``candor worker``: an RQ worker for batch lookups (needs ``CANDOR_CACHE_URL=redis://``).

Without Redis the web process runs lookups itself in a small in-process pool, so this
command is only needed at scale (the Procfile's ``worker:``).
"""

from __future__ import annotations

import argparse
import sys

from service.config import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    from service.recruiter.jobs import QUEUE

    p = subparsers.add_parser("worker", help="run a background worker for batch lookups")
    p.add_argument("queues", nargs="*", default=[QUEUE], help=f"queue names (default {QUEUE})")
    p.add_argument("--burst", action="store_true", help="exit when the queues are empty")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import redis
    from rq import SimpleWorker

    from service.recruiter.jobs import is_redis, start_sweeper

    settings = Settings.from_env()
    url = settings.effective_cache_url
    if not is_redis(url):
        print("candor worker: CANDOR_CACHE_URL must be redis://...; without Redis the web "
              "process runs lookups itself", file=sys.stderr)
        return 2
    # SimpleWorker runs jobs in this process (no fork per job): the report cache, the
    # upstream client's connection pools and its rate-limit cooldowns are reused.
    # Lookups a killed worker left unfinished are enqueued again (see service.recruiter.jobs).
    start_sweeper(burst=args.burst)
    worker = SimpleWorker(args.queues, connection=redis.Redis.from_url(url))
    worker.work(burst=args.burst)
    return 0
