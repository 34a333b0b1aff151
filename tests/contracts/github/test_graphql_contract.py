"""GitHub GraphQL: the query the connector sends against GitHub's published schema (the
vendored subset in ``schema.graphql``, see README), and the fake's answers against it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from graphql import GraphQLSchema, parse, validate

from service.networks.github.graphql import BATCH_SIZE, build_query, parse_user
from tests.fakes import github_graphql

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def schema() -> GraphQLSchema:
    return github_graphql.schema()  # the vendored SDL, built by graphql-core


def test_the_connectors_query_validates_against_the_published_schema():
    body = build_query([f"user-{i}" for i in range(BATCH_SIZE)], NOW)
    assert validate(schema(), parse(body["query"])) == []
    # Every variable the query declares is sent, with the type GitHub expects.
    assert set(body["variables"]) == {"from", "to", *(f"l{i}" for i in range(BATCH_SIZE))}
    assert body["variables"]["from"] == "2025-11-20T12:00:00Z"  # one year: GitHub's maximum
    assert body["variables"]["to"] == "2026-11-20T12:00:00Z"


def test_validation_can_fail():
    # A control: a field GitHub does not have, or a wrong argument type, is caught.
    query = build_query(["octocat"], NOW)["query"]
    assert validate(schema(), parse(query.replace("stargazerCount", "starCount")))
    assert validate(schema(), parse(query.replace("first: 100)", "first: \"100\")", 1)))


def test_the_fakes_answers_come_from_executing_the_schema():
    body = build_query(["octocat", "no-such-user-xyz"], NOW)
    status, headers, answer = github_graphql.respond(json.dumps(body).encode(),
                                                     {"Authorization": "Bearer t"})
    assert status == 200 and headers["x-ratelimit-resource"] == "graphql"
    assert answer["data"]["u1"] is None
    assert answer["errors"][0]["type"] == "NOT_FOUND"
    assert answer["data"]["rateLimit"]["cost"] == 1  # 2 users x 8 connection requests
    user = answer["data"]["u0"]
    data = parse_user("octocat", user, NOW)
    assert data.display_name == "The Octocat" and data.member_of == ["octo-org"]


def test_subset_keeps_complete_type_definitions():
    # The subset is cut by type, not by what the query uses: fields we never ask for are
    # still there, so a typo cannot be "validated" by a schema trimmed to the query.
    user = schema().get_type("User")
    assert {"login", "bio", "company", "location", "isHireable"} <= set(user.fields)
    collection = schema().get_type("ContributionsCollection")
    assert "pullRequestContributionsByRepository" in collection.fields
