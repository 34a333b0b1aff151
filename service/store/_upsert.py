"""INSERT ... ON CONFLICT for the backends we support.

PostgreSQL and SQLite (3.24+) share the same upsert syntax, and SQLAlchemy exposes it per
dialect; this picks the right one for the session's connection.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_for(session: Session, table: Any) -> Any:
    """A dialect ``insert()`` that has ``on_conflict_do_update``/``_do_nothing``."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"upsert is not implemented for {name}")
