"""Hacker News: the fake Firebase API and Algolia search, and the connector, against the
HN API README and the Algolia HN Search API page (vendored in ``tests/contracts/hackernews``)."""

from __future__ import annotations

import copy
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from werkzeug.wrappers import Response

from service.config import Settings
from service.networks import make_connector
from service.upstream import Upstream
from tests.contracts import jsonschemas
from tests.fakes import hackernews as fake

HERE = Path(__file__).parent / "hackernews"
DEFS = jsonschemas.load(HERE / "schemas.json")
SEARCH_EXAMPLE = {k: v for k, v in jsonschemas.load(HERE / "algolia-search-example.json").items()
                  if k != "$comment"}


def schema(name: str) -> dict:
    return {**DEFS, "$ref": f"#/$defs/{name}"}


def readme_example(anchor: str) -> dict:
    """A ``javascript`` example block of the README, following ``anchor``."""
    text = (HERE / "HackerNews-API-README.md").read_text()
    block = re.search(re.escape(anchor) + r".*?```javascript\n(.*?)\n```", text, re.S)
    assert block, anchor
    return json.loads(block.group(1))


USER_EXAMPLE = readme_example("v0/user/jl.json")


def test_published_examples_validate():
    assert jsonschemas.errors(schema("User"), USER_EXAMPLE) == []
    assert jsonschemas.errors(schema("Search"), SEARCH_EXAMPLE) == []


def test_example_transcription_matches_the_page_source():
    """Every value of the transcribed search example appears in the page's source."""
    page = (HERE / "algolia-hn-search-Api.tsx").read_text()
    hit = SEARCH_EXAMPLE["hits"][0]
    for value in (hit["title"], hit["url"], hit["author"], str(hit["points"]),
                  str(hit["num_comments"]), "processingTimeMS", "nbPages", "hitsPerPage"):
        assert value in page, value


def test_schemas_refuse_wrong_shapes():
    assert jsonschemas.errors(schema("User"), {**USER_EXAMPLE, "karma": "2937"})
    assert jsonschemas.errors(schema("User"), {"id": "jl"})
    assert jsonschemas.errors(schema("Search"), {**SEARCH_EXAMPLE, "hits": [{"author": "pg"}]})


@pytest.mark.parametrize("name", sorted(fake._users()))
def test_fake_responses_validate(upstream_server, name):
    user = requests.get(f"{upstream_server.url}/hackernews/user/{name}.json", timeout=10)
    jsonschemas.check(schema("User"), user.json())
    for tags in (f"story,author_{name}", f"comment,author_{name}"):
        found = requests.get(f"{upstream_server.url}/hnsearch/search_by_date",
                             params={"tags": tags, "hitsPerPage": 100}, timeout=10)
        if name == "nosearch":
            assert found.status_code == 400
            continue
        jsonschemas.check(schema("Search"), found.json())


def test_unknown_user_is_null_as_firebase_answers(upstream_server):
    resp = requests.get(f"{upstream_server.url}/hackernews/user/Octocat.json", timeout=10)
    assert resp.status_code == 200 and resp.json() is None


def test_connector_uses_documented_search_parameters(settings, upstream, upstream_server):
    make_connector("hackernews", settings, upstream).fetch("octocat", now=datetime.now(UTC))
    page = (HERE / "algolia-hn-search-Api.tsx").read_text()
    calls = [parse_qs(urlsplit(p).query) for n, p, _ in upstream_server.requests
             if urlsplit(p).path.endswith("/search_by_date")]
    assert len(calls) == 2
    for query in calls:
        for name in query:
            assert name in page, f"{name} is not documented"  # tags, hitsPerPage, numericFilters
        assert re.fullmatch(r"(story|comment),author_[A-Za-z0-9_-]+", query["tags"][0])


@pytest.fixture
def hn(httpserver, tmp_path):
    """Firebase answering with the README's user, Algolia with the page's example (its hit
    given the documented created_at/created_at_i of a recent story)."""
    when = datetime.now(UTC) - timedelta(days=10)
    stories = copy.deepcopy(SEARCH_EXAMPLE)
    stories["hits"][0]["author"] = USER_EXAMPLE["id"]
    stories["hits"][0]["created_at"] = when.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    stories["hits"][0]["created_at_i"] = int(when.timestamp())
    httpserver.expect_request("/v0/user/jl.json").respond_with_json(USER_EXAMPLE)
    comments = {**SEARCH_EXAMPLE, "hits": [], "nbHits": 7}

    def search(request):
        story = request.args.get("tags", "").startswith("story")
        return Response(json.dumps(stories if story else comments),
                        content_type="application/json")

    httpserver.expect_request("/api/v1/search_by_date").respond_with_handler(search)
    settings = Settings.from_env({
        "CANDOR_HACKERNEWS_API_URL": httpserver.url_for("/v0"),
        "CANDOR_HACKERNEWS_SEARCH_API_URL": httpserver.url_for("/api/v1"),
        "CANDOR_INSTANCE_PATH": str(tmp_path)})
    return make_connector("hackernews", settings, Upstream(settings))


def test_connector_parses_the_published_examples(hn):
    data = hn.fetch("jl", now=datetime.now(UTC))
    assert data.status == "found" and data.partial == [] and data.unobserved == []
    assert data.bio == "This is a test"
    assert data.created_at == "2007-03-15T01:50:46Z"
    values = {o.signal: o.value for o in data.observations}
    assert values["karma"] == 2937 and values["comments_recent"] == 7
    assert [(o.value, o.item) for o in data.observations if o.signal == "story_points"] == [
        (57.0, "1")]
