"""``app`` and ``client`` fixtures for the pages: the real app against the fakes."""

from __future__ import annotations

import pytest

from service import create_app
from service.config import Settings
from service.store.migrate import upgrade


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
