"""In-process pieces: the bounded L1 copy and the background flight pool.

``Flights`` makes concurrent callers in one process share one future per key (the
cross-process part is the backend lock, see ``report_cache``). Its thread pool is created
lazily and again after a fork (gunicorn ``preload_app``): a forked child has the parent's
pool object but none of its threads.
"""

from __future__ import annotations

import contextvars
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from service.cache.envelope import Envelope


class L1:
    """Bounded LRU of envelopes for a second or two, tagged with the backend's purge epoch."""

    def __init__(self, maxsize: int = 2048, ttl: float = 1.5):
        self.maxsize = maxsize
        self.ttl = ttl
        self._data: OrderedDict[str, tuple[float, object, Envelope]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, epoch: object) -> Envelope | None:
        with self._lock:
            item = self._data.get(key)
            if item is None:
                return None
            expires, item_epoch, env = item
            if item_epoch != epoch or expires <= time.monotonic():
                del self._data[key]
                return None
            self._data.move_to_end(key)
            return env

    def put(self, key: str, env: Envelope, epoch: object) -> None:
        with self._lock:
            self._data[key] = (time.monotonic() + self.ttl, epoch, env)
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)

    def drop(self, key: str) -> None:
        with self._lock:
            self._data.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def reset_after_fork(self) -> None:
        self._lock = threading.Lock()
        self._data = OrderedDict()


class Flights:
    """One running future per key in this process, on a bounded, lazily created pool."""

    def __init__(self, max_workers: int = 4, max_pending: int = 64):
        self.max_workers = max_workers
        self.max_pending = max_pending
        self._pid = -1
        self._pool: ThreadPoolExecutor | None = None
        self._running: dict[str, Future[Any]] = {}
        self._lock = threading.Lock()

    def _ensure(self) -> None:
        if self._pid != os.getpid():
            # New process (first use, or after fork): the inherited lock may be held by a
            # thread that does not exist here, and the inherited pool has no threads.
            self._lock = threading.Lock()
            self._running = {}
            self._pool = ThreadPoolExecutor(self.max_workers, thread_name_prefix="candor-cache")
            self._pid = os.getpid()

    def start(
        self, key: str, fn: Callable[[], Any], *, optional: bool = False
    ) -> Future[Any] | None:
        """Join the flight for ``key`` or start ``fn`` as a new one. With ``optional`` (a
        background refresh), nothing new is started when the pool's backlog is full."""
        self._ensure()
        with self._lock:
            fut = self._running.get(key)
            if fut is not None:
                return fut
            if optional and len(self._running) >= self.max_pending:
                return None
            assert self._pool is not None
            # In the caller's context: its upstream deadline and quota priority apply.
            fut = self._pool.submit(contextvars.copy_context().run, fn)
            self._running[key] = fut
        fut.add_done_callback(lambda f, k=key: self._finish(k, f))
        return fut

    def _finish(self, key: str, fut: Future[Any]) -> None:
        with self._lock:
            if self._running.get(key) is fut:
                del self._running[key]

    def running(self, key: str) -> bool:
        self._ensure()
        with self._lock:
            return key in self._running

    def shutdown(self) -> None:
        if self._pool is not None and self._pid == os.getpid():
            self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = None
        self._pid = -1
