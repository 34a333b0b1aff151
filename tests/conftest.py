"""Shared fixtures: the local fake upstream server, Settings pointing at it, the real app
on embedded defaults (``app``/``client``, as in Flask's tutorial) and a Redis database of
this run's own (``redis_url``, see ``tests/redis_isolation.py``)."""

from __future__ import annotations

import pytest

from service import create_app
from service.config import Settings
from service.store.migrate import upgrade
from service.upstream import Upstream
from tests.fakes.server import FakeUpstream
from tests.redis_isolation import claim


@pytest.fixture(scope="session")
def fake_upstream():
    server = FakeUpstream().start()
    yield server
    server.stop()


@pytest.fixture
def upstream_server(fake_upstream):
    """The shared fake upstream, with counters and faults reset for this test."""
    fake_upstream.reset()
    fake_upstream.latency = 0.0
    yield fake_upstream
    fake_upstream.reset()


@pytest.fixture
def settings(upstream_server, tmp_path) -> Settings:
    env = upstream_server.env()
    env["CANDOR_INSTANCE_PATH"] = str(tmp_path / "instance")
    return Settings.from_env(env)


@pytest.fixture
def upstream(settings) -> Upstream:
    return Upstream(settings)


@pytest.fixture
def app_settings(upstream_server, tmp_path) -> Settings:
    env = upstream_server.env()
    env["CANDOR_INSTANCE_PATH"] = str(tmp_path / "instance")
    return Settings.from_env(env)


@pytest.fixture
def app(app_settings):
    upgrade(app_settings)
    app = create_app(app_settings)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def playwright():
    """One Playwright driver for the whole run: its sync API runs an event loop in this
    thread, so a second driver started while the first lives would refuse to start."""
    from playwright.sync_api import sync_playwright

    driver = sync_playwright().start()
    yield driver
    driver.stop()


@pytest.fixture(scope="session")
def redis_claim():
    """A Redis database claimed for this run (claimed on first use, released at the end)."""
    claimed = claim()
    yield claimed
    claimed.release()


@pytest.fixture
def redis_url(redis_claim) -> str:
    """The URL of this run's own Redis database, emptied before and after the test."""
    redis_claim.flush()
    yield redis_claim.url
    redis_claim.flush()
