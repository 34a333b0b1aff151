"""One scale-out stack for the whole folder: two gunicorn instances on a Redis database
claimed for this stack alone (``tests/redis_isolation.py``: the in-process tests of this
folder flush the run's other database meanwhile) and a PostgreSQL schema of their own
(bench/multi_instance.py starts and stops it all)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from bench.multi_instance import PG_URL, Stack, stack
from tests.redis_isolation import claim, server_missing


@pytest.fixture(scope="package")
def scaleout() -> Iterator[Stack]:
    engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        server_missing(f"PostgreSQL not reachable at {PG_URL}: {exc.orig}")
    finally:
        engine.dispose()
    claimed = claim()
    try:
        with stack(claimed.url) as st:
            yield st
    finally:
        claimed.release()
