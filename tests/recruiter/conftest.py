"""Fixtures for the recruiter API and the person's controls: apps on the fakes, keys, the
local Redis (``redis_url`` from ``tests/conftest.py``: this run's own database, flushed
before and after) and PostgreSQL (a schema of our own, dropped afterwards)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest

from service import create_app
from service.config import Settings
from service.store import keys
from service.store.db import Database
from service.store.migrate import upgrade
from tests.databases import postgres_schema


def make_settings(upstream_server, instance, **env_extra: str) -> Settings:
    env = upstream_server.env()
    env["CANDOR_INSTANCE_PATH"] = str(instance)
    env.update(env_extra)
    return Settings.from_env(env)


def build_app(settings: Settings):
    upgrade(settings)
    app = create_app(settings)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def app_settings(upstream_server, tmp_path) -> Settings:
    return make_settings(upstream_server, tmp_path / "instance")


@pytest.fixture
def app(app_settings):
    return build_app(app_settings)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def new_key() -> Callable[..., tuple[int, str]]:
    """``new_key(app, name=..., scopes=..., per_minute=...)`` → (id, raw key)."""

    def make(app, name: str = "Acme recruiting", scopes: tuple[str, ...] = ("lookups",),
             per_minute: int | None = None) -> tuple[int, str]:
        with app.extensions["candor"].database.session() as session:
            info, raw = keys.create_key(session, name, scopes=scopes, rate_per_minute=per_minute)
        return info.id, raw

    return make


@pytest.fixture
def pg_url() -> Iterator[str]:
    with postgres_schema("candor_recruiter") as (url, _schema):
        yield url


def auth(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


def wait_done(client, location: str, raw: str, timeout: float = 30.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        data = client.get(location, headers=auth(raw)).get_json()
        if data["status"] == "done" or time.monotonic() > deadline:
            return data
        time.sleep(0.05)


def dispose(app) -> None:
    services = app.extensions["candor"]
    services.database.dispose()
    services.cache.close()


__all__ = ["Database", "auth", "build_app", "dispose", "make_settings", "wait_done"]
