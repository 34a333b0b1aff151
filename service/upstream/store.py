"""In-process state of the upstream client: the conditional-request store and counters.

:class:`ValidatorStore` is the small interface a shared (e.g. Redis-backed) store would
implement; :class:`MemoryValidatorStore` is the bounded default. :class:`UpstreamStats` holds
the per-network counters that /metrics exports.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass
from typing import Any, Protocol


# -- conditional requests -------------------------------------------------------------------
@dataclass(frozen=True)
class StoredResponse:
    etag: str | None
    last_modified: str | None
    headers: dict[str, str]
    body: bytes


class ValidatorStore(Protocol):
    """Where ETag/Last-Modified validators and bodies live (memory now, Redis later).

    Keys are opaque hashes (no URL, no credentials). Implementations must be thread-safe.
    """

    def get(self, key: str) -> StoredResponse | None: ...

    def put(self, key: str, entry: StoredResponse) -> None: ...


class MemoryValidatorStore:
    """A bounded LRU, by entry count and total body bytes."""

    def __init__(self, max_entries: int = 2048, max_bytes: int = 64 * 1024 * 1024):
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, StoredResponse] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> StoredResponse | None:
        with self._lock:
            entry = self._items.get(key)
            if entry is not None:
                self._items.move_to_end(key)
            return entry

    def put(self, key: str, entry: StoredResponse) -> None:
        if len(entry.body) > self.max_bytes // 8:
            return  # one huge body must not evict everything else
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._items[key] = entry
            self._bytes += len(entry.body)
            while self._items and (len(self._items) > self.max_entries
                                   or self._bytes > self.max_bytes):
                _, evicted = self._items.popitem(last=False)
                self._bytes -= len(evicted.body)


# -- stats ----------------------------------------------------------------------------------
class UpstreamStats:
    """Thread-safe counters per network: calls, errors by kind, revalidations (304)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: Counter[str] = Counter()
        self._revalidated: Counter[str] = Counter()
        self._errors: Counter[tuple[str, str]] = Counter()

    def call(self, network: str) -> None:
        with self._lock:
            self._calls[network] += 1

    def error(self, network: str, kind: str) -> None:
        with self._lock:
            self._errors[(network, kind)] += 1

    def revalidated(self, network: str) -> None:
        with self._lock:
            self._revalidated[network] += 1

    def snapshot(self) -> dict[str, dict[str, Any]]:
        """``{network: {"calls": n, "revalidated": n, "errors": {kind: n}}}``."""
        with self._lock:
            names = set(self._calls) | set(self._revalidated) | {n for n, _ in self._errors}
            return {name: {
                "calls": self._calls[name],
                "revalidated": self._revalidated[name],
                "errors": {k: c for (n, k), c in self._errors.items() if n == name},
            } for name in sorted(names)}
