"""YouTube connector against the fake Data API v3."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from service.networks import make_connector
from service.networks.base import InvalidHandle
from service.upstream import Upstream, UpstreamError
from tests.networks.helpers import fetch, obs


@pytest.fixture
def conn(settings, upstream):
    return make_connector("youtube", settings, upstream)


def test_active_channel_maps_fields(conn, upstream_server):
    data = fetch(conn, "@OctoCat")
    assert data.status == "found" and data.handle == "@octocat"
    assert data.display_name == "Octo Codes"
    assert data.profile_url == "https://www.youtube.com/@octocat"
    assert data.bio == "Tutorials. candor-claim-yt0ube"
    assert data.created_at == "2016-02-01T10:00:00Z"
    assert obs(data, "subscribers") == 45600  # "45600" in the JSON
    assert obs(data, "videos_recent") == 10  # published 3, 43, ..., 363 days ago
    assert obs(data, "views_per_video") == 6500  # median of 1000..12000
    assert obs(data, "account_age_days") > 3000
    assert data.topics == {} and data.flags == []
    assert upstream_server.hits["youtube"] == 3
    # The key goes in a header, never into a URL.
    assert all("fake-youtube-key" not in path for _, path, _ in upstream_server.requests)
    assert all(h.get("X-Goog-Api-Key") == "fake-youtube-key"
               for _, _, h in upstream_server.requests)


def test_channel_id_lookup(conn):
    data = fetch(conn, "UCoctocatxxxxxxxxxxxxxxx")
    assert data.handle == "UCoctocatxxxxxxxxxxxxxxx" and data.display_name == "Octo Codes"


def test_new_channel_skips_video_calls(conn, upstream_server):
    data = fetch(conn, "@newbie")
    assert obs(data, "videos_recent") == 0 and obs(data, "views_per_video") == 0
    assert obs(data, "subscribers") == 0
    assert upstream_server.hits["youtube"] == 1


def test_hidden_subscribers_are_absent_not_zero(conn):
    data = fetch(conn, "@hidden")
    assert "hidden_subscribers" in data.flags
    assert obs(data, "subscribers") is None
    assert obs(data, "views_per_video") == 60


def test_missing_uploads_playlist(conn):
    data = fetch(conn, "@novideos")
    assert data.status == "found" and obs(data, "videos_recent") == 0


def test_hostile_and_bought(conn):
    hostile = fetch(conn, "@hostile")
    assert hostile.display_name == "<img src=x onerror=alert(1)>"
    bought = fetch(conn, "@bought")
    assert obs(bought, "subscribers") == 1200000 and obs(bought, "views_per_video") < 300


def test_no_items_is_not_found(conn, upstream_server):
    data = fetch(conn, "@nobody")
    assert data.status == "not_found" and data.observations == []
    assert upstream_server.hits["youtube"] == 1


def test_quota_and_bad_key(conn):
    with pytest.raises(UpstreamError) as exc:
        fetch(conn, "@quota")
    assert exc.value.kind == "rate_limited"
    assert time.time() < exc.value.retry_at <= time.time() + 25 * 3600
    with pytest.raises(UpstreamError) as exc:
        fetch(conn, "@badkey")
    assert exc.value.kind == "upstream_error" and "keyInvalid" in str(exc.value)
    assert "fake-youtube-key" not in str(exc.value)


def test_not_configured_without_key(settings, upstream_server):
    bare = replace(settings, credentials={})
    conn = make_connector("youtube", bare, Upstream(bare))
    assert conn.configured() is False
    assert make_connector("youtube", settings, Upstream(settings)).configured() is True


@pytest.mark.parametrize("handle", [
    "@ab", "@" + "a" * 31, "@.dot", "@dot.", "@with space", "UC" + "a" * 21 + "!", "",
    "@a/b", "@<x>"])
def test_invalid_handles_make_no_request(conn, upstream_server, handle):
    with pytest.raises(InvalidHandle):
        conn.validate(handle)
    assert sum(upstream_server.hits.values()) == 0


def test_failed_video_statistics_are_partial_not_a_failure(conn, upstream_server,
                                                           monkeypatch):
    from tests.fakes import youtube as fake

    original = fake.respond

    def broken_videos(path, query, headers):
        if path == "/videos":
            return 500, {"Content-Type": "text/html"}, b"<html>500</html>"
        return original(path, query, headers)

    monkeypatch.setattr(fake, "respond", broken_videos)
    data = fetch(conn, "@octocat")
    assert data.status == "found" and data.partial == ["videos"]
    assert data.unobserved == ["views_per_video"]  # the uploads list answered
    assert obs(data, "videos_recent") is not None and obs(data, "subscribers") is not None
