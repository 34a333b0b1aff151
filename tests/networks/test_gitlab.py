"""GitLab connector against the fake GitLab REST v4."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from service.networks import InvalidHandle, make_connector
from service.upstream import UpstreamError

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def conn(settings, upstream):
    return make_connector("gitlab", settings, upstream)


def by_signal(data, name):
    return [o for o in data.observations if o.signal == name]


def level(data, name):
    (obs,) = by_signal(data, name)
    return obs.value


def test_active_user_field_mapping(conn, upstream_server):
    data = conn.fetch("JDoe", now=NOW)
    assert data.status == "found" and data.partial == []
    assert data.handle == "jdoe"
    assert data.display_name == "J Doe"
    assert data.profile_url == "https://gitlab.com/jdoe"
    assert data.bio == "SRE. I review merge requests."
    assert data.created_at == "2016-03-01T09:00:00.000Z"
    assert level(data, "followers") == 120 and level(data, "following") == 15
    assert level(data, "account_age_days") == (NOW - datetime(2016, 3, 1, 9, tzinfo=UTC)).days
    stars = {o.item: o.value for o in by_signal(data, "stars_owned")}
    assert stars == {"jdoe/terraform-kit": 420, "jdoe/dotfiles": 12, "jdoe/notes": 0}
    assert data.topics == {"HCL": 315, "Go": 105, "Shell": 12}
    merged = {(o.item, o.at, o.own) for o in by_signal(data, "merged_external_mrs")}
    assert merged == {("gitlab-org/gitlab", "2026-10-10", False),
                      ("fdroid/fdroidclient", "2026-03-03", False),
                      ("jdoe/terraform-kit", "2026-09-09", True)}
    assert level(data, "active_weeks") == 4
    links = {(link.account, link.linked_by) for link in data.links}
    assert links == {("x:jdoe", "gitlab twitter"),
                     ("linkedin:https://www.linkedin.com/in/jdoe", "gitlab linkedin"),
                     ("devto:jdoe", "gitlab website_url")}
    # lookup, user, projects, 2 language calls (starred projects), merge requests, events
    assert upstream_server.hits["gitlab"] == 7
    mr_call = next(p for _, p, _ in upstream_server.requests if "/merge_requests" in p)
    assert "author_id=42" in mr_call and "state=merged" in mr_call and "scope=all" in mr_call


def test_new_user(conn):
    data = conn.fetch("newbie", now=NOW)
    assert data.status == "found"
    assert level(data, "account_age_days") == 7
    assert by_signal(data, "stars_owned") == [] and level(data, "active_weeks") == 0
    assert data.links == [] and data.topics == {}


def test_hostile(conn):
    data = conn.fetch("hostile", now=NOW)
    assert data.display_name == "<img src=x onerror=alert(1)>"
    assert data.bio.startswith("<script>")  # kept as text; renderers escape
    assert data.links == []


def test_bot_and_blocked_and_private(conn):
    assert "bot" in conn.fetch("gitlab-bot-like", now=NOW).flags
    blocked = conn.fetch("blockeduser", now=NOW)
    assert blocked.status == "suspended" and blocked.observations == []
    private = conn.fetch("privateuser", now=NOW)
    assert private.status == "found" and "private_profile" in private.flags
    assert by_signal(private, "followers") == [] and by_signal(private, "account_age_days") == []


def test_followback_and_onehit(conn):
    fb = conn.fetch("followback", now=NOW)
    assert level(fb, "followers") == 31000 and level(fb, "following") == 30800
    one = conn.fetch("onehit", now=NOW)
    assert sorted(o.value for o in by_signal(one, "stars_owned")) == [1, 9000]
    assert one.topics == {"Rust": 9000, "Python": 1}


def test_not_found(conn, upstream_server):
    data = conn.fetch("nobody-here", now=NOW)
    assert data.status == "not_found" and data.observations == []
    assert upstream_server.hits["gitlab"] == 1


def test_secondary_failure_is_partial(conn):
    data = conn.fetch("flaky", now=NOW)
    assert data.status == "found" and data.partial == ["events"]
    assert level(data, "followers") == 9


def test_throttled_lookup_is_rate_limited(conn):
    with pytest.raises(UpstreamError) as err:
        conn.fetch("throttled", now=NOW)
    assert err.value.kind == "rate_limited"


def test_primary_failure_propagates(conn, upstream_server):
    upstream_server.faults["gitlab"] = "500"
    with pytest.raises(UpstreamError):
        conn.fetch("jdoe", now=NOW)


@pytest.mark.parametrize("bad", ["", "-jdoe", "jdoe.", "jdoe.git", "repo.atom", "j doe",
                                 "j/doe", "a" * 256, "api", "jdoe?x=1", "jdoe%00"])
def test_invalid_handles_make_no_request(conn, upstream_server, bad):
    with pytest.raises(InvalidHandle):
        conn.fetch(bad, now=NOW)
    assert upstream_server.hits["gitlab"] == 0
