"""Hacker News connector against the fake Firebase API and the fake Algolia search."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from service.networks import make_connector
from service.networks.base import InvalidHandle
from tests.networks.helpers import obs


@pytest.fixture
def conn(settings, upstream):
    return make_connector("hackernews", settings, upstream)


def test_active_user_maps_fields(conn, upstream_server):
    now = datetime.now(UTC)
    data = conn.fetch(conn.validate("octocat"), now=now)
    assert data.status == "found"
    assert data.profile_url == "https://news.ycombinator.com/user?id=octocat"
    assert data.created_at == "2011-03-13T07:06:40Z"  # from the epoch 1300000000
    assert obs(data, "karma") == 12345
    assert obs(data, "comments_recent") == 42
    assert obs(data, "account_age_days") > 5000
    stories = [o for o in data.observations if o.signal == "story_points"]
    assert [o.value for o in stories] == [120, 3, 45, 310, 800]
    assert stories[0].item == "41000000"
    assert stories[0].at == (now - timedelta(days=5)).date().isoformat()
    assert "candor-claim-hn1234" in data.bio and "<" not in data.bio
    assert data.partial == [] and data.topics == {}
    assert upstream_server.hits["hackernews"] == 1 and upstream_server.hits["hnsearch"] == 2


def test_new_user(conn):
    data = conn.fetch("newbie", now=datetime.now(UTC))
    assert data.status == "found"
    assert obs(data, "karma") == 1 and obs(data, "comments_recent") == 0
    # Measured: the search answered with no stories, so story points are a zero.
    assert [(o.value, o.item) for o in data.observations if o.signal == "story_points"] == [
        (0.0, None)]
    assert obs(data, "account_age_days") <= 7


def test_null_body_is_not_found_and_ids_are_case_sensitive(conn, upstream_server):
    for handle in ("nobody", "Octocat"):
        data = conn.fetch(conn.validate(handle), now=datetime.now(UTC))
        assert data.status == "not_found" and data.observations == []
    assert upstream_server.hits["hnsearch"] == 0


def test_hostile_about_is_reduced_to_text(conn):
    data = conn.fetch("hostile", now=datetime.now(UTC))
    assert data.bio == "hello"


def test_search_failure_is_partial(conn):
    data = conn.fetch("nosearch", now=datetime.now(UTC))
    assert data.status == "found"
    assert data.partial == ["stories", "comments"]
    assert data.unobserved == ["story_points", "comments_recent"]
    assert obs(data, "karma") == 300


@pytest.mark.parametrize("handle", ["a", "sixteen_chars_xx", "pg!", "a b", "", "../etc", "é"])
def test_invalid_handles_make_no_request(conn, upstream_server, handle):
    with pytest.raises(InvalidHandle):
        conn.validate(handle)
    assert sum(upstream_server.hits.values()) == 0
