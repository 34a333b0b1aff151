"""Coalescing: cold subjects of one network that arrive together are fetched in one call.

Many users hovering at once, a lookup and a hover, a badge batch: each asks for one subject
from its own thread. When the network can carry several subjects in one request
(``Connector.batch_size`` > 1: GitHub GraphQL aliases, Stack Exchange ``/users/{ids}``,
Bluesky ``getProfiles``), the first arrival opens a batch, later arrivals join it for a
short window (a few ms, ``CANDOR_COALESCE_MS``) or until it is full, and one
``fetch_many`` call answers them all. Cost per subject falls as traffic grows.

An interactive request (a hover, a self-check) that finds the network idle (no fetch of it
running in this process) is sent at once: a lone cold badge never waits for company that is
not coming; the window only opens while another fetch is in flight, which is exactly when
more arrivals are likely. Batch work (recruiter lookups, a page's badge batch) is not
waited on by a person, so its batches wait longer (``batch_window``, 500 ms) to fill; a
hover that joins such a batch sends it at once. A lookup has at most
``CANDOR_LOOKUP_CONCURRENCY`` subjects of a network in flight in a process
(:mod:`service.recruiter.slots`), so a batch-priority batch holding that many is as full as it can
get and goes at once: waiting out the window would idle every job slot while the rest of the
lookup is queued behind them (GitHub batches 12, lookups run 8 by default).

A batch runs at the highest priority of its members (a hover in a batch of recruiter
subjects makes it interactive), see :mod:`service.upstream.quota`.

Which networks: only GitHub's ``fetch_many`` answers whole subjects in one request (GraphQL),
so only GitHub is coalesced for people waiting. Stack Exchange and Bluesky batch the profile
call but then fetch each subject's answers/feed one after another, so a coalesced batch takes
longer than parallel single fetches: they are coalesced for batch work only, and only where
a published quota makes the saved calls worth that (Stack Exchange: 300 a day).
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from datetime import datetime
from typing import Any

from service.networks.base import Connector, NetworkData
from service.recruiter.slots import concurrency
from service.upstream import UpstreamError, quota, time_left

DEFAULT_WINDOW = 0.008  # seconds an interactive batch stays open
BATCH_WINDOW = 0.5  # seconds a batch of batch-priority subjects stays open
# Networks whose fetch_many answers every subject of a batch in one request.
WHOLE_SUBJECT_BATCHES = frozenset({"github"})


class _Batch:
    def __init__(self) -> None:
        self.handles: list[str] = []
        self.levels: set[str] = set()
        self.members = 0  # requests waiting on this batch (a handle asked twice counts twice)
        self.full = threading.Event()
        self.done = threading.Event()
        self.results: dict[str, NetworkData | Exception] = {}
        self.error: BaseException | None = None


class Coalescer:
    """One per process (:func:`default`); tests build their own."""

    def __init__(self, window: float = DEFAULT_WINDOW, *, idle_dispatch: bool = True,
                 batch_window: float = BATCH_WINDOW,
                 whole_batches: frozenset[str] = WHOLE_SUBJECT_BATCHES,
                 batch_networks: frozenset[str] | None = None,
                 batch_fill: int | None = None):
        self.window = window
        self.batch_window = batch_window
        # Batch-priority requests that can be waiting at once (None: the job concurrency,
        # read at each fetch as the job pool reads it).
        self.batch_fill = batch_fill
        self.whole_batches = whole_batches  # coalesced at any priority
        # Coalesced for batch work: networks with a published quota.
        self.batch_networks = (frozenset(n for n, _, _ in quota.PUBLISHED)
                               if batch_networks is None else batch_networks)
        self.idle_dispatch = idle_dispatch
        self._lock = threading.Lock()
        self._open: dict[tuple, _Batch] = {}
        self._busy: Counter[tuple] = Counter()
        self.stats: Counter[str] = Counter()  # requests, subjects, batches

    def fetch(self, connector: Connector, handle: str, *, now: datetime) -> NetworkData:
        """``connector.fetch(handle)``, possibly answered by a shared ``fetch_many``."""
        size = int(getattr(connector, "batch_size", 1) or 1)
        level = quota.current_priority()
        network = connector.network
        worth_it = network in self.whole_batches or (
            level == "batch" and network in self.batch_networks)
        if size <= 1 or self.window <= 0 or not worth_it:
            return connector.fetch(handle, now=now)
        # Same network, same credentials and upstream client: one request may carry them.
        key = (network, id(connector.settings), id(connector.upstream))
        with self._lock:
            self.stats["subjects"] += 1
            batch = self._open.get(key)
            leader = batch is None
            if leader:
                batch = self._open[key] = _Batch()
                if level == "interactive" and self.idle_dispatch and not self._busy[key]:
                    batch.full.set()  # nothing in flight: go now, don't wait for company
            elif level == "interactive" and "interactive" not in batch.levels:
                batch.full.set()  # a person is waiting: send what was collected, now
            if handle not in batch.handles:
                batch.handles.append(handle)
            batch.levels.add(level)
            batch.members += 1
            fill = self.batch_fill if self.batch_fill is not None else concurrency()
            if len(batch.handles) >= size or (level == "batch" and batch.members >= fill):
                batch.full.set()
            if batch.full.is_set() and self._open.get(key) is batch:
                del self._open[key]  # later arrivals open the next batch
        if leader:
            self._lead(key, batch, connector, now,
                       self.window if level == "interactive" else self.batch_window)
        else:
            left = time_left()
            wait = connector.settings.report_deadline if left is None else max(left, 0.0)
            if not batch.done.wait(wait):
                raise UpstreamError("deadline", f"{connector.network}: report deadline reached")
        if batch.error is not None:
            raise batch.error
        result = batch.results.get(handle)
        if result is None:
            raise UpstreamError("bad_response",
                                f"{connector.network}: the batch answered without {handle}")
        if isinstance(result, Exception):
            raise result
        return result

    def _lead(self, key: tuple, batch: _Batch, connector: Connector, now: datetime,
              window: float) -> None:
        batch.full.wait(window)  # the window: a timer by design, not synchronisation
        with self._lock:
            if self._open.get(key) is batch:
                del self._open[key]
            handles = list(batch.handles)
            level = "interactive" if "interactive" in batch.levels else "batch"
            self._busy[key] += 1
            self.stats["requests"] += 1
        try:
            with quota.priority(level):
                if len(handles) == 1:
                    try:
                        batch.results = {handles[0]: connector.fetch(handles[0], now=now)}
                    except UpstreamError as exc:
                        batch.results = {handles[0]: exc}
                else:
                    batch.results = connector.fetch_many(handles, now=now)
        except BaseException as exc:  # noqa: BLE001 - handed to every member of the batch
            batch.error = exc
        finally:
            with self._lock:
                self._busy[key] -= 1
                if self._busy[key] <= 0:
                    del self._busy[key]
            batch.done.set()

    def waiting(self) -> int:
        """Requests in batches still open (tests wait on this instead of sleeping)."""
        with self._lock:
            return sum(b.members for b in self._open.values())


_default: Coalescer | None = None
_default_pid: int | None = None
_default_lock = threading.Lock()


def default(window: float | None = None) -> Coalescer:
    """The process's coalescer (created again after a fork)."""
    global _default, _default_pid
    with _default_lock:
        if _default is None or _default_pid != os.getpid():
            _default = Coalescer(DEFAULT_WINDOW if window is None else window)
            _default_pid = os.getpid()
        elif window is not None:
            _default.window = window
        return _default


def fetch(connector: Connector, handle: str, *, now: datetime) -> NetworkData:
    """Fetch through the process's coalescer, with the window the settings name."""
    window: Any = getattr(connector.settings, "coalesce_window", None)
    return default(window).fetch(connector, handle, now=now)
