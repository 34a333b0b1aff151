"""Database fixtures: every store test runs on SQLite and on the local PostgreSQL.

Each PostgreSQL test gets its own freshly created schema (via the connection's
search_path), dropped afterwards, so parallel runs by other people never see our tables.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from service.config import Settings
from service.store import migrate
from service.store.db import Database
from tests.databases import postgres_schema


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A URL whose connections live in a new, empty schema of their own."""
    with postgres_schema("candor_test") as (url, _schema):
        yield url


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def store_settings(request: pytest.FixtureRequest, tmp_path) -> Settings:
    """Settings for an empty database: the default SQLite file, or a PostgreSQL schema."""
    if request.param == "sqlite":
        # No database_url: exercises the embedded default in a not-yet-existing folder.
        return Settings(instance_path=tmp_path / "instance")
    return Settings(
        instance_path=tmp_path / "instance", database_url=request.getfixturevalue("pg_url")
    )


@pytest.fixture
def db(store_settings: Settings) -> Iterator[Database]:
    """A migrated database."""
    migrate.upgrade(store_settings)
    database = Database(store_settings)
    yield database
    # Close pooled connections before the schema is dropped.
    database.dispose()
