"""``candor keys``, ``candor purge`` and ``candor worker`` without Redis."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from service.cli import main
from service.store import audit, keys
from service.store import lookups as store
from service.store.models import AuditEntry, Lookup


@pytest.fixture
def env(app, app_settings, monkeypatch):
    monkeypatch.setenv("CANDOR_INSTANCE_PATH", str(app_settings.instance_path))
    monkeypatch.delenv("CANDOR_DATABASE_URL", raising=False)
    monkeypatch.delenv("CANDOR_CACHE_URL", raising=False)
    return app


def test_keys_create_list_revoke(env, capsys):
    assert main(["keys", "create", "--name", "Acme recruiting", "--limit", "120/hour"]) == 0
    out = capsys.readouterr().out
    raw = out.strip().splitlines()[-1]
    assert raw.startswith("cnd_") and "120/hour" in out
    with env.extensions["candor"].database.session() as session:
        info = keys.find_key(session, raw)
    assert info is not None and info.rate_per_minute == 2 and info.scopes == ("lookups",)
    assert main(["keys", "list"]) == 0
    listing = capsys.readouterr().out
    assert "Acme recruiting" in listing and raw not in listing and "active" in listing
    assert main(["keys", "revoke", str(info.id)]) == 0
    assert main(["keys", "list"]) == 0
    assert "revoked" in capsys.readouterr().out
    assert main(["keys", "revoke", "999"]) == 1
    with pytest.raises(SystemExit):
        main(["keys", "create", "--name", "x", "--limit", "lots"])


def test_purge_deletes_old_audit_entries_and_finished_lookups(env, capsys, monkeypatch):
    db = env.extensions["candor"].database
    old = datetime.now(UTC) - timedelta(days=400)
    with db.session() as session:
        audit.record(session, key_id=None, subject="github:a", role="general", purpose=None,
                     status="scored")
        session.add(AuditEntry(key_id=None, subject="github:b", role="general", purpose=None,
                               status="scored", created_at=old))
        item = [store.Item(0, "github:b", "general", ())]
        done = store.create(session, key_id=None, purpose=None, items=item,
                            results={0: {"status": "scored"}})
        done.created_at = old
        running = store.create(session, key_id=None, purpose=None, items=item)
        running.created_at = old
    monkeypatch.setenv("CANDOR_AUDIT_RETENTION_DAYS", "365")
    assert main(["purge"]) == 0
    assert "deleted 1 audit entries and 1 finished lookups" in capsys.readouterr().out
    with db.session() as session:
        assert [e.subject for e in session.query(AuditEntry)] == ["github:a"]
        assert [lk.status for lk in session.query(Lookup)] == ["queued"]


def test_worker_needs_redis(env, capsys):
    assert main(["worker", "--burst"]) == 2
    assert "redis://" in capsys.readouterr().err
