"""Mastodon connector against the fake instance served by FakeUpstream."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from service.networks import make_connector
from service.networks.base import InvalidHandle, LinkedAccount
from service.networks.mastodon import account_from_url, html_to_text
from service.upstream import Upstream, UpstreamError
from tests.networks.helpers import obs


@pytest.fixture
def conn(settings, upstream):
    return make_connector("mastodon", settings, upstream)


def fetch(conn, upstream_server, user):
    handle = conn.validate(f"{user}@{upstream_server.mastodon_host}")
    return conn.fetch(handle, now=datetime.now(UTC))


def test_active_user_maps_fields(conn, upstream_server):
    data = fetch(conn, upstream_server, "octocat")
    assert data.status == "found"
    assert data.display_name == "The Octocat"
    assert data.profile_url == f"http://{upstream_server.mastodon_host}/@octocat"
    assert data.created_at == "2022-11-03T00:00:00Z"
    assert obs(data, "followers") == 5120
    assert obs(data, "following") == 301
    # 12 originals in 90 days; the boost and the reply to someone else are not counted.
    assert obs(data, "posts_recent") == 12
    # Engagement per post 8, 10, ..., 30 and one 150 (200 days old): median is 20.
    assert obs(data, "engagement_per_post") == 20
    assert obs(data, "account_age_days") > 1000
    assert "gossip" not in data.topics
    assert data.topics["rust"] > 0 and data.topics["python"] > 0
    assert data.topics["python"] == data.topics["opensource"]
    assert "candor-claim-mast0d0n" in data.bio
    assert "GitHub: https://github.com/octocat" in data.bio
    # Only verified fields become links; the unverified GitLab one and the blog do not.
    assert data.links == [
        LinkedAccount("github:octocat", "mastodon verified field", verified=True),
        LinkedAccount("bluesky:octocat.bsky.social", "mastodon verified field", verified=True),
    ]
    assert data.flags == []
    # lookup, statuses, and favourited_by on the three most-favourited posts (ring sample)
    assert upstream_server.hits["mastodon"] == 5
    assert upstream_server.path_hits["mastodon:/api/v1/accounts/lookup"] == 1


def test_new_user_has_no_engagement(conn, upstream_server):
    data = fetch(conn, upstream_server, "newbie")
    assert data.status == "found"
    assert obs(data, "posts_recent") == 0
    assert obs(data, "engagement_per_post") == 0  # measured: the statuses answered, empty
    assert obs(data, "account_age_days") <= 5


def test_hostile_markup_never_reaches_bio_or_links(conn, upstream_server):
    data = fetch(conn, upstream_server, "hostile")
    assert data.display_name == "<img src=x onerror=alert(1)>"  # plain text, escaped on output
    assert "<" not in data.bio and "alert" not in data.bio
    assert data.bio.startswith("Hi there")
    assert data.links == []


@pytest.mark.parametrize(("user", "flag"), [("botty", "bot"), ("limited", "limited")])
def test_flags(conn, upstream_server, user, flag):
    data = fetch(conn, upstream_server, user)
    assert data.status == "found"
    assert flag in data.flags
    assert obs(data, "posts_recent") == 4


def test_moved_links_target(conn, upstream_server):
    data = fetch(conn, upstream_server, "moved")
    assert "moved" in data.flags
    assert LinkedAccount("mastodon:octocat@mastodon.example", "mastodon moved to") in data.links


def test_suspended_is_200_with_flag(conn, upstream_server):
    data = fetch(conn, upstream_server, "suspended")
    assert data.status == "suspended"
    assert "suspended" in data.flags
    assert data.observations == [] or all(o.signal == "account_age_days"
                                          for o in data.observations)
    assert upstream_server.hits["mastodon"] == 1  # no statuses call for a suspended account


@pytest.mark.parametrize(("user", "status", "flag"), [
    ("secure", "hidden", "secure_mode"), ("gone", "suspended", "suspended"),
    ("nobody", "not_found", None)])
def test_error_shapes(conn, upstream_server, user, status, flag):
    data = fetch(conn, upstream_server, user)
    assert data.status == status
    assert data.observations == []
    if flag:
        assert flag in data.flags


def test_bought_and_followback_patterns(conn, upstream_server):
    bought = fetch(conn, upstream_server, "bought")
    assert obs(bought, "followers") == 250000
    assert obs(bought, "engagement_per_post") <= 1
    back = fetch(conn, upstream_server, "followback")
    assert obs(back, "followers") == 48000 and obs(back, "following") == 47500


@pytest.mark.parametrize("handle", [
    "octocat", "octocat@127.0.0.1", "octocat@localhost", "a@b@mastodon.social",
    "octocat@mastodon.social:443", "octocat@[::1]", "octocat@2130706433", "octocat@0x7f.1",
    "octocat@printer.local", "octocat@metadata.internal", "octocat@1.0.0.127.in-addr.arpa",
    "octocat@mastodon.social/path", "bad name@mastodon.social", "octocat@",
])
def test_invalid_handles_make_no_request(conn, upstream_server, handle):
    with pytest.raises(InvalidHandle):
        conn.validate(handle)
    assert sum(upstream_server.hits.values()) == 0


def test_validate_normalizes(conn, upstream_server):
    assert conn.validate("@Ada@Mastodon.Social") == "ada@mastodon.social"
    assert conn.validate("ada@Bücher.example") == "ada@xn--bcher-kva.example"
    host = upstream_server.mastodon_host
    assert conn.validate(f"ada@{host}") == f"ada@{host}"
    with pytest.raises(InvalidHandle):  # the exemption is exact: same host, other port
        conn.validate(f"ada@{host.rsplit(':', 1)[0]}:1")


def test_html_to_text_and_url_mapping():
    assert html_to_text("<p>a &amp; b</p><p>c<br>d</p><style>x{}</style>") == "a & b\nc\nd"
    assert account_from_url("https://github.com/octocat") == "github:octocat"
    assert account_from_url("https://twitter.com/octo") == "x:octo"
    assert account_from_url("https://stackoverflow.com/users/22656/jon") == "stackoverflow:22656"
    assert account_from_url("https://news.ycombinator.com/user?id=pg") == "hackernews:pg"
    assert account_from_url("https://www.youtube.com/@Octo") == "youtube:@octo"
    assert account_from_url("https://hachyderm.io/@Ada") == "mastodon:ada@hachyderm.io"
    assert account_from_url("https://orcid.org/0000-0002-1825-0097") == \
        "orcid:0000-0002-1825-0097"
    assert account_from_url("https://github.com/octocat/repo") is None
    assert account_from_url("javascript:alert(1)") is None


def test_requests_go_through_the_ssrf_guard(settings, upstream_server):
    # Without the test allow-list, even a handle that skipped validate() cannot reach a
    # loopback instance: every Mastodon call is made with user_host=True.
    guarded = replace(settings, allow_hosts=frozenset())
    conn = make_connector("mastodon", guarded, Upstream(guarded))
    with pytest.raises(UpstreamError) as exc:
        conn.fetch(f"octocat@{upstream_server.mastodon_host}", now=datetime.now(UTC))
    assert exc.value.kind == "refused"
    assert upstream_server.hits["mastodon"] == 0


def test_favouriters_of_the_most_favourited_posts_are_sampled(conn, upstream_server):
    data = fetch(conn, upstream_server, "octocat")
    sampled = [p for _, p, _ in upstream_server.requests if "favourited_by" in p]
    # 590 (50 favourites), 511 (16), 510 (15); never the boost or the 420-day-old post
    assert sorted(p.split("/")[4] for p in sampled) == ["510", "511", "590"]
    assert all("limit=80" in p for p in sampled)
    assert data.reactions_sampled == 50 + 16 + 15 and len(data.reactors) == 81
    host = upstream_server.mastodon_host
    assert "fan590x0@" + host in data.reactors  # a local acct gets the instance appended
    assert "fan590x1@other.example" in data.reactors


def test_engagement_ring_shows_the_same_favouriters(conn, upstream_server):
    data = fetch(conn, upstream_server, "ring")
    assert data.reactions_sampled == 12
    assert data.reactors == {f"ringer{n}@ring.example": 3 for n in range(4)}


def test_failed_favourites_sample_is_partial(conn, upstream_server, monkeypatch):
    from tests.fakes import mastodon as fake

    monkeypatch.setattr(fake, "_favourited_by", lambda sid, limit: None)
    data = fetch(conn, upstream_server, "octocat")
    assert data.partial == ["favourites"] and data.unobserved == []
    assert data.reactors == {} and obs(data, "posts_recent") == 12


def test_broken_statuses_answer_is_partial_not_a_failure(conn, upstream_server, monkeypatch):
    from tests.fakes import mastodon as fake

    original = fake.respond

    def broken(path, query, headers):
        if path.endswith("/statuses"):
            return 200, {"Content-Type": "application/json"}, b'[{"id": '  # cut short
        return original(path, query, headers)

    monkeypatch.setattr(fake, "respond", broken)
    data = fetch(conn, upstream_server, "octocat")
    assert data.status == "found" and data.partial == ["statuses"]
    assert data.unobserved == ["posts_recent", "engagement_per_post"]
    assert obs(data, "followers") == 5120
