"""X connector against the fake API v2."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from service.networks import make_connector
from service.networks.base import InvalidHandle
from service.upstream import Upstream, UpstreamError
from tests.networks.helpers import fetch, obs


@pytest.fixture
def conn(settings, upstream):
    return make_connector("x", settings, upstream)


def test_active_user_maps_fields(conn, upstream_server):
    data = fetch(conn, "@OctoCat")
    assert data.status == "found" and data.handle == "octocat"
    assert data.display_name == "The Octocat"
    assert data.profile_url == "https://x.com/OctoCat"
    assert data.bio == "Tools and talks. candor-claim-x"
    assert data.created_at == "2013-12-14T04:35:55Z"
    assert obs(data, "followers") == 5000 and obs(data, "following") == 300
    assert obs(data, "listed") == 120
    assert obs(data, "posts_recent") == 12
    assert obs(data, "engagement_per_post") == 20  # 13..24 and three older 115s
    assert data.topics == {"rust": 70, "old": 345}
    assert upstream_server.hits["x"] == 2
    assert all(h.get("Authorization") == "Bearer fake-x-token"
               for _, _, h in upstream_server.requests)
    timeline = [p for _, p, _ in upstream_server.requests if "/tweets" in p][0]
    assert "exclude=retweets%2Creplies" in timeline and "max_results=40" in timeline


def test_new_user_without_posts(conn):
    data = fetch(conn, "newbie")
    assert obs(data, "posts_recent") == 0 and obs(data, "engagement_per_post") == 0
    assert obs(data, "account_age_days") <= 4
    assert data.partial == []


def test_protected_account_reads_no_timeline(conn, upstream_server):
    data = fetch(conn, "locked")
    assert "protected" in data.flags and obs(data, "followers") == 800
    assert obs(data, "posts_recent") is None
    assert upstream_server.hits["x"] == 1


@pytest.mark.parametrize(("handle", "status"), [
    ("nobody", "not_found"), ("gone", "not_found"), ("suspended", "suspended")])
def test_not_found_and_suspended_shapes(conn, upstream_server, handle, status):
    data = fetch(conn, handle)
    assert data.status == status and data.observations == []
    assert upstream_server.hits["x"] == 1


def test_rate_limit_carries_reset(conn):
    with pytest.raises(UpstreamError) as exc:
        fetch(conn, "ratelimited")
    assert exc.value.kind == "rate_limited"
    assert exc.value.retry_at == pytest.approx(time.time() + 3600, abs=30)


def test_gaming_patterns_and_hostile(conn):
    bought = fetch(conn, "bought")
    assert obs(bought, "followers") == 900000 and obs(bought, "engagement_per_post") == 0
    assert bought.topics == {}
    back = fetch(conn, "followback")
    assert obs(back, "following") == 59000 and obs(back, "posts_recent") == 25
    hostile = fetch(conn, "hostile")
    assert hostile.display_name == "<img src=x onerror=alert(1)>"


def test_rejected_token_is_an_upstream_error(settings):
    wrong = replace(settings, credentials={**settings.credentials, "x_bearer_token": "nope"})
    conn = make_connector("x", wrong, Upstream(wrong))
    with pytest.raises(UpstreamError) as exc:
        conn.fetch("octocat", now=datetime.now(UTC))
    assert exc.value.status == 401 and "nope" not in str(exc.value)


def test_not_configured_without_token(settings):
    bare = replace(settings, credentials={})
    assert make_connector("x", bare, Upstream(bare)).configured() is False
    assert make_connector("x", settings, Upstream(settings)).configured() is True


@pytest.mark.parametrize("handle", [
    "home", "Settings", "explore", "i", "", "sixteen_chars_xx", "has-dash", "a.b", "@", "é"])
def test_invalid_handles_make_no_request(conn, upstream_server, handle):
    with pytest.raises(InvalidHandle):
        conn.validate(handle)
    assert sum(upstream_server.hits.values()) == 0


def test_older_retweet_count_shape_counts_the_same(conn, monkeypatch):
    """X's production spec says repost_count; answers shaped as before (retweet_count)
    give the same evidence."""
    from tests.fakes import x as fake

    new = fetch(conn, "octocat")
    original = fake._timeline

    def old_shape(name):
        posts = original(name)
        for post in posts:
            metrics = post["public_metrics"]
            metrics["retweet_count"] = metrics.pop("repost_count")
        return posts

    monkeypatch.setattr(fake, "_timeline", old_shape)
    old = fetch(conn, "octocat")
    assert obs(old, "engagement_per_post") == obs(new, "engagement_per_post") == 20
    assert sorted(o.value for o in old.observations if o.signal == "post_engagement") == \
        sorted(o.value for o in new.observations if o.signal == "post_engagement")


def test_timeline_falls_back_to_tweet_fields_when_post_fields_is_refused(
        conn, upstream_server, monkeypatch):
    """X's OpenAPI (post.fields) and its API reference (tweet.fields) disagree; an API that
    refuses post.fields with its 400 invalid-request is asked once more with tweet.fields."""
    from tests.fakes import x as fake

    new = fetch(conn, "octocat")
    older = {k: (v - {"post.fields"}) | {"tweet.fields"} for k, v in fake.ALLOWED.items()}
    monkeypatch.setattr(fake, "ALLOWED", older)
    upstream_server.reset()
    old = fetch(conn, "octocat")
    timelines = [p for _, p, _ in upstream_server.requests if "/tweets" in p]
    assert len(timelines) == 2 and "post.fields" in timelines[0]
    assert "tweet.fields" in timelines[1]
    assert obs(old, "engagement_per_post") == obs(new, "engagement_per_post")
