"""Finishing a batch: after one request brought several profiles (Stack Exchange
``/users/{ids}``, Bluesky ``getProfiles``), each subject's own secondary calls run side by
side, so a batch of N takes about as long as one subject, not N of them.

Each task runs in a copy of the caller's context: the report deadline and the quota
priority (context variables in :mod:`service.upstream.support` and :mod:`service.upstream.quota`)
hold inside the workers as they do for the caller.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")
MAX_WORKERS = 8  # per batch; the upstream client's connection pool serves them


def each(items: list[T], work: Callable[[T], R]) -> list[R | BaseException]:
    """``work(item)`` for every item, concurrently; an exception is returned in its place."""
    if len(items) <= 1:
        return [_run(work, item) for item in items]
    with ThreadPoolExecutor(min(MAX_WORKERS, len(items)),
                            thread_name_prefix="candor-batch-subject") as pool:
        futures = [pool.submit(contextvars.copy_context().run, _run, work, item)
                   for item in items]
        return [f.result() for f in futures]


def _run(work: Callable[[T], R], item: T) -> R | BaseException:
    try:
        return work(item)
    except Exception as exc:  # noqa: BLE001 - per-subject failure is the contract
        return exc
