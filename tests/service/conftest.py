"""Two real app instances sharing one Redis database and one SQL database, against the fakes.

Redis db 7 belongs to these tests: it is flushed before and after each test (the report
cache's keys carry no per-test prefix when built from settings, so the db is the namespace).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import redis

from service import create_app
from service.config import Settings
from service.store.migrate import upgrade

REDIS_URL = os.environ.get("CANDOR_TEST_SERVICE_REDIS_URL", "redis://127.0.0.1:6379/7")


@pytest.fixture
def redis_db() -> Iterator[str]:
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {exc}")
    client.flushdb()
    yield REDIS_URL
    client.flushdb()
    client.close()


def make_settings(upstream_server, instance_path, **overrides: str) -> Settings:
    env = upstream_server.env()
    env["CANDOR_INSTANCE_PATH"] = str(instance_path)
    env.update(overrides)
    return Settings.from_env(env)


@pytest.fixture
def instances(upstream_server, tmp_path, redis_db):
    """Two apps, as two machines would run them: same Redis, same database, own processes'
    worth of state (L1, flight pools, HTTP clients)."""
    settings = make_settings(upstream_server, tmp_path / "instance", CANDOR_CACHE_URL=redis_db)
    upgrade(settings)
    apps = [create_app(settings), create_app(settings)]
    yield apps
    for app in apps:
        app.extensions["candor"].cache.close()
