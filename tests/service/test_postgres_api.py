"""The API on PostgreSQL (the scale-out database): reports, the daily history snapshot, and
the snapshot fallback when the cache is down. Each test gets its own schema, dropped after."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import OperationalError

from service import create_app
from service.store.migrate import upgrade
from tests.service.conftest import make_settings

PG_URL = os.environ.get(
    "CANDOR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REPORT = "/v1/reports/github/octocat"

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_schema() -> Iterator[tuple[str, str]]:
    """(url whose connections use a new empty schema, schema name)."""
    admin = create_engine(PG_URL, connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        admin.dispose()
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}: {exc.orig}")
    schema = f"candor_svc_{uuid.uuid4().hex[:16]}"
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    yield url.render_as_string(hide_password=False), schema
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def pg_app(upstream_server, tmp_path, redis_db, pg_schema):
    url, schema = pg_schema
    settings = make_settings(upstream_server, tmp_path / "instance", CANDOR_CACHE_URL=redis_db,
                             CANDOR_DATABASE_URL=url)
    upgrade(settings)
    app = create_app(settings)
    yield app, schema
    app.extensions["candor"].cache.close()
    app.extensions["candor"].database.dispose()


def _rows(schema: str) -> list[tuple]:
    engine = create_engine(PG_URL)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(
                f'SELECT subject, role, day, score, computed_at FROM "{schema}".snapshots '
                "ORDER BY role")))
    finally:
        engine.dispose()


def test_report_and_one_history_snapshot_per_day_in_postgres(pg_app):
    app, schema = pg_app
    client = app.test_client()
    first = client.get(REPORT)
    assert first.status_code == 200
    report = first.get_json()
    assert report["status"] == "scored"
    rows = _rows(schema)
    assert len(rows) == 1
    assert rows[0][0] == "github:octocat" and rows[0][1] == "general"
    assert rows[0][3] == report["score"]

    # Recomputed later the same day (cache purged): the day's row is replaced, not added.
    app.extensions["candor"].cache.purge("github:octocat")
    again = client.get(REPORT)
    assert again.headers["X-Candor-Cache"] == "miss"
    rows_after = _rows(schema)
    assert len(rows_after) == 1
    assert rows_after[0][4] >= rows[0][4]

    # Another role is its own history.
    assert client.get(REPORT + "?role=engineering").status_code == 200
    assert [r[1] for r in _rows(schema)] == ["engineering", "general"]

    history = client.get(REPORT + "/history").get_json()
    assert history["status"] == "ok"
    assert len(history["snapshots"]) == 1
    assert history["snapshots"][0]["score"] == report["score"]


def test_cache_down_answers_from_the_postgres_snapshot(pg_app, upstream_server, tmp_path):
    app, _ = pg_app
    assert app.test_client().get(REPORT).status_code == 200
    settings = app.extensions["candor"].settings
    dead = make_settings(upstream_server, tmp_path / "instance",
                         CANDOR_CACHE_URL="redis://127.0.0.1:1/0",
                         CANDOR_DATABASE_URL=settings.database_url)
    fallback = create_app(dead)
    upstream_server.reset()
    try:
        response = fallback.test_client().get(REPORT)
        assert response.status_code == 200
        assert response.headers["X-Candor-Cache"] == "snapshot"
        assert isinstance(response.get_json()["stale"], int)
        assert sum(upstream_server.hits.values()) == 0
    finally:
        fallback.extensions["candor"].cache.close()
        fallback.extensions["candor"].database.dispose()
