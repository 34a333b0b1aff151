"""The API on PostgreSQL (the scale-out database): reports, the daily history snapshot, and
the snapshot fallback when the cache is down. Each test gets its own schema, dropped after."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from service import create_app
from service.store.migrate import upgrade
from tests.databases import PG_URL, postgres_schema
from tests.service.conftest import make_settings

REPORT = "/v1/reports/github/octocat"

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_schema() -> Iterator[tuple[str, str]]:
    """(url whose connections use a new empty schema, schema name)."""
    with postgres_schema("candor_svc") as created:
        yield created


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
                f'SELECT s.subject, s.role, d.day, d.score, d.computed_at FROM "{schema}".'
                f'history_days d JOIN "{schema}".history_subjects s ON s.id = d.subject_id '
                "ORDER BY s.role")))
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
