"""Issue 15 item 15 (and issue 14): ``candor keys create --limit`` keeps the unit, and an
invalid limit is a one-line error. Key rows from before migration 0002 keep their limit."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from service.cli import main
from service.store import keys
from service.store.migrate import upgrade


@pytest.fixture
def env(make_app, monkeypatch):
    app = make_app()
    settings = app.extensions["candor"].settings
    monkeypatch.setenv("CANDOR_INSTANCE_PATH", str(settings.instance_path))
    monkeypatch.delenv("CANDOR_DATABASE_URL", raising=False)
    monkeypatch.delenv("CANDOR_CACHE_URL", raising=False)
    return app


def _create(capsys, limit: str) -> str:
    assert main(["keys", "create", "--name", "acme", "--limit", limit]) == 0
    return capsys.readouterr().out.strip().splitlines()[-1]


@pytest.mark.parametrize("given, stored", [
    ("5/hour", "5/hour"), ("10/hour", "10/hour"), ("1/day", "1/day"),
    (" 120 / minute ", "120/minute"), ("2/second", "2/second"),
])
def test_the_limit_is_stored_as_given(env, capsys, given, stored):
    raw = _create(capsys, given)
    with env.extensions["candor"].database.session() as session:
        assert keys.find_key(session, raw).limit == stored
    assert main(["keys", "list"]) == 0
    assert stored in capsys.readouterr().out


def test_five_an_hour_allows_five_then_refuses(env, capsys):
    raw = _create(capsys, "5/hour")
    client = env.test_client()
    body = {"subjects": [{"accounts": ["github:newbie"]}]}
    auth = {"Authorization": f"Bearer {raw}"}
    statuses = [client.post("/v1/lookups", json=body, headers=auth) for _ in range(6)]
    assert all(r.status_code != 429 for r in statuses[:5])
    assert statuses[0].headers["RateLimit-Limit"] == "5"  # not 60
    assert statuses[5].status_code == 429
    # The window is an hour (a minute's window would free up within 60 s).
    assert 60 < int(statuses[5].headers["Retry-After"]) <= 3600


@pytest.mark.parametrize("bad", ["lots", "10/fortnight", "0/hour", "5 per hour",
                                 "99999999999/hour"])
def test_an_invalid_limit_is_one_line(env, capsys, bad):
    with pytest.raises(SystemExit) as exit_:
        main(["keys", "create", "--name", "acme", "--limit", bad])
    assert exit_.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "limit" in err and "usage:" not in err


def test_keys_from_before_the_migration_keep_their_hourly_limit(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    upgrade(url, "0001")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO api_keys (name, prefix, key_hash, scopes, rate_limit, "
                          "created_at) VALUES ('old', 'abcd1234', 'h', '[]', 2, "
                          "'2026-01-01 00:00:00')"))
    engine.dispose()
    upgrade(url)
    engine = create_engine(url)
    with engine.connect() as conn:
        spec = conn.execute(text("SELECT rate_limit_spec FROM api_keys")).scalar_one()
    engine.dispose()
    assert spec == "120/hour"  # 2 a minute was enforced as 120 an hour; it still is
