"""Bluesky connector against the fake AppView served by FakeUpstream."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from service.networks import make_connector
from service.networks.base import InvalidHandle
from service.upstream import UpstreamError
from tests.networks.helpers import fetch, obs


@pytest.fixture
def conn(settings, upstream):
    return make_connector("bluesky", settings, upstream)


def test_active_user_maps_fields(conn, upstream_server):
    data = fetch(conn, "@Octocat.bsky.social")
    assert data.status == "found"
    assert data.handle == "octocat.bsky.social"
    assert data.display_name == "The Octocat"
    assert data.profile_url == "https://bsky.app/profile/octocat.bsky.social"
    assert data.bio == "Open source tools. candor-claim-b1uesky"
    assert data.created_at == "2023-05-02T12:00:00Z"
    assert obs(data, "followers") == 4200 and obs(data, "following") == 310
    assert obs(data, "posts_recent") == 10  # the repost of someone else is not counted
    assert obs(data, "engagement_per_post") == 17.5  # 13..22; the 500-day-old post is out
    assert obs(data, "account_age_days") > 900
    assert set(data.topics) == {"rust", "opensource"}
    assert data.flags == [] and data.partial == []
    # the account's other name (its DID), reported by the network itself
    assert [(x.account, x.verified) for x in data.links] == [
        ("bluesky:did:plc:octocataaaaaaaaaaaaaaaaa", True)]
    # profile, feed, and getLikes on the three most-liked posts (the ring sample)
    assert upstream_server.hits["bluesky"] == 5


def test_feed_is_fetched_by_did(conn, upstream_server):
    fetch(conn, "octocat.bsky.social")
    feed_calls = [p for n, p, _ in upstream_server.requests if "getAuthorFeed" in p]
    assert feed_calls and "actor=did%3Aplc%3Aoctocat" in feed_calls[0]


def test_did_handle_works(conn):
    data = fetch(conn, "did:plc:octocataaaaaaaaaaaaaaaaa")
    assert data.status == "found" and data.display_name == "The Octocat"


def test_new_user(conn):
    data = fetch(conn, "newbie.bsky.social")
    assert obs(data, "posts_recent") == 0
    assert obs(data, "engagement_per_post") == 0  # measured: the feed answered, empty
    assert data.unobserved == []
    assert obs(data, "account_age_days") <= 3


def test_custom_domain_and_invalid_handle_flags(conn):
    assert "domain_handle" in fetch(conn, "ada.example.com").flags
    broken = fetch(conn, "broken.bsky.social")
    assert "handle_invalid" in broken.flags and "domain_handle" not in broken.flags
    assert broken.profile_url == "https://bsky.app/profile/broken.bsky.social"


def test_hostile_text_is_kept_as_text(conn):
    data = fetch(conn, "hostile.bsky.social")
    assert data.display_name == "<img src=x onerror=alert(1)>"
    assert data.bio == "<script>alert(1)</script>"  # plain text upstream; escaped on output


@pytest.mark.parametrize(("handle", "status"), [
    ("nobody.bsky.social", "not_found"), ("takedown.bsky.social", "suspended"),
    ("gone.bsky.social", "deactivated")])
def test_error_shapes(conn, upstream_server, handle, status):
    data = fetch(conn, handle)
    assert data.status == status
    assert data.observations == []
    assert upstream_server.hits["bluesky"] == 1
    if status != "not_found":
        assert status in data.flags


def test_feed_failure_is_partial(conn):
    data = fetch(conn, "nofeed.bsky.social")
    assert data.status == "found"
    assert data.partial == ["posts"]
    assert obs(data, "followers") == 10 and obs(data, "posts_recent") is None
    assert data.unobserved == ["posts_recent", "engagement_per_post"]


def test_gaming_patterns(conn):
    bought = fetch(conn, "bought.bsky.social")
    assert obs(bought, "followers") == 310000 and obs(bought, "engagement_per_post") <= 1
    back = fetch(conn, "followback.bsky.social")
    assert obs(back, "following") == 50200 and obs(back, "posts_recent") == 20


@pytest.mark.parametrize("handle", [
    "octocat", "handle.invalid", "foo.local", "-bad.bsky.social", "a..b.social", "x.123",
    "did:plc:short", "did:web:example.com", "octo cat.bsky.social", "https://bsky.app/x", ""])
def test_invalid_handles_make_no_request(conn, upstream_server, handle):
    with pytest.raises(InvalidHandle):
        conn.validate(handle)
    assert sum(upstream_server.hits.values()) == 0


def test_likers_of_the_most_liked_posts_are_sampled(conn, upstream_server):
    data = fetch(conn, "octocat.bsky.social")
    liked = [p for n, p, _ in upstream_server.requests if "getLikes" in p]
    # the three most-liked own posts in the window (19, 18, 17 likes), never the repost
    assert len(liked) == 3 and all("octocat" in p and "3zz" not in p for p in liked)
    assert data.reactions_sampled == 19 + 18 + 17
    assert len(data.reactors) == 54 and set(data.reactors.values()) == {1}


def test_engagement_ring_shows_the_same_reactors_on_every_post(conn):
    data = fetch(conn, "ring.bsky.social")
    assert data.reactions_sampled == 12  # 3 posts x 4 likes
    assert len(data.reactors) == 4 and set(data.reactors.values()) == {3}


def test_failed_like_sample_is_partial_without_unobserved_signals(conn, upstream_server,
                                                                  monkeypatch):
    from tests.fakes import bluesky as fake

    monkeypatch.setattr(fake, "_likes", lambda uri, limit: None)
    data = fetch(conn, "octocat.bsky.social")
    assert data.partial == ["likes"] and data.unobserved == []
    assert data.reactors == {} and obs(data, "engagement_per_post") == 17.5


def test_fetch_many_reads_25_profiles_per_call(conn, upstream_server):
    names = ["octocat.bsky.social", "ada.example.com", "newbie.bsky.social",
             "takedown.bsky.social", "nobody.bsky.social",
             "did:plc:" + ("followback" + "a" * 24)[:24]]
    handles = [conn.validate(h) for h in names]
    many = conn.fetch_many(handles, now=datetime.now(UTC))
    one = {h: conn.fetch(h, now=datetime.now(UTC)) for h in handles}
    assert set(many) == set(handles)
    for handle in handles:
        a, b = many[handle], one[handle]
        assert (a.status, a.display_name, a.observations, a.flags) == (
            b.status, b.display_name, b.observations, b.flags), handle
    assert many["takedown.bsky.social"].status == "suspended"
    assert many["nobody.bsky.social"].status == "not_found"
    upstream_server.reset()
    conn.fetch_many(handles, now=datetime.now(UTC))
    paths = [p for _, p, _ in upstream_server.requests]
    assert sum("getProfiles" in p for p in paths) == 1
    # only the two actors getProfiles dropped are asked again alone
    assert sum("getProfile?" in p for p in paths) == 2


def test_fetch_many_splits_into_batches_of_25(conn, upstream_server):
    handles = [f"user{i}.bsky.social" for i in range(30)] + ["octocat.bsky.social"]
    many = conn.fetch_many(handles, now=datetime.now(UTC))
    assert many["octocat.bsky.social"].status == "found"
    assert all(many[f"user{i}.bsky.social"].status == "not_found" for i in range(30))
    batches = [p for _, p, _ in upstream_server.requests if "getProfiles" in p]
    assert [p.count("actors=") for p in batches] == [25, 6]


def test_fetch_many_batch_failure_fails_each_handle(conn, upstream_server):
    upstream_server.faults["bluesky"] = "503"
    many = conn.fetch_many(["octocat.bsky.social", "ada.example.com"], now=datetime.now(UTC))
    assert all(isinstance(v, UpstreamError) for v in many.values())


def test_broken_feed_answer_is_partial_not_a_failure(conn, monkeypatch):
    from tests.fakes import bluesky as fake

    original = fake.respond

    def broken(path, query, headers):
        if path.endswith("getAuthorFeed"):
            return 200, {"Content-Type": "application/json"}, b'{"feed": ['  # cut short
        return original(path, query, headers)

    monkeypatch.setattr(fake, "respond", broken)
    data = fetch(conn, "octocat.bsky.social")
    assert data.status == "found" and data.partial == ["posts"]
    assert data.unobserved == ["posts_recent", "engagement_per_post"]
    assert obs(data, "followers") == 4200
