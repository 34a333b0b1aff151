"""Score history: one snapshot per subject, role and day; the day's latest wins."""

from __future__ import annotations

import threading

import pytest

from service.store import optouts, snapshots
from tests.store.reports import report

ROLE = "engineering"


def _count(db, subject: str = "github:octocat") -> int:
    with db.session() as s:
        return snapshots.count_days(s, subject)


def test_two_saves_on_one_day_keep_one_row_and_the_latest_wins(db):
    with db.session() as s:
        snapshots.save(s, report(computed_at="2025-03-01T08:00:00Z", score=50), role=ROLE)
    with db.session() as s:
        snapshots.save(s, report(computed_at="2025-03-01T20:00:00Z", score=64), role=ROLE)
    assert _count(db) == 1
    with db.session() as s:
        (day,) = snapshots.history(s, "github:octocat", ROLE)
        assert day["score"] == 64
        assert day["band"] == {"low": 59, "high": 69}
        assert snapshots.latest(s, "github:octocat", ROLE)["computed_at"] == "2025-03-01T20:00:00Z"


def test_an_older_computation_arriving_late_does_not_overwrite(db):
    with db.session() as s:
        snapshots.save(s, report(computed_at="2025-03-01T20:00:00Z", score=64), role=ROLE)
        snapshots.save(s, report(computed_at="2025-03-01T08:00:00Z", score=50), role=ROLE)
    with db.session() as s:
        assert [d["score"] for d in snapshots.history(s, "github:octocat", ROLE)] == [64]


def test_history_is_oldest_first_and_limited_to_the_most_recent_days(db):
    with db.session() as s:
        for day, score in [(3, 30), (1, 10), (2, 20), (5, 50)]:
            snapshots.save(
                s, report(computed_at=f"2025-03-0{day}T10:00:00Z", score=score), role=ROLE
            )
    with db.session() as s:
        history = snapshots.history(s, "github:octocat", ROLE)
        assert [(d["date"], d["score"]) for d in history] == [
            ("2025-03-01", 10),
            ("2025-03-02", 20),
            ("2025-03-03", 30),
            ("2025-03-05", 50),
        ]
        assert history[0]["networks"] == {"github": 70, "stackoverflow": 40}
        assert history[0]["model_version"] == "m1"
        assert "calibration_version" not in history[0]  # numbers only (data minimization)
        recent = snapshots.history(s, "github:octocat", ROLE, limit=2)
        assert [d["date"] for d in recent] == ["2025-03-03", "2025-03-05"]
        assert snapshots.latest(s, "github:octocat", ROLE)["score"] == 50


def test_day_is_the_utc_day_of_computed_at(db):
    with db.session() as s:
        # 01:30 in UTC+02:00 is still the previous day in UTC.
        snapshots.save(s, report(computed_at="2025-03-02T01:30:00+02:00"), role=ROLE)
        assert snapshots.history(s, "github:octocat", ROLE)[0]["date"] == "2025-03-01"


def test_roles_and_subjects_are_kept_apart(db):
    with db.session() as s:
        snapshots.save(s, report(score=60), role=ROLE)
        snapshots.save(s, report(score=30), role="research")
        snapshots.save(s, report(subject="gitlab:other", score=90), role=ROLE)
    with db.session() as s:
        assert snapshots.latest(s, "github:octocat", ROLE)["score"] == 60
        assert snapshots.latest(s, "github:octocat", "research")["score"] == 30
        assert snapshots.latest(s, "github:nobody", ROLE) is None
        assert snapshots.history(s, "github:nobody", ROLE) == []


def test_insufficient_data_is_stored_without_a_number(db):
    with db.session() as s:
        snapshots.save(s, report(status="insufficient_data", score=None, networks={}), role=ROLE)
    with db.session() as s:
        (day,) = snapshots.history(s, "github:octocat", ROLE)
        assert day["status"] == "insufficient_data"
        assert day["score"] is None and day["band"] is None and day["networks"] == {}


def test_the_stored_report_round_trips(db):
    original = report()
    with db.session() as s:
        snapshots.save(s, original, role=ROLE)
    with db.session() as s:
        assert snapshots.latest(s, "github:octocat", ROLE) == original


def test_delete_subject_removes_every_role(db):
    with db.session() as s:
        snapshots.save(s, report(), role=ROLE)
        snapshots.save(s, report(), role="research")
        snapshots.save(s, report(subject="gitlab:other"), role=ROLE)
    with db.session() as s:
        assert snapshots.delete_subject(s, "github:octocat") == 2
    assert _count(db) == 0
    assert _count(db, "gitlab:other") == 1


def test_reports_of_opted_out_subjects_are_not_stored(db):
    with db.session() as s:
        optouts.opt_out(s, "github:octocat")
        snapshots.save(s, report(), role=ROLE)
        snapshots.save(s, report(subject="github:x", status="opted_out", score=None), role=ROLE)
    assert _count(db) == 0
    assert _count(db, "github:x") == 0


def _without(key: str) -> dict:
    bad = report()
    del bad[key]
    return bad


@pytest.mark.parametrize(
    "bad",
    [
        report(computed_at="yesterday"),
        report() | {"computed_at": None},
        _without("model_version"),
        _without("subject"),
    ],
)
def test_a_malformed_report_is_rejected(db, bad):
    with pytest.raises(ValueError, match="cannot be stored"), db.session() as s:
        snapshots.save(s, bad, role=ROLE)


def test_concurrent_writers_on_one_day_leave_one_row_with_the_newest(db):
    """Many workers scoring the same subject at once: no unique-violation, newest wins."""
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def write(minute: int) -> None:
        try:
            start.wait(timeout=10)
            for second in range(5):
                stamp = f"2025-03-01T10:{minute:02d}:{second:02d}Z"
                with db.session() as s:
                    snapshots.save(
                        s, report(computed_at=stamp, score=minute * 5 + second + 1), role=ROLE
                    )
        except BaseException as exc:  # reported below, in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(m,)) for m in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert _count(db) == 1
    with db.session() as s:
        assert snapshots.latest(s, "github:octocat", ROLE)["computed_at"] == "2025-03-01T10:07:04Z"
