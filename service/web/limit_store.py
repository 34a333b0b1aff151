"""Rate-limit counters in a SQLite file: shared by every worker process on one machine.

Without Redis, Flask-Limiter's ``memory://`` keeps counters in each worker's memory, so a
gunicorn worker recycle (``max_requests``) or a crash resets them and N workers allow N
times the limit. This storage keeps them in ``ratelimits.sqlite3`` next to the file cache,
so they survive recycling and are one counter per client across workers.

Registered with the ``limits`` library as ``candor-sqlite:///<absolute path>``. It supports
the fixed-window and sliding-window-counter strategies. Every check-and-increment runs in
one ``BEGIN IMMEDIATE`` transaction, so two processes cannot both take the last slot.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from contextlib import suppress
from math import floor
from pathlib import Path

from limits.storage.base import SlidingWindowCounterSupport, Storage, TimestampedSlidingWindow

SCHEME = "candor-sqlite"
# Expired rows are deleted by one in this many writes (a cheap, bounded sweep).
SWEEP_EVERY = 500


def open_private(path: Path) -> None:
    """Create ``path`` (if missing) readable by its owner only, before SQLite opens it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


class SQLiteStorage(Storage, SlidingWindowCounterSupport, TimestampedSlidingWindow):
    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: str):
        self.path = Path((uri or "")[len(SCHEME) + len("://"):])
        if not self.path.is_absolute():
            raise ValueError(f"{SCHEME} needs an absolute path, got {uri!r}")
        self._local = threading.local()
        self._writes = 0
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    # -- connection: one per thread and process (sqlite3 objects are not fork-safe) ----------
    def _db(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None or self._local.pid != os.getpid():
            open_private(self.path)
            conn = sqlite3.connect(self.path, timeout=10, isolation_level=None,
                                   check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, "
                         "value INTEGER NOT NULL, expires REAL NOT NULL)")
            self._local.conn, self._local.pid = conn, os.getpid()
        return conn

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return sqlite3.Error

    def _read(self, conn: sqlite3.Connection, key: str, now: float) -> tuple[int, float]:
        row = conn.execute("SELECT value, expires FROM counters WHERE key = ? AND expires > ?",
                           (key, now)).fetchone()
        return (row[0], row[1]) if row else (0, now)

    def _add(self, conn: sqlite3.Connection, key: str, expiry: float, amount: int,
             now: float) -> int:
        value, _ = self._read(conn, key, now)
        if value == 0:
            conn.execute("INSERT OR REPLACE INTO counters (key, value, expires) VALUES (?, ?, ?)",
                         (key, amount, now + expiry))
            return amount
        conn.execute("UPDATE counters SET value = value + ? WHERE key = ?", (amount, key))
        return value + amount

    def _sweep(self, conn: sqlite3.Connection, now: float) -> None:
        self._writes += 1
        if self._writes % SWEEP_EVERY == 0:
            conn.execute("DELETE FROM counters WHERE expires <= ?", (now,))

    # -- Storage -----------------------------------------------------------------------------
    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        conn = self._db()
        now = time.time()
        conn.execute("BEGIN IMMEDIATE")
        try:
            value = self._add(conn, key, expiry, amount, now)
            self._sweep(conn, now)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return value

    def get(self, key: str) -> int:
        return self._read(self._db(), key, time.time())[0]

    def get_expiry(self, key: str) -> float:
        return self._read(self._db(), key, time.time())[1]

    def check(self) -> bool:
        try:
            self._db().execute("SELECT 1")
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        return self._db().execute("DELETE FROM counters").rowcount

    def clear(self, key: str) -> None:
        self._db().execute("DELETE FROM counters WHERE key = ?", (key,))

    # -- sliding window counter --------------------------------------------------------------
    def _window(self, conn: sqlite3.Connection, key: str, expiry: int,
                now: float) -> tuple[str, int, float, int, float]:
        previous_key, current_key = self.sliding_window_keys(key, expiry, now)
        previous = self._read(conn, previous_key, now)[0]
        current = self._read(conn, current_key, now)[0]
        previous_ttl = 0.0 if previous == 0 else (1 - (((now - expiry) / expiry) % 1)) * expiry
        current_ttl = (1 - ((now / expiry) % 1)) * expiry + expiry
        return current_key, previous, previous_ttl, current, current_ttl

    def acquire_sliding_window_entry(self, key: str, limit: int, expiry: int,
                                     amount: int = 1) -> bool:
        if amount > limit:
            return False
        conn = self._db()
        now = time.time()
        conn.execute("BEGIN IMMEDIATE")  # the check and the increment are one step
        try:
            current_key, previous, previous_ttl, current, _ = self._window(conn, key, expiry,
                                                                          now)
            if floor(previous * previous_ttl / expiry + current) + amount > limit:
                conn.execute("COMMIT")
                return False
            self._add(conn, current_key, 2 * expiry, amount, now)
            self._sweep(conn, now)
            conn.execute("COMMIT")
            return True
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def get_sliding_window(self, key: str, expiry: int) -> tuple[int, float, int, float]:
        _, previous, previous_ttl, current, current_ttl = self._window(
            self._db(), key, expiry, time.time())
        return previous, previous_ttl, current, current_ttl

    def clear_sliding_window(self, key: str, expiry: int) -> None:
        for name in self.sliding_window_keys(key, expiry, time.time()):
            self.clear(name)
