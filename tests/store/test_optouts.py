"""Opt-out: recorded once, takes the stored history with it, and can be withdrawn."""

from __future__ import annotations

from service.store import optouts, snapshots
from tests.store.reports import report


def test_opt_out_round_trip(db):
    with db.session() as s:
        assert not optouts.is_opted_out(s, "github:octocat")
        optouts.opt_out(s, "github:octocat")
    with db.session() as s:
        assert optouts.is_opted_out(s, "github:octocat")
        assert not optouts.is_opted_out(s, "github:someone-else")
        optouts.opt_out(s, "github:octocat")  # twice is fine
    with db.session() as s:
        optouts.opt_in(s, "github:octocat")
        optouts.opt_in(s, "github:never-opted-out")
    with db.session() as s:
        assert not optouts.is_opted_out(s, "github:octocat")


def test_opt_out_deletes_the_history(db):
    with db.session() as s:
        snapshots.save(s, report(), role="engineering")
        snapshots.save(s, report(subject="gitlab:other"), role="engineering")
    with db.session() as s:
        optouts.opt_out(s, "github:octocat")
    with db.session() as s:
        assert snapshots.latest(s, "github:octocat", "engineering") is None
        assert snapshots.latest(s, "gitlab:other", "engineering") is not None
