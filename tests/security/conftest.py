"""An app on the embedded defaults with limits and settings chosen per test."""

from __future__ import annotations

import pytest

from service import create_app
from service.config import Settings
from service.store.migrate import upgrade


@pytest.fixture
def make_app(upstream_server, tmp_path, monkeypatch):
    """``make_app(CANDOR_REPORT_LIMIT="3/minute", ...)`` → a Flask app on the fake upstream.

    Limits are read from the environment when the app is built, so they are set there too
    (monkeypatch undoes it after the test)."""
    count = 0

    def make(**env: str):
        nonlocal count
        count += 1
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        settings = Settings.from_env({**upstream_server.env(),
                                      "CANDOR_INSTANCE_PATH": str(tmp_path / f"i{count}"), **env})
        upgrade(settings)
        app = create_app(settings)
        app.config["TESTING"] = True
        return app

    return make
