"""The Database handle: transactions, readiness ping, and behaviour across fork."""

from __future__ import annotations

import multiprocessing

import pytest
from sqlalchemy import text

from service.config import Settings
from service.store import optouts
from service.store.db import Database


def test_session_commits_on_success_and_rolls_back_on_error(db):
    with pytest.raises(RuntimeError), db.session() as s:
        optouts.opt_out(s, "github:rolled-back")
        raise RuntimeError("boom")
    with db.session() as s:
        optouts.opt_out(s, "github:kept")
    with db.session() as s:
        assert not optouts.is_opted_out(s, "github:rolled-back")
        assert optouts.is_opted_out(s, "github:kept")


def test_ping(db, tmp_path):
    assert db.ping() is True
    # Nothing listens on port 1; the ping must answer False, not raise.
    down = Database(Settings(database_url="postgresql+psycopg://postgres@127.0.0.1:1/test"))
    assert down.ping() is False
    (tmp_path / "file").write_text("")  # an instance "folder" that is a file
    assert Database(Settings(instance_path=tmp_path / "file" / "instance")).ping() is False


def _backend_pid(db: Database) -> int | None:
    """The PostgreSQL server process behind the session's connection (None on SQLite)."""
    with db.session() as s:
        if s.get_bind().dialect.name != "postgresql":
            return None
        return s.scalar(text("SELECT pg_backend_pid()"))


def _child_uses_db(db: Database, queue) -> None:
    try:
        with db.session() as s:
            optouts.opt_out(s, "github:from-child")
        queue.put(("ok", _backend_pid(db)))
    except BaseException as exc:
        queue.put((repr(exc), None))


def test_a_forked_worker_gets_its_own_connections(db):
    """Like gunicorn: the parent used the database before forking; both keep working and
    never share a connection."""
    with db.session() as s:
        optouts.opt_out(s, "github:from-parent")
    parent_pid = _backend_pid(db)  # that connection now waits in the parent's pool
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_child_uses_db, args=(db, queue))
    child.start()
    outcome, child_pid = queue.get(timeout=30)
    child.join(timeout=30)
    assert outcome == "ok"
    assert child.exitcode == 0
    if parent_pid is not None:
        assert child_pid != parent_pid
        assert _backend_pid(db) == parent_pid  # the parent's pooled connection still works
    with db.session() as s:
        assert optouts.is_opted_out(s, "github:from-parent")
        assert optouts.is_opted_out(s, "github:from-child")
