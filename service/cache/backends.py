"""Storage backends for the report cache: a directory (one machine) or Redis (many).

Why not Flask-Caching / cachelib for storage: both serialize values with pickle
(cachelib's ``RedisSerializer`` unpickles any value that starts with ``b"!"``,
``FileSystemCache`` pickles every entry), so anyone able to write the shared cache could run
code in every web worker. They also lack what single-flight and opt-out need: ``SET NX PX``
locks with a token-checked release, atomic "store unless purged since" writes, a per-subject
index, and a purge notification. So these backends speak redis-py and the file system
directly, store only opaque bytes (the fixed-format envelope), and every failure surfaces as
:class:`CacheUnavailable` so the caller can fail closed.

Both backends implement the same small interface (``Backend``); see the two modules.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any


class CacheUnavailable(RuntimeError):
    """The cache backend cannot be used right now; serve a fallback instead of computing."""


class Backend(ABC):
    """Opaque bytes by key, grouped by subject, with locks and purge generations."""

    @abstractmethod
    def get(self, key: str, subject: str) -> bytes | None: ...

    @abstractmethod
    def set(
        self, key: str, subject: str, blob: bytes, ttl: float, expect_gen: int | None = None
    ) -> bool:
        """Store for ``ttl`` seconds; if ``expect_gen`` is given, only when the subject's
        purge generation still equals it (so a compute that started before an opt-out never
        writes the report back). Returns whether it was stored."""

    @abstractmethod
    def generation(self, subject: str) -> int:
        """Purge counter of ``subject``; bumped by every purge touching it."""

    @abstractmethod
    def purge_subject(self, subject: str) -> int:
        """Delete every key of ``subject`` and notify every instance. Returns keys deleted."""

    @abstractmethod
    def purge_keys(self, keys: list[tuple[str, str]]) -> int:
        """Delete exact ``(key, subject)`` pairs and notify every instance."""

    @abstractmethod
    def try_lock(self, key: str, ttl: float) -> Any | None:
        """Non-blocking compute lock for ``key``; a token for :meth:`unlock`, or None."""

    @abstractmethod
    def unlock(self, key: str, token: Any) -> None: ...

    @abstractmethod
    def ping(self) -> None:
        """Raise :class:`CacheUnavailable` unless the backend answers."""

    @abstractmethod
    def l1_epoch(self) -> object | None:
        """A cheap value that changes whenever any instance purges. ``None`` means purges
        cannot be observed right now, so in-process copies must not be served."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections and threads."""
