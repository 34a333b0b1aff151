"""GitHub with a token: GraphQL, aliased batches, and the REST shapes it replaced."""

from __future__ import annotations

import dataclasses
import json
import time
from datetime import UTC, datetime

import pytest

from service.networks import make_connector
from service.upstream import Upstream, UpstreamError
from tests.fakes import github_graphql

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def by_signal(data, name):
    return [o for o in data.observations if o.signal == name]


def level(data, name):
    (obs,) = by_signal(data, name)
    return obs.value


def graphql_posts(server):
    return [p for n, p, _ in server.requests if n == "github" and p.startswith("/github/graphql")]


def rest_calls(server):
    return [p for n, p, _ in server.requests
            if n == "github" and not p.startswith("/github/graphql")]


@pytest.fixture
def token_github(settings):
    github_graphql.reset()
    secret = dataclasses.replace(settings, credentials={**settings.credentials,
                                                       "github_token": "ghp_test"})
    return make_connector("github", secret, Upstream(secret))


def test_one_query_gives_a_full_year(token_github, upstream_server):
    data = token_github.fetch("octocat", now=NOW)
    assert len(graphql_posts(upstream_server)) == 1 and rest_calls(upstream_server) == []
    assert data.status == "found" and data.partial == [] and data.unobserved == []
    assert data.display_name == "The Octocat" and data.created_at == "2011-01-25T18:44:36Z"
    assert level(data, "followers") == 9000 and level(data, "following") == 9
    stars = {o.item: o.value for o in by_signal(data, "stars_owned")}
    assert stars == {"octocat/Hello-World": 2500, "octocat/Spoon-Knife": 1200,
                     "octocat/octo-tools": 300}  # the fork is excluded
    assert data.topics == {"Python": 2800, "HTML": 1200}
    assert data.member_of == ["octo-org"]
    merged = {(o.item, o.own) for o in by_signal(data, "merged_external_prs")}
    assert merged == {("rails/rails", False), ("python/cpython", False),
                      ("octocat/Hello-World", True), ("octo-org/tools", True)}
    reviews = {(o.item, o.own) for o in by_signal(data, "reviews")}
    assert reviews == {("rails/rails", False), ("octocat/Hello-World", True),
                       ("python/cpython", True), ("django/django", True),
                       ("octo-org/tools", True)}
    # A year, not 30 days: the April issue in nodejs/node is seen; no window is capped.
    issues = {(o.item, o.at, o.own) for o in by_signal(data, "external_issues")}
    assert ("nodejs/node", "2026-04-02", False) in issues
    assert data.windows == {}
    # Calendar weeks with contributions: the three November weeks, April and June.
    assert level(data, "active_weeks") == 5
    # Links exactly as the REST path emits them (the identity checks read these).
    assert {(lk.account, lk.linked_by) for lk in data.links} == {
        ("x:octocat", "github twitter_username"),
        ("bluesky:octocat.bsky.social", "github social_accounts"),
        ("hackernews:octocat", "github social_accounts"),
        ("devto:octocat", "github social_accounts"),
        ("linkedin:https://www.linkedin.com/in/octocat", "github social_accounts"),
    }


def test_logins_travel_as_variables_and_the_cost_is_one_point(token_github, upstream_server):
    logins = [f"bench-{i}" for i in range(12)]
    results = token_github.fetch_many(logins, now=NOW)
    assert all(r.status == "found" for r in results.values())
    (body,) = github_graphql.queries
    assert "bench-" not in body["query"]  # never spliced into the query text
    assert sorted(v for k, v in body["variables"].items() if k.startswith("l")) == sorted(logins)
    # 8 connection requests per user x 12 users = 96 -> GitHub rounds to 1 point.
    assert github_graphql._connection_requests(body["query"]) == 96
    assert len(graphql_posts(upstream_server)) == 1


def test_batches_split_at_batch_size(token_github, upstream_server):
    assert token_github.batch_size == 12
    logins = [f"bench-{i}" for i in range(30)]
    results = token_github.fetch_many(logins, now=NOW)
    assert len(results) == 30 and len(graphql_posts(upstream_server)) == 3
    assert level(results["bench-7"], "followers") == 7
    # Measured zeros: nothing there is still an answer.
    for signal in ("stars_owned", "merged_external_prs", "reviews", "external_issues",
                   "active_weeks"):
        assert level(results["bench-7"], signal) == 0


