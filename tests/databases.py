"""Isolated PostgreSQL schemas for tests on the machine's real server.

Each user gets a freshly created schema (through the connection's search_path), dropped
afterwards, so parallel runs never see each other's tables. PostgreSQL is part of every
developer and CI machine: if it cannot be reached, the test fails rather than skips, so a
missing database never passes silently.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import OperationalError

PG_URL = os.environ.get(
    "CANDOR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@contextlib.contextmanager
def postgres_schema(prefix: str = "candor_test") -> Iterator[tuple[str, str]]:
    """Yield ``(url, schema)``: a URL whose connections live in a new, empty schema."""
    admin = create_engine(PG_URL, connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        admin.dispose()
        pytest.fail(f"PostgreSQL not reachable at {PG_URL}: {exc.orig}")
    schema = f"{prefix}_{uuid.uuid4().hex[:16]}"
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False), schema
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
