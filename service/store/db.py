"""Engine and sessions.

The engine is created lazily and re-created after a fork, so a gunicorn master that touched
the database never shares sockets with its workers.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from service.config import Settings

# Seconds a SQLite writer waits for another writer's lock before giving up.
SQLITE_BUSY_TIMEOUT = 30


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    # WAL lets readers proceed while one worker writes; foreign keys are off by default.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _create_private(path: Path) -> None:
    """Create the SQLite file owner-only (0600) before SQLite does (0644 under a usual umask):
    it holds pending claim codes and the audit log. SQLite gives its -wal and -shm files the
    database file's permissions. A file created earlier with wider permissions is narrowed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                with suppress(FileNotFoundError, PermissionError):  # not ours: leave it
                    name.chmod(0o600)


def make_engine(settings: Settings | str) -> Engine:
    """An engine for ``settings.effective_database_url`` (or a URL string)."""
    raw = settings if isinstance(settings, str) else settings.effective_database_url
    url = make_url(raw)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            _create_private(Path(url.database))
        engine = create_engine(
            url,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT, "check_same_thread": False},
            pool_pre_ping=True,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    connect_args = {"connect_timeout": 5} if url.get_backend_name() == "postgresql" else {}
    return create_engine(
        url,
        connect_args=connect_args,
        pool_pre_ping=True,  # survive a database restart without a failed request
        pool_size=5,
        max_overflow=5,
        pool_timeout=10,
        pool_recycle=1800,  # below typical server/proxy idle timeouts
    )


def session_factory(settings: Settings | str) -> sessionmaker[Session]:
    return sessionmaker(bind=make_engine(settings), expire_on_commit=False)


class Database:
    """The service's handle on the database: ``with db.session() as s: ...``."""

    def __init__(self, settings: Settings | str) -> None:
        self._settings = settings
        self._lock = threading.Lock()
        self._engine: Engine | None = None
        self._factory: sessionmaker[Session] | None = None
        self._pid = 0

    @property
    def engine(self) -> Engine:
        pid = os.getpid()
        if self._engine is None or self._pid != pid:
            with self._lock:
                if self._engine is None:
                    self._engine = make_engine(self._settings)
                elif self._pid != pid:
                    # Forked: drop the parent's pooled connections without closing them
                    # (closing would break the parent's sockets), then start a fresh pool.
                    self._engine.dispose(close=False)
                self._factory = sessionmaker(bind=self._engine, expire_on_commit=False)
                self._pid = pid
        return self._engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on error."""
        self.engine  # noqa: B018 - make sure the factory belongs to this process
        assert self._factory is not None
        with self._factory() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def ping(self) -> bool:
        """True when the database answers a trivial query (for /readyz)."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except (SQLAlchemyError, OSError):  # OSError: the SQLite folder cannot be created
            return False

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
            self._factory = None