def test_not_a_user_is_asked_over_rest(token_github, upstream_server):
    results = token_github.fetch_many(["octocat", "no-such-user-xyz", "dependabot-like"],
                                      now=NOW)
    assert results["octocat"].status == "found"
    assert results["no-such-user-xyz"].status == "not_found"
    assert "bot" in results["dependabot-like"].flags
    assert len(graphql_posts(upstream_server)) == 1
    assert any(p.startswith("/github/users/no-such-user-xyz") for p in rest_calls(upstream_server))


def test_graphql_not_found_error_shape(token_github, upstream_server):
    body = {"query": "query($l: String!) { u0: user(login: $l) { login } }",
            "variables": {"l": "nobody-here"}}
    status, _, answer = github_graphql.respond(json.dumps(body).encode(),
                                               {"Authorization": "Bearer x"})
    assert status == 200 and answer["data"] == {"u0": None}
    (error,) = answer["errors"]
    assert error["type"] == "NOT_FOUND" and error["path"] == ["u0"]


def test_rate_limited_graphql_names_the_reset(settings, upstream_server):
    secret = dataclasses.replace(settings, credentials={
        **settings.credentials, "github_token": github_graphql.RATE_LIMITED_TOKEN})
    github = make_connector("github", secret, Upstream(secret))
    results = github.fetch_many(["octocat", "bench-1"], now=NOW)
    for result in results.values():
        assert isinstance(result, UpstreamError) and result.kind == "rate_limited"
        assert result.retry_at == pytest.approx(time.time() + 3600, abs=30)
    with pytest.raises(UpstreamError):
        github.fetch("octocat", now=NOW)


def test_graphql_server_failure_fails_the_batch(token_github, upstream_server):
    upstream_server.faults["github"] = "502"
    results = token_github.fetch_many(["octocat", "bench-1"], now=NOW)
    assert all(isinstance(r, UpstreamError) for r in results.values())


def test_without_a_token_batches_nothing(settings, upstream):
    github = make_connector("github", settings, upstream)
    assert github.batch_size == 1
    results = github.fetch_many(["bench-1", "bench-2"], now=NOW)
    assert {k: v.status for k, v in results.items()} == {"bench-1": "found", "bench-2": "found"}


def test_a_user_graphql_fails_is_answered_over_rest(token_github, upstream_server):
    results = token_github.fetch_many(["flaky", "bench-3"], now=NOW)
    flaky = results["flaky"]
    assert flaky.status == "found" and level(flaky, "followers") == 12
    assert flaky.partial == ["events"]  # REST's own failure, named as such
    assert flaky.windows["active_weeks"] == 30  # and REST's windows, not GraphQL's year
    assert results["bench-3"].windows == {}
    assert len(graphql_posts(upstream_server)) == 1


def test_an_invalid_handle_does_not_sink_the_batch(token_github, upstream_server):
    from service.networks import InvalidHandle

    results = token_github.fetch_many(["octocat", "-bad-", "Octocat"], now=NOW)
    assert isinstance(results["-bad-"], InvalidHandle)
    assert results["octocat"] is results["Octocat"]  # one login, asked once
    assert len(graphql_posts(upstream_server)) == 1


@pytest.mark.parametrize(("token", "fault", "kind"), [
    (github_graphql.BAD_TOKEN, None, "upstream_error"),  # 401 Bad credentials
    ("ghp_test", "malformed", "bad_response"),  # 200 with a body that is not JSON
    ("ghp_test", "503", "upstream_error"),
])
def test_a_failed_graphql_request_fails_every_handle_in_it(settings, upstream_server, token,
                                                           fault, kind):
    secret = dataclasses.replace(settings, credentials={**settings.credentials,
                                                       "github_token": token})
    github = make_connector("github", secret, Upstream(secret))
    if fault:
        upstream_server.faults["github"] = fault
    results = github.fetch_many(["octocat", "bench-1"], now=NOW)
    assert {k: getattr(v, "kind", None) for k, v in results.items()} == {
        "octocat": kind, "bench-1": kind}
    assert rest_calls(upstream_server) == []  # no REST fallback behind a failed request
