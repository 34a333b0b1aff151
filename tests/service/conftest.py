"""Two real app instances sharing one Redis database and one SQL database, against the fakes.

The Redis database is this run's own (``redis_url`` in ``tests/conftest.py``), flushed before
and after each test (the report cache's keys carry no per-test prefix when built from
settings, so the db is the namespace).
"""

from __future__ import annotations

import pytest

from service import create_app
from service.config import Settings
from service.store.migrate import upgrade

_current: list[str] = []


@pytest.fixture
def redis_db(redis_url):
    """This run's Redis database (an alias of ``redis_url``, named as these tests use it)."""
    _current[:] = [redis_url]
    yield redis_url
    _current.clear()


def current_redis_url() -> str:
    """The database of the running test's ``redis_db`` (for helpers outside fixtures)."""
    assert _current, "only inside a test that uses the redis_db fixture"
    return _current[0]


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
