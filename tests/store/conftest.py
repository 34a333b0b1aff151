"""Database fixtures: every store test runs on SQLite and on the local PostgreSQL.

Each PostgreSQL test gets its own freshly created schema (via the connection's
search_path), dropped afterwards, so parallel runs by other people never see our tables.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.exc import OperationalError

from service.config import Settings
from service.store import migrate
from service.store.db import Database

PG_URL = os.environ.get(
    "CANDOR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[Engine]:
    engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        engine.dispose()
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}: {exc.orig}")
    yield engine
    engine.dispose()


@pytest.fixture
def pg_url(pg_admin: Engine) -> Iterator[str]:
    """A URL whose connections live in a new, empty schema of their own."""
    schema = f"candor_test_{uuid.uuid4().hex[:16]}"
    with pg_admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    yield url.render_as_string(hide_password=False)
    with pg_admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


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
