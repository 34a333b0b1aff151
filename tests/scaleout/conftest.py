"""One scale-out stack for the whole folder: two gunicorn instances on Redis db 11 and a
PostgreSQL schema of their own (bench/multi_instance.py starts and stops it all)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from bench.multi_instance import PG_URL, REDIS_URL, Stack, stack


@pytest.fixture(scope="package")
def scaleout() -> Iterator[Stack]:
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {exc}")
    finally:
        client.close()
    engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}: {exc.orig}")
    finally:
        engine.dispose()
    with stack() as st:
        yield st
