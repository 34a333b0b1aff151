"""GitLab connector against the fake GitLab REST v4."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from service import lookup
from service.config import Settings
from service.networks import InvalidHandle, make_connector
from service.networks.base import NetworkData
from service.upstream import Upstream, UpstreamError

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
    assert data.unobserved == []
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
    # Every call answered: its signals are measured zeros, not gaps.
    assert level(data, "stars_owned") == 0 and level(data, "active_weeks") == 0
    assert level(data, "merged_external_mrs") == 0 and data.unobserved == []
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
    assert data.unobserved == ["active_weeks"] and by_signal(data, "active_weeks") == []
    assert level(data, "followers") == 9


def test_token_goes_in_private_token_header(conn, upstream_server):
    conn.fetch("jdoe", now=NOW)
    sent = [h for n, _, h in upstream_server.requests if n == "gitlab"]
    assert sent and all(h.get("Private-Token") == "fake-gitlab-token" for h in sent)
    projects = next(p for _, p, _ in upstream_server.requests if p.startswith(
        "/gitlab/users/42/projects"))
    assert "simple=false" in projects


def test_without_token_gitlab_is_not_configured(upstream_server, tmp_path):
    env = upstream_server.env()
    env.pop("CANDOR_GITLAB_TOKEN")
    env["CANDOR_INSTANCE_PATH"] = str(tmp_path)
    settings = Settings.from_env(env)
    assert not make_connector("gitlab", settings, Upstream(settings)).configured()
    target = lookup.Target("gitlab", "jdoe", "given")
    result = lookup._fetch(target, settings, Upstream(settings), NOW)
    assert result.status == "not_configured" and upstream_server.hits["gitlab"] == 0


def test_anonymous_would_be_refused_and_simple_projects_are_not_counted(upstream_server,
                                                                       tmp_path):
    """What gitlab.com does without a token: /users/:id is 403, and the projects list is the
    simple representation, where a fork looks like an original. Neither is scored."""
    env = upstream_server.env()
    env.pop("CANDOR_GITLAB_TOKEN")
    env["CANDOR_INSTANCE_PATH"] = str(tmp_path)
    settings = Settings.from_env(env)
    anonymous = make_connector("gitlab", settings, Upstream(settings))
    with pytest.raises(UpstreamError) as err:
        anonymous.fetch("jdoe", now=NOW)
    assert err.value.status == 403
    data = NetworkData("gitlab", "jdoe")
    with pytest.raises(UpstreamError):
        anonymous._projects(data, 42)  # the fork jdoe/fork-of-gitlab is not in the answer
    assert by_signal(data, "stars_owned") == []


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


@pytest.mark.parametrize("token", [True, False])
def test_gitlab_report_scores_with_a_token_and_is_not_configured_without(upstream_server,
                                                                        tmp_path, token):
    from service.lookup import score_subject

    env = upstream_server.env()
    if not token:
        env.pop("CANDOR_GITLAB_TOKEN")
    settings = Settings.from_env({**env, "CANDOR_INSTANCE_PATH": str(tmp_path)})
    report = score_subject("gitlab:jdoe", settings=settings, upstream=Upstream(settings),
                           discover=False)
    (gitlab,) = [n for n in report["networks"] if n["network"] == "gitlab"]
    if token:
        assert gitlab["status"] == "found" and report["status"] == "scored"
        assert 1 <= report["score"] <= 100
    else:
        assert gitlab["status"] == "not_configured" and report.get("score") is None
        assert upstream_server.hits["gitlab"] == 0  # nothing asked: no failure, no quota
