"""Deployments for the privacy tests: one instance on the embedded defaults (SQLite, file
cache), and two instances sharing Redis and a database (SQLite file, or a PostgreSQL schema
of our own), as in ``tests/service`` and ``tests/scaleout``. The person acts on the first
instance; everything is read back from the last."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from service.store.db import Database
from tests.databases import postgres_schema
from tests.identity.personas import LURKER_DID, personas  # noqa: F401 - a fixture
from tests.recruiter.conftest import build_app, make_settings


@dataclass
class Deployment:
    apps: list
    database: Database
    env: dict | None = None  # set when lookups run on RQ (Redis): a worker must run them

    def run_worker(self) -> None:
        """One ``candor worker --burst`` process, as a deployment runs it."""
        import os
        import subprocess
        import sys

        if self.env is None:
            return
        done = subprocess.run(
            [sys.executable, "-c", "import sys; from service.cli import main; "
                                   "sys.exit(main(['worker', '--burst']))"],
            env={**os.environ, **self.env}, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]

    @property
    def person(self):
        return self.apps[0].test_client()

    @property
    def reader(self):
        return self.apps[-1].test_client()


def _close(apps) -> None:
    for app in apps:
        svc = app.extensions["candor"]
        svc.cache.close()
        svc.database.dispose()


@pytest.fixture(params=["one-sqlite", "two-sqlite", "two-postgresql"])
def deployment(request, upstream_server, tmp_path, redis_url):
    if request.param == "one-sqlite":
        apps = [build_app(make_settings(upstream_server, tmp_path / "one"))]
        yield Deployment(apps, apps[0].extensions["candor"].database)
        _close(apps)
        return
    if request.param == "two-sqlite":
        shared = {"CANDOR_CACHE_URL": redis_url,
                  "CANDOR_DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite3'}"}
        apps = [build_app(make_settings(upstream_server, tmp_path / n, **shared))
                for n in ("a", "b")]
        env = {**upstream_server.env(), "CANDOR_INSTANCE_PATH": str(tmp_path / "w"), **shared}
        yield Deployment(apps, apps[0].extensions["candor"].database, env)
        _close(apps)
        return
    with postgres_schema("candor_privacy") as (url, _schema):
        shared = {"CANDOR_CACHE_URL": redis_url, "CANDOR_DATABASE_URL": url}
        apps = [build_app(make_settings(upstream_server, tmp_path / n, **shared))
                for n in ("a", "b")]
        env = {**upstream_server.env(), "CANDOR_INSTANCE_PATH": str(tmp_path / "w"), **shared}
        yield Deployment(apps, apps[0].extensions["candor"].database, env)
        _close(apps)


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _claim(client, account: str, table: dict, key: str, text_field: str, monkeypatch,
           token: str | None) -> dict:
    """Claim an account of the fakes: the code goes into its public profile text."""
    r = client.post("/v1/claims", json={"account": account},
                    headers=auth(token) if token else {})
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    profile = dict(table[key])
    profile[text_field] = f"{profile.get(text_field) or ''} {body['code']}"
    monkeypatch.setitem(table, key, profile)
    r = client.post(f"/v1/claims/{body['id']}/verify")
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def claim_bluesky(client, handle: str, monkeypatch, token: str | None = None) -> dict:
    """Claim a Bluesky account of the fakes: the code goes into its description."""
    from tests.fakes import bluesky as fake_bluesky

    return _claim(client, f"bluesky:{handle}", fake_bluesky.PROFILES, handle, "description",
                  monkeypatch, token)


def claim_github(client, login: str, monkeypatch, token: str | None = None) -> dict:
    """Claim a GitHub account of the fakes: the code goes into its bio."""
    from tests.fakes import github as fake_github

    return _claim(client, f"github:{login}", fake_github.USERS, login, "bio", monkeypatch,
                  token)


__all__ = ["LURKER_DID", "Deployment", "auth", "claim_bluesky", "claim_github"]
