"""GitHub REST: the fake against GitHub's own OpenAPI description, and the connector on the
description's published examples (vendored in ``rest-api-description.json``, see README)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from service.config import Settings
from service.networks import make_connector
from service.upstream import Upstream
from tests.contracts.jsonschemas import errors
from tests.fakes import github as fake

DESCRIPTION = json.loads((Path(__file__).parent / "rest-api-description.json").read_text())
COMPONENTS = DESCRIPTION["components"]
HEADERS = {"Host": "127.0.0.1"}
LOGINS = sorted(fake.USERS) + ["bench-7"]


def to_json_schema(node: Any) -> Any:
    """OpenAPI 3.0 ``nullable: true`` -> JSON Schema ``anyOf [..., null]``; drop examples."""
    if isinstance(node, list):
        return [to_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: to_json_schema(v) for k, v in node.items()
           if k not in ("nullable", "example") and not k.startswith("x-")}
    return {"anyOf": [out, {"type": "null"}]} if node.get("nullable") else out


SCHEMAS = {"components": {"schemas": to_json_schema(COMPONENTS["schemas"])}}


def problems(name: str, value: Any) -> list[str]:
    return errors({"$ref": f"#/components/schemas/{name}", **SCHEMAS}, value)


def served(path: str, **query: str) -> Any:
    status, _, body = fake.respond(path, {k: [v] for k, v in query.items()}, HEADERS)
    assert status == 200, (path, status)
    return body


def test_the_schemas_can_fail():
    # A control: the vendored schema rejects what GitHub would never send.
    user = dict(served("/users/octocat"))
    assert problems("public-user", user) == []
    del user["followers"]
    user["suspended"] = True
    found = problems("public-user", user)
    assert any("followers" in p for p in found) and any("suspended" in p for p in found)


@pytest.mark.parametrize("login", LOGINS)
def test_fake_profiles_are_public_users(login):
    assert problems("public-user", served(f"/users/{login}")) == []


@pytest.mark.parametrize("login", sorted(fake.REPOS))
def test_fake_repositories_are_minimal_repositories(login):
    for page in range(1, len(fake.REPOS[login]) + 1):
        for repo in served(f"/users/{login}/repos", page=str(page)):
            assert problems("minimal-repository", repo) == [], repo["full_name"]


@pytest.mark.parametrize("login", sorted(fake.ORGS))
def test_fake_orgs_are_organization_simple(login):
    orgs = served(f"/users/{login}/orgs")
    assert orgs and all(problems("organization-simple", o) == [] for o in orgs)


@pytest.mark.parametrize("login", sorted(fake.SOCIAL))
def test_fake_social_accounts_are_social_accounts(login):
    accounts = served(f"/users/{login}/social_accounts")
    assert accounts and all(problems("social-account", a) == [] for a in accounts)


@pytest.mark.parametrize("login", sorted(fake.EVENTS))
def test_fake_events_match_the_description(login):
    for event in served(f"/users/{login}/events/public"):
        assert problems("event", event) == [], event["id"]
        assert not any(k.startswith("_") for k in event)  # no fake bookkeeping leaks out
        if event["type"] == "PullRequestReviewEvent":
            pr = event["payload"]["pull_request"]
            assert problems("pull-request-minimal", pr) == []
            if login != "legacy":  # the post-2025-10-07 trim: exactly these keys
                assert set(pr) == {"url", "id", "number", "head", "base"}


@pytest.mark.parametrize("login", sorted(fake.MERGED))
def test_fake_search_items_match_the_description(login):
    q = f"type:pr author:{login} is:merged"
    body = served("/search/issues", q=q, per_page="100")
    assert set(body) == {"total_count", "incomplete_results", "items"}
    assert body["total_count"] == len(fake.MERGED[login]) and len(body["items"]) <= 100
    for item in body["items"]:
        assert problems("issue-search-result-item", item) == [], item["number"]


@pytest.mark.parametrize("path", ["/users/no-such-user-xyz", "/users/ratelimited",
                                  "/users/secondarylimit", "/users/forbidden"])
def test_fake_errors_are_basic_errors(path):
    _, _, body = fake.respond(path, {}, HEADERS)
    assert problems("basic-error", body) == []


def test_published_examples_match_their_schemas():
    examples = COMPONENTS["examples"]
    assert problems("public-user", examples["public-user-default-response"]["value"]) == []
    for event in examples["user-public-events-items"]["value"]:
        assert problems("event", event) == []


@pytest.fixture
def example_server(tmp_path):
    """GitHub's published examples served over real HTTP at the paths the connector asks."""
    examples = COMPONENTS["examples"]
    with HTTPServer(host="127.0.0.1", port=0) as server:
        server.expect_request("/users/octocat").respond_with_json(
            examples["public-user-default-response"]["value"])
        server.expect_request("/users/octocat/events/public").respond_with_json(
            examples["user-public-events-items"]["value"])
        for path in ("/users/octocat/orgs", "/users/octocat/repos",
                     "/users/octocat/social_accounts"):
            server.expect_request(path).respond_with_json([])
        server.expect_request("/search/issues").respond_with_json(
            {"total_count": 0, "incomplete_results": False, "items": []})
        settings = Settings.from_env({"CANDOR_GITHUB_API_URL": server.url_for("").rstrip("/"),
                                      "CANDOR_INSTANCE_PATH": str(tmp_path)})
        yield make_connector("github", settings, Upstream(settings))


def test_connector_parses_the_published_examples(example_server):
    data = example_server.fetch("octocat", now=datetime(2022, 6, 20, tzinfo=UTC))
    assert data.status == "found" and data.partial == [] and data.unobserved == []
    assert data.display_name == "monalisa octocat" and data.bio == "There once was..."
    values = {o.signal: o.value for o in data.observations}
    assert values["followers"] == 20 and values["following"] == 0
    assert values["account_age_days"] == (datetime(2022, 6, 20, tzinfo=UTC)
                                          - datetime(2008, 1, 14, 4, 33, 35, tzinfo=UTC)).days
    # The two example events (a star, a push) fall in one ISO week; neither is a review.
    assert values["active_weeks"] == 1 and values["reviews"] == 0
    assert values["merged_external_prs"] == 0 and values["stars_owned"] == 0
    assert {link.account for link in data.links} == {"x:monatheoctocat"}
