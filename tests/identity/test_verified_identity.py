"""Verified identity (issue 10.1, 15.2): an account counts only when Candor can show it is
the same person; everything else is listed as not counted, with how to verify it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from service.lookup import score_subject

NOW = datetime(2026, 11, 20, tzinfo=UTC)


def _rows(report: dict) -> dict[str, dict]:
    return {n["account"]: n for n in report["networks"]}


def _score(subject, settings, upstream, **kw) -> dict:
    return score_subject(subject, settings=settings, upstream=upstream, now=NOW, **kw)


def test_one_sided_links_are_listed_not_counted_and_buy_nothing(settings, upstream, personas):
    alone = _score("github:mallory", settings, upstream, discover=False)
    report = _score("github:mallory", settings, upstream)
    rows = _rows(report)
    for account in ("stackoverflow:22656", "bluesky:octocat.bsky.social"):
        row = rows[account]
        assert row["status"] == "unverified" and row["verified_by"] is None
        assert row["signals"] == [] and row["network_score"] is None
        assert row["contribution"] is None and row["fetched_at"] is None
        # How to fix it: publish the backlink on that profile, or claim it.
        assert "https://github.com/mallory" in row["how_to_verify"]
    assert "Stack Overflow" in rows["stackoverflow:22656"]["how_to_verify"]
    assert "Bluesky profile description" in rows["bluesky:octocat.bsky.social"]["how_to_verify"]
    codes = [c for c in report["caveats"] if c["code"] == "not_verified"]
    assert len(codes) == 2 and all("not verified to be the same person" in c["text"]
                                   for c in codes)
    assert (report["status"], report["score"]) == (alone["status"], alone["score"])
    assert report["computation"]["combined"] == alone["computation"]["combined"]
    assert report["degraded"] == []


def test_two_sided_links_count_and_say_how(settings, upstream, personas):
    report = _score("github:jskeet", settings, upstream)
    rows = _rows(report)
    assert rows["github:jskeet"]["verified_by"] == "primary"
    so = rows["stackoverflow:22656"]
    assert so["status"] == "found" and so["network_score"] is not None
    assert so["verified_by"].startswith("two-sided link: github blog")
    assert "stackoverflow website_url" in so["verified_by"]
    bsky = rows["bluesky:jskeet.bsky.social"]
    assert bsky["status"] == "found"
    assert bsky["verified_by"] == ("two-sided link: github social_accounts, and back "
                                   "(bluesky description)")
    assert bsky["how_to_verify"] is None


def test_caller_given_accounts_count_only_when_verified(settings, upstream, personas):
    # Someone else's Stack Overflow passed in accounts=: not counted.
    report = _score("github:octocat", settings, upstream, accounts=["stackoverflow:22656"],
                    discover=False)
    row = _rows(report)["stackoverflow:22656"]
    assert row["status"] == "unverified" and row["linked_by"] == "given by the caller"
    # The same account given for its owner (two-sided): counted.
    report = _score("github:jskeet", settings, upstream, accounts=["stackoverflow:22656"],
                    discover=False)
    row = _rows(report)["stackoverflow:22656"]
    assert row["status"] == "found" and row["linked_by"] == "given by the caller"
    assert row["verified_by"].startswith("two-sided link")


def test_links_the_network_verified_count(settings, upstream, upstream_server):
    # dev.to's github_username comes only from a connected GitHub sign-in (Forem).
    report = _score("github:octocat", settings, upstream)
    devto = _rows(report)["devto:octocat"]
    assert devto["status"] == "found"
    assert devto["verified_by"] == "verified by the network: devto github_username"
    # A Mastodon field with verified_at (rel=me checked by the instance) pointing at GitHub.
    mastodon = f"mastodon:octocat@{upstream_server.mastodon_host}"
    report = _score("github:octocat", settings, upstream, accounts=[mastodon], discover=False)
    row = _rows(report)[mastodon]
    assert row["status"] == "found"
    assert row["verified_by"] == "verified by the network: mastodon verified field"
    # One-sided links of the same profile stay out (HN and X have no backlink to read).
    rows = _rows(_score("github:octocat", settings, upstream))
    assert rows["bluesky:octocat.bsky.social"]["status"] == "unverified"
    assert rows["hackernews:octocat"]["status"] == "unverified"
    assert "cannot be verified" in rows["hackernews:octocat"]["how_to_verify"]


def test_a_failing_published_link_degrades_and_a_failing_given_one_does_not(
        settings, upstream, upstream_server):
    upstream_server.faults["devto"] = "500"
    report = _score("github:octocat", settings, upstream, accounts=["devto:octocat"],
                    discover=False)
    # octocat publishes dev.to/octocat: it might verify, so the failure is named.
    assert [d["network"] for d in report["degraded"]] == ["devto"]
    upstream_server.faults["stackexchange"] = "500"
    report = _score("github:octocat", settings, upstream, accounts=["stackoverflow:22656"],
                    discover=False)
    assert _rows(report)["stackoverflow:22656"]["status"] == "unverified"


def test_the_report_validates_against_the_schema(settings, upstream, personas):
    from schemas.report import Report

    report = _score("github:mallory", settings, upstream)
    errors = Report().validate(report)
    for row_errors in (errors.get("networks") or {}).values():
        assert not {"verified_by", "how_to_verify", "status"} & set(row_errors)
    fields = Report().fields["networks"].inner.schema.fields
    assert {"verified_by", "how_to_verify"} <= set(fields)


def test_one_account_under_two_names_is_one_account(settings, upstream, personas):
    did = "did:plc:jskeetaaaaaaaaaaaaaaaaaa"
    report = _score("bluesky:jskeet.bsky.social", settings, upstream,
                    accounts=[f"bluesky:{did}"], discover=False)
    assert [n["account"] for n in report["networks"]] == ["bluesky:jskeet.bsky.social"]


def test_aliases_reported_in_a_lookup_are_stored_and_opt_outs_follow_them(
        settings, upstream, personas):
    from service.lookup import OptedOut
    from service.store import migrate, optouts
    from service.store.db import Database
    from service.store.registry import StoreRegistry

    migrate.upgrade(settings)
    database = Database(settings)
    try:
        registry = StoreRegistry(database)
        _score("github:fan", settings, upstream, registry=registry)  # fetches lurker
        with database.session() as session:
            assert optouts.names_of(session, ["bluesky:lurker.bsky.social"]) == {
                "bluesky:lurker.bsky.social", "bluesky:did:plc:lurkeraaaaaaaaaaaaaaaaaa"}
            optouts.opt_out(session, "bluesky:lurker.bsky.social")
        with pytest.raises(OptedOut):  # asked under its DID: still the opted-out person
            _score("bluesky:did:plc:lurkeraaaaaaaaaaaaaaaaaa", settings, upstream,
                   registry=registry)
    finally:
        database.dispose()
