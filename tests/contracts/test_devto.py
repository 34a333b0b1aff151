"""dev.to: the fake Forem API and the connector against Forem's OpenAPI description and the
user view it renders (vendored in ``tests/contracts/devto``; see its README)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from service.config import Settings
from service.networks import make_connector
from service.upstream import Upstream
from tests.contracts import jsonschemas
from tests.fakes import devto as fake

HERE = Path(__file__).parent / "devto"
OPENAPI = jsonschemas.load(HERE / "forem-openapi-excerpt.json")
USER = jsonschemas.load(HERE / "user.schema.json")
ARTICLES_200 = OPENAPI["paths"]["/api/articles"]["get"]["responses"]["200"]["content"][
    "application/json"]


ARTICLES = jsonschemas.openapi_schema(OPENAPI, ARTICLES_200["schema"])


def test_providers_own_example_validates():
    assert jsonschemas.errors(ARTICLES, ARTICLES_200["example"]) == []


def test_schema_refuses_wrong_shapes():
    good = ARTICLES_200["example"][0]
    for broken in ({**good, "public_reactions_count": "0"}, {**good, "tag_list": "discuss"},
                   {k: v for k, v in good.items() if k != "published_at"}):
        assert jsonschemas.errors(ARTICLES, [broken])


def _get(server, path, **params):
    return requests.get(f"{server.url}/devto{path}", params=params, timeout=10,
                        headers={"Accept": "application/vnd.forem.api-v1+json"})


@pytest.mark.parametrize("name", sorted(fake.USERS) + ["newbie"])
def test_fake_responses_validate(upstream_server, name):
    user = _get(upstream_server, "/users/by_username", url=name)
    jsonschemas.check(USER, user.json())
    articles = _get(upstream_server, "/articles", username=name, per_page=100)
    if name == "brokenfeed":
        assert articles.status_code == 401 and articles.json() == {"error": "unauthorized",
                                                                   "status": 401}
        return
    jsonschemas.check(ARTICLES, articles.json())


def test_fake_not_found_is_the_documented_error(upstream_server):
    resp = _get(upstream_server, "/users/by_username", url="nobody")
    assert resp.status_code == 404 and resp.json() == {"error": "not found", "status": 404}


def test_connector_requests_use_published_parameters(settings, upstream, upstream_server):
    conn = make_connector("devto", settings, upstream)
    conn.fetch("octocat", now=datetime.now(UTC))
    article_calls = [urlsplit(p) for n, p, _ in upstream_server.requests
                     if n == "devto" and "/articles" in p]
    assert article_calls
    for call in article_calls:
        query = parse_qs(call.query)
        # perPageParam30to1000: 1..1000; "username" is a documented filter of /api/articles
        assert set(query) <= {"username", "per_page", "page", "state"}
        assert 1 <= int(query["per_page"][0]) <= 1000


@pytest.fixture
def forem(httpserver, tmp_path):
    """A stand-in dev.to answering with Forem's published article example (its date moved
    into the last month) and a user rendered as the jbuilder view renders one."""
    article = copy.deepcopy(ARTICLES_200["example"][0])
    recent = (datetime.now(UTC) - timedelta(days=20)).strftime("%Y-%m-%dT%H:%M:%SZ")
    article["published_at"] = article["published_timestamp"] = recent
    article["public_reactions_count"], article["comments_count"] = 7, 2
    user = {"type_of": "user", "id": 3620, "username": "username382",
            "name": article["user"]["name"], "twitter_username": "twitter382",
            "github_username": "github382", "email": None, "summary": "Hi",
            "location": None, "website_url": None, "joined_at": "Jan  4, 2017",
            "profile_image": article["user"]["profile_image"], "badge_ids": [1, 2]}
    jsonschemas.check(USER, user)
    httpserver.expect_request("/users/by_username").respond_with_json(user)
    httpserver.expect_request("/articles").respond_with_json(
        [article, ARTICLES_200["example"][0]])
    settings = Settings.from_env({"CANDOR_DEVTO_API_URL": httpserver.url_for("").rstrip("/"),
                                  "CANDOR_INSTANCE_PATH": str(tmp_path)})
    return make_connector("devto", settings, Upstream(settings)), article


def test_connector_parses_the_published_example(forem):
    conn, article = forem
    data = conn.fetch("username382", now=datetime.now(UTC))
    assert data.status == "found" and data.partial == [] and data.unobserved == []
    assert data.display_name == 'Ira "Tanna" \\:/ West'
    assert data.created_at == "2017-01-04T00:00:00Z"
    reactions = sorted(o.value for o in data.observations if o.signal == "article_reactions")
    assert reactions == [0, 7]  # the original example (2023) and the recent copy
    values = {o.signal: o.value for o in data.observations if o.item is None}
    assert values["articles_recent"] == 1
    assert data.topics == {"discuss": 7}
