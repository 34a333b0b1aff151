"""dev.to connector against the fake Forem API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from service.networks import make_connector
from service.networks.base import InvalidHandle, LinkedAccount
from service.networks.devto import parse_joined
from tests.networks.helpers import obs


@pytest.fixture
def conn(settings, upstream):
    return make_connector("devto", settings, upstream)


def test_active_user_maps_fields(conn, upstream_server):
    now = datetime.now(UTC)
    data = conn.fetch(conn.validate("@OctoCat"), now=now)
    assert data.status == "found"
    assert data.handle == "octocat"
    assert data.display_name == "The Octocat"
    assert data.profile_url == "https://dev.to/octocat"
    assert data.bio == "I write about tools. candor-claim-devt0"
    assert data.created_at == "2017-01-04T00:00:00Z"
    # Forem fills these only from a connected OAuth identity: verified by the network.
    assert data.links == [LinkedAccount("github:octocat", "devto github_username", True),
                          LinkedAccount("x:octo_x", "devto twitter_username", True)]
    reactions = [o for o in data.observations if o.signal == "article_reactions"]
    assert [(o.item, o.value) for o in reactions] == [
        ("501", 40), ("502", 12), ("503", 0), ("504", 90), ("505", 8), ("506", 300)]
    assert reactions[0].at == (now - timedelta(days=10)).date().isoformat()
    assert obs(data, "articles_recent") == 5
    assert obs(data, "engagement_per_article") == 30  # median of 46, 14, 0, 100, 9, 340
    # Tags weighted by the reactions their articles drew; "career" drew none.
    assert data.topics == {"rust": 60, "webdev": 40, "python": 390, "beginners": 8, "ai": 300}
    assert upstream_server.hits["devto"] == 2
    assert all(h.get("Accept") == "application/vnd.forem.api-v1+json"
               for _, _, h in upstream_server.requests)


def test_new_user(conn):
    data = conn.fetch("newbie", now=datetime.now(UTC))
    assert data.status == "found"
    assert obs(data, "articles_recent") == 0
    assert obs(data, "engagement_per_article") == 0  # measured: the list answered, empty
    assert obs(data, "article_reactions") == 0 and data.unobserved == []
    assert obs(data, "account_age_days") <= 4
    assert data.links == []


def test_not_found(conn, upstream_server):
    data = conn.fetch("nobody", now=datetime.now(UTC))
    assert data.status == "not_found" and data.observations == []
    assert upstream_server.hits["devto"] == 1


def test_hostile_text_kept_as_text(conn):
    data = conn.fetch("hostile", now=datetime.now(UTC))
    assert data.display_name == "<img src=x onerror=alert(1)>"
    assert data.bio == "<script>alert(1)</script>"


def test_volume_without_readers(conn):
    data = conn.fetch("spammer", now=datetime.now(UTC))
    assert obs(data, "articles_recent") == 60
    assert obs(data, "engagement_per_article") == 0
    assert data.topics == {}


def test_articles_failure_is_partial(conn):
    data = conn.fetch("brokenfeed", now=datetime.now(UTC))
    assert data.status == "found" and data.partial == ["articles"]
    assert data.unobserved == ["article_reactions", "articles_recent",
                               "engagement_per_article"]


@pytest.mark.parametrize(("text", "expected"), [
    ("Jan  4, 2017", datetime(2017, 1, 4, tzinfo=UTC)),
    ("Dec 27, 2015", datetime(2015, 12, 27, tzinfo=UTC)),
    ("Feb 30, 2020", None), ("2017-01-04", None), (None, None), ("Foo 1, 2020", None)])
def test_parse_joined(text, expected):
    assert parse_joined(text) == expected


@pytest.mark.parametrize("handle", ["a", "x" * 31, "ben-h", "ben.h", "", "bén", "a b"])
def test_invalid_handles_make_no_request(conn, upstream_server, handle):
    with pytest.raises(InvalidHandle):
        conn.validate(handle)
    assert sum(upstream_server.hits.values()) == 0
