"""Bluesky connector against the fake AppView served by FakeUpstream."""

from __future__ import annotations

import pytest

from service.networks import make_connector
from service.networks.base import InvalidHandle
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
    assert data.flags == [] and data.links == [] and data.partial == []
    assert upstream_server.hits["bluesky"] == 2


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
