"""GitHub connector against the fake upstream (real Upstream, real HTTP)."""

from __future__ import annotations

import dataclasses
import time
from datetime import UTC, datetime

import pytest

from service.networks import InvalidHandle, make_connector
from service.networks.github import account_from_url
from service.upstream import Upstream, UpstreamError

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def github(settings, upstream):
    return make_connector("github", settings, upstream)


def by_signal(data, name):
    return [o for o in data.observations if o.signal == name]


def level(data, name):
    (obs,) = by_signal(data, name)
    return obs.value


def test_active_user_field_mapping(github, upstream_server):
    data = github.fetch("Octocat", now=NOW)
    assert data.status == "found" and data.partial == []
    assert data.handle == "octocat"
    assert data.display_name == "The Octocat"
    assert data.profile_url == "https://github.com/octocat"
    assert data.bio == "Mascot. Reviews pull requests for fun."
    assert data.created_at == "2011-01-25T18:44:36Z"
    assert level(data, "followers") == 9000
    assert level(data, "following") == 9
    assert level(data, "account_age_days") == (NOW - datetime(2011, 1, 25, 18, 44, 36,
                                                                tzinfo=UTC)).days
    # Forks excluded; the second repos page (Link rel=next) is followed.
    stars = {o.item: o.value for o in by_signal(data, "stars_owned")}
    assert stars == {"octocat/Hello-World": 2500, "octocat/Spoon-Knife": 1200,
                     "octocat/octo-tools": 300}
    assert data.topics == {"Python": 2800, "HTML": 1200}
    merged = {(o.item, o.at, o.own) for o in by_signal(data, "merged_external_prs")}
    # octo-org is an organisation octocat publicly belongs to: its repos are own work.
    assert merged == {("rails/rails", "2026-10-01", False), ("python/cpython", "2026-06-15", False),
                      ("octocat/Hello-World", "2026-09-09", True),
                      ("octo-org/tools", "2026-08-01", True)}
    assert data.member_of == ["octo-org"]
    # Post-2025-10 event shapes (no payload.pull_request.user): own reviews are recognised
    # by repository owner, organisation, head fork, and PR number from the search.
    reviews = {(o.item, o.own) for o in by_signal(data, "reviews")}
    assert reviews == {("rails/rails", False), ("octocat/Hello-World", True),
                       ("python/cpython", True), ("django/django", True),
                       ("octo-org/tools", True)}
    issues = by_signal(data, "external_issues")
    assert sorted((o.item, o.at, o.own) for o in issues) == [
        ("octocat/Spoon-Knife", "2026-11-03", True), ("python/cpython", "2026-11-04", False)]
    assert level(data, "active_weeks") == 3  # weeks 45, 46, 47 of 2026
    assert data.flags == [] and data.unobserved == []
    # REST names its windows: the events timeline covers 30 days, the search a year.
    assert data.windows == {"merged_external_prs": 365, "reviews": 30,
                            "external_issues": 30, "active_weeks": 30}
    # Exactly seven calls: profile, orgs, two repo pages, search, events, social accounts.
    assert upstream_server.hits["github"] == 7


def test_linked_accounts(github):
    data = github.fetch("octocat", now=NOW)
    links = {link.account: link.linked_by for link in data.links}
    assert links == {
        "x:octocat": "github twitter_username",
        "bluesky:octocat.bsky.social": "github social_accounts",
        "hackernews:octocat": "github social_accounts",
        "devto:octocat": "github social_accounts",
        "linkedin:https://www.linkedin.com/in/octocat": "github social_accounts",
    }


def test_search_query_is_scoped_to_author_and_merged(github, upstream_server):
    github.fetch("octocat", now=NOW)
    search = [p for n, p, _ in upstream_server.requests if "/search/issues" in p]
    assert len(search) == 1
    assert "author%3Aoctocat" in search[0] and "is%3Amerged" in search[0]
    assert "merged%3A%3E%3D2025-11-20" in search[0]


def test_new_user_has_no_evidence(github, upstream_server):
    data = github.fetch("newbie", now=NOW)
    assert data.status == "found"
    assert level(data, "account_age_days") == 7
    assert level(data, "stars_owned") == 0  # measured: the profile says no public repos
    assert level(data, "active_weeks") == 0
    assert data.links == [] and data.topics == {}
    # public_repos == 0: the repos call is skipped.
    assert not any("/repos" in p for _, p, _ in upstream_server.requests)


def test_hostile_text_is_kept_verbatim_and_not_linked(github):
    data = github.fetch("hostile", now=NOW)
    assert data.display_name == "<img src=x onerror=alert(1)>"
    assert "<script>" in data.bio  # stored as text; every renderer must escape it
    assert data.links == []  # javascript: URLs are never accounts


def test_bot_flag(github):
    data = github.fetch("dependabot-like", now=NOW)
    assert "bot" in data.flags


def test_followback_and_onehit_shapes(github):
    fb = github.fetch("followback", now=NOW)
    assert level(fb, "followers") == 48200 and level(fb, "following") == 47950
    one = github.fetch("onehit", now=NOW)
    stars = sorted(o.value for o in by_signal(one, "stars_owned"))
    assert stars == [0, 3, 41000]
    assert one.topics == {"Rust": 41000, "Markdown": 3}
    (pr,) = by_signal(one, "merged_external_prs")
    assert pr.own is True


