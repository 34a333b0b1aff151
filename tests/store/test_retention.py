"""Data minimization (issue 15.16): history rows hold numbers only, one latest full report per
subject, unclaimed history kept ``CANDOR_HISTORY_DAYS``, claimed history kept while claimed,
enforced by ``candor purge``; the migration carries old snapshots over. SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from alembic import command
from sqlalchemy import select, text

from service.cli import main
from service.store import claims, migrate, optouts, snapshots
from service.store.db import Database, make_engine
from service.store.models import Claim, LatestReport, Snapshot
from tests.store.reports import report

ROLE = "engineering"


def _days_ago(n: int) -> str:
    return (datetime.now(UTC) - timedelta(days=n)).replace(microsecond=0).isoformat()


def test_history_rows_hold_numbers_only_and_one_latest_report(db):
    with db.session() as s:
        for day in range(5, 0, -1):
            snapshots.save(s, report(computed_at=_days_ago(day), score=50 + day), role=ROLE)
    with db.session() as s:
        rows = s.scalars(select(Snapshot)).all()
        assert len(rows) == 5
        for row in rows:  # nothing of the report's text: numbers and the model version
            assert set(row.network_scores) == {"github", "stackoverflow"}
            assert len(json.dumps(row.network_scores)) < 60
        assert s.scalar(select(LatestReport.report)) == report(computed_at=_days_ago(1),
                                                               score=51)
        assert len(s.scalars(select(LatestReport)).all()) == 1


def test_unverified_accounts_add_no_network_score(db):
    data = report()
    data["networks"].append({"network": "bluesky", "account": "bluesky:x.bsky.social",
                             "status": "unverified", "network_score": None, "signals": []})
    with db.session() as s:
        snapshots.save(s, data, role=ROLE)
        assert snapshots.history(s, "github:octocat", ROLE)[0]["networks"] == {
            "github": 70, "stackoverflow": 40}


def _claim(s, account: str) -> None:
    claim = claims.create(s, account)
    claims.verify(s, claim)


def test_purge_keeps_claimed_history_and_drops_old_unclaimed(db, store_settings, monkeypatch,
                                                            capsys):
    with db.session() as s:
        for subject in ("github:unclaimed", "github:claimed"):
            for day in (200, 120, 91, 10):
                snapshots.save(s, report(subject=subject, computed_at=_days_ago(day)), role=ROLE)
        snapshots.save(s, report(subject="github:stale", computed_at=_days_ago(150)), role=ROLE)
        _claim(s, "github:claimed")
    monkeypatch.setenv("CANDOR_INSTANCE_PATH", str(store_settings.instance_path))
    if store_settings.database_url:
        monkeypatch.setenv("CANDOR_DATABASE_URL", store_settings.database_url)
    else:
        monkeypatch.delenv("CANDOR_DATABASE_URL", raising=False)
    monkeypatch.delenv("CANDOR_HISTORY_DAYS", raising=False)
    assert main(["purge"]) == 0  # default CANDOR_HISTORY_DAYS: 90
    assert "deleted 4 history days and 1 latest reports of unclaimed people" in \
        capsys.readouterr().out
    with db.session() as s:
        assert [d["date"] for d in snapshots.history(s, "github:unclaimed", ROLE)] == [
            _days_ago(10)[:10]]
        assert len(snapshots.history(s, "github:claimed", ROLE)) == 4
        assert snapshots.latest(s, "github:unclaimed", ROLE) is not None  # 10 days old
        assert snapshots.latest(s, "github:stale", ROLE) is None
    monkeypatch.setenv("CANDOR_HISTORY_DAYS", "5")
    assert main(["purge"]) == 0
    with db.session() as s:
        assert snapshots.history(s, "github:unclaimed", ROLE) == []
        assert len(snapshots.history(s, "github:claimed", ROLE)) == 4
        # A revoked claim no longer protects the history.
        claim = s.scalar(select(Claim).where(Claim.account == "github:claimed"))
        claims.revoke(s, claim, "test")
    assert main(["purge"]) == 0
    with db.session() as s:
        assert snapshots.history(s, "github:claimed", ROLE) == []


def test_opting_out_removes_the_account_from_other_subjects_stored_reports(db):
    other = report(subject="github:friend")
    other["networks"].append({"network": "bluesky", "account": "bluesky:me.bsky.social",
                              "status": "found", "network_score": 55, "signals": []})
    with db.session() as s:
        snapshots.save(s, other, role=ROLE)
        optouts.record_mentions(s, "github:friend", snapshots.report_accounts(other))
        optouts.remember_aliases(s, [("bluesky:did:plc:meaaaaaaaaaaaaaaaaaaaaaa",
                                      "bluesky:me.bsky.social")])
    with db.session() as s:  # opting out under the other name (the DID) is the same person
        holders = optouts.opt_out(s, "bluesky:did:plc:meaaaaaaaaaaaaaaaaaaaaaa")
    assert "github:friend" in holders
    with db.session() as s:
        assert snapshots.latest(s, "github:friend", ROLE) is None
        assert snapshots.history(s, "github:friend", ROLE)[0]["networks"] == {
            "github": 70, "stackoverflow": 40}
        assert optouts.is_opted_out(s, "bluesky:me.bsky.social")
        # ...and no report holding it can be stored again.
        assert snapshots.save(s, other, role=ROLE) is False


def test_migration_carries_old_snapshots_over(store_settings):
    migrate.upgrade(store_settings, "0002_key_limit")
    old = report(computed_at="2026-11-02T10:00:00Z", score=61)
    engine = make_engine(store_settings)
    try:
        with engine.begin() as conn:
            for day, score in (("2026-11-01", 60), ("2026-11-02", 61)):
                conn.execute(text(
                    "INSERT INTO snapshots (subject, role, day, status, score, band_low, "
                    "band_high, network_scores, model_version, calibration_version, "
                    "computed_at, report) VALUES ('github:octocat', :role, :day, 'scored', "
                    ":score, 50, 70, :nets, 'm1', 'c1', :at, :report)"),
                    {"role": ROLE, "day": day, "score": score, "nets": '{"github": 70}',
                     "at": f"{day} 10:00:00", "report": json.dumps(old)})
        migrate.upgrade(store_settings)
        database = Database(store_settings)
        try:
            with database.session() as s:
                history = snapshots.history(s, "github:octocat", ROLE)
                assert [(d["date"], d["score"]) for d in history] == [
                    ("2026-11-01", 60), ("2026-11-02", 61)]
                assert snapshots.latest(s, "github:octocat", ROLE) == old
        finally:
            database.dispose()
        with engine.begin() as conn:  # and back down: the latest reports survive
            command.downgrade(migrate.alembic_config(conn), "0002_key_limit")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM snapshots")).scalar() == 1
    finally:
        engine.dispose()