def test_not_found(github):
    data = github.fetch("no-such-user-xyz", now=NOW)
    assert data.status == "not_found"
    assert data.observations == []


def test_rate_limit_403_shape(github):
    with pytest.raises(UpstreamError) as err:
        github.fetch("ratelimited", now=NOW)
    assert err.value.kind == "rate_limited"
    # retry_at is the fake's x-ratelimit-reset, 30 minutes ahead
    assert err.value.retry_at == pytest.approx(time.time() + 1800, abs=5)


def test_secondary_rate_limit_message(github):
    with pytest.raises(UpstreamError) as err:
        github.fetch("secondarylimit", now=NOW)
    assert err.value.kind == "rate_limited"
    assert err.value.retry_at == pytest.approx(time.time() + 60, abs=5)


def test_other_403_is_upstream_error(github):
    with pytest.raises(UpstreamError) as err:
        github.fetch("forbidden", now=NOW)
    assert err.value.kind == "upstream_error"


def test_secondary_failure_is_partial(github):
    data = github.fetch("flaky", now=NOW)
    assert data.status == "found"
    assert data.partial == ["events"]
    assert sorted(data.unobserved) == ["active_weeks", "external_issues", "reviews"]
    assert level(data, "followers") == 12
    assert by_signal(data, "active_weeks") == [] and by_signal(data, "reviews") == []
    assert level(data, "merged_external_prs") == 0  # the search answered: a measured zero


def test_primary_failure_propagates(github, upstream_server):
    upstream_server.faults["github"] = "500"
    with pytest.raises(UpstreamError) as err:
        github.fetch("octocat", now=NOW)
    assert err.value.kind == "upstream_error"


def test_token_sent_only_when_configured(settings, upstream_server):
    plain = make_connector("github", settings, Upstream(settings))
    plain.fetch("newbie", now=NOW)
    assert all("Authorization" not in h for _, _, h in upstream_server.requests)
    upstream_server.reset()
    secret = dataclasses.replace(settings, credentials={"github_token": "ghp_secret"})
    make_connector("github", secret, Upstream(secret)).fetch("newbie", now=NOW)
    assert upstream_server.requests
    sent = [h.get("Authorization") for _, _, h in upstream_server.requests]
    assert sent and set(sent) == {"Bearer ghp_secret"}


@pytest.mark.parametrize("bad", ["", "-octo", "octo-", "oc--to", "a" * 40, "octo cat", "octo_cat",
                                 "../etc", "octo/cat", "octo%2Fcat"])
def test_invalid_handles_make_no_request(github, upstream_server, bad):
    with pytest.raises(InvalidHandle):
        github.fetch(bad, now=NOW)
    assert upstream_server.hits["github"] == 0


@pytest.mark.parametrize(("url", "provider", "account"), [
    ("https://mastodon.social/@Gargron", "mastodon", "mastodon:gargron@mastodon.social"),
    ("https://medium.com/@someone", "generic", None),
    ("https://x.com/Jack", "twitter", "x:jack"),
    ("https://twitter.com/intent/follow", "twitter", None),
    ("https://x.com/not.a.handle", "twitter", None),
    ("https://www.youtube.com/@veritasium", "youtube", "youtube:@veritasium"),
    ("https://stackoverflow.com/users/22656/jon-skeet", None, "stackoverflow:22656"),
    ("orcid.org/0000-0002-1825-0097", None, "orcid:0000-0002-1825-0097"),
    ("gitlab.com/jdoe", None, "gitlab:jdoe"),
    ("https://example.com/", None, None),
    ("javascript:alert(1)", None, None),
])
def test_account_from_url(url, provider, account):
    assert account_from_url(url, provider) == account


@pytest.mark.parametrize("url", ["https://github.com/rails/rails", "https://gitlab.com/a/b",
                                 "https://dev.to/ben/some-article-123"])
def test_a_repository_or_article_url_names_no_person(url):
    assert account_from_url(url) is None


def test_legacy_event_shape_still_recognises_own_reviews(github):
    data = github.fetch("legacy", now=NOW)
    reviews = {(o.item, o.own) for o in by_signal(data, "reviews")}
    # torvalds/linux #81 was opened by legacy itself (payload.pull_request.user).
    assert reviews == {("rails/rails", False), ("torvalds/linux", True)}


def test_answered_zeros_are_measured(github):
    data = github.fetch("zero", now=NOW)
    assert data.partial == [] and data.unobserved == []
    for signal in ("stars_owned", "merged_external_prs", "reviews", "external_issues",
                   "active_weeks"):
        assert level(data, signal) == 0, signal


def test_merged_search_is_paged_and_capped(github, upstream_server):
    data = github.fetch("prolific", now=NOW)
    assert len(by_signal(data, "merged_external_prs")) == 250
    search = [p for _, p, _ in upstream_server.requests if "/search/issues" in p]
    assert len(search) == 3  # 100 a page, Link rel=next followed; at most MERGED_PAGES


def test_failed_orgs_call_is_partial(github, upstream_server, monkeypatch):
    from tests.fakes import github as fake

    def broken(path, query, headers):
        if path.endswith("/orgs"):
            return 502, {}, b"bad gateway"
        return original(path, query, headers)

    original = fake.respond
    monkeypatch.setattr(fake, "respond", broken)
    data = github.fetch("octocat", now=NOW)
    assert "orgs" in data.partial and data.member_of == []
