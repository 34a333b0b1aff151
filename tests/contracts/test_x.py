"""X: the fake API v2 and the connector's requests against X's OpenAPI description
(xdevplatform/xdk ``specs/openapi.json``, excerpt vendored in ``tests/contracts/x``)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from service.networks import make_connector
from tests.contracts import jsonschemas
from tests.fakes import x as fake

SPEC = jsonschemas.load(Path(__file__).parent / "x" / "openapi-excerpt.json")
USER_PATH, POSTS_PATH = "/2/users/by/username/{username}", "/2/users/{id}/tweets"


def response_schema(path: str, status: str = "200",
                    media: str = "application/json") -> dict:
    content = SPEC["paths"][path]["get"]["responses"][status]["content"][media]
    return jsonschemas.openapi_schema(SPEC, content["schema"])


def parameters(path: str) -> dict[str, dict]:
    out = {}
    for param in SPEC["paths"][path]["get"]["parameters"]:
        if "$ref" in param:
            param = SPEC["components"]["parameters"][param["$ref"].rsplit("/", 1)[-1]]
        out[param["name"]] = param
    return out


USER_OK = response_schema(USER_PATH)
POSTS_OK = response_schema(POSTS_PATH)
PROBLEM = response_schema(USER_PATH, "default", "application/problem+json")


def test_schemas_refuse_wrong_shapes():
    good = {"data": {"id": "1", "name": "A", "username": "a",
                     "public_metrics": {"followers_count": 1, "following_count": 2,
                                        "post_count": 3, "listed_count": 4}}}
    assert jsonschemas.errors(USER_OK, good) == []
    broken = {"data": {**good["data"], "public_metrics": {"followers_count": "1"}}}
    assert jsonschemas.errors(USER_OK, broken)
    assert jsonschemas.errors(POSTS_OK, {"data": {"id": "1"}})  # data is an array


def _get(server, path, **params):
    return requests.get(f"{server.url}/x{path}", params=params, timeout=10,
                        headers={"Authorization": f"Bearer {fake.TOKEN}"})


@pytest.mark.parametrize("name", sorted(fake.USERS) + ["suspended", "nobody"])
def test_fake_responses_validate(upstream_server, name):
    resp = _get(upstream_server, f"/users/by/username/{name}",
                **{"user.fields": "created_at,public_metrics"})
    jsonschemas.check(USER_OK, resp.json())
    user = resp.json().get("data")
    if not user:
        assert resp.json()["errors"]  # not found / suspended: 200 with errors[] (Problems)
        return
    posts = _get(upstream_server, f"/users/{user['id']}/tweets", max_results=40)
    if posts.status_code == 200:
        jsonschemas.check(POSTS_OK, posts.json())
    else:
        jsonschemas.check(PROBLEM, posts.json())


# HTTP-level errors (401, 429, a 404 route) are RFC 7807 problems that the published
# spec's typed Problem union does not list; they are checked against RFC 7807's members.
RFC7807 = {"type": "object", "required": ["title", "status"],
           "properties": {"type": {"type": "string"}, "title": {"type": "string"},
                          "status": {"type": "integer"}, "detail": {"type": "string"}}}


def test_fake_problem_answers_validate(upstream_server):
    gone = _get(upstream_server, "/users/by/username/gone")
    assert gone.status_code == 404
    jsonschemas.check(PROBLEM, gone.json())  # a typed resource-not-found problem
    for resp in (_get(upstream_server, "/users/by/username/ratelimited"),
                 requests.get(f"{upstream_server.url}/x/users/by/username/octocat",
                              timeout=10)):  # no token
        assert resp.status_code in (401, 429)
        jsonschemas.check(RFC7807, resp.json())


def test_connector_requests_use_only_published_parameters_and_values(settings, upstream,
                                                                     upstream_server):
    make_connector("x", settings, upstream).fetch("octocat", now=datetime.now(UTC))
    calls = [urlsplit(p) for n, p, _ in upstream_server.requests if n == "x"]
    assert len(calls) == 2
    for call, path in zip(calls, (USER_PATH, POSTS_PATH), strict=True):
        spec = parameters(path)
        for name, (value,) in parse_qs(call.query).items():
            assert name in spec, f"{path} has no parameter {name}"
            schema = spec[name]["schema"]
            if schema.get("type") == "array":
                allowed = set(schema["items"].get("enum") or [])
                assert not allowed or set(value.split(",")) <= allowed, (name, value)
            elif schema.get("type") == "integer":
                assert schema.get("minimum", 0) <= int(value) <= schema.get("maximum", 10**9)
            elif schema.get("format") == "date-time":
                jsonschemas.check({"type": "string", "format": "date-time"}, value)


def test_fake_refuses_unpublished_parameters_as_x_does(upstream_server):
    resp = _get(upstream_server, "/users/1001/tweets", **{"tweet.fields": "public_metrics"})
    assert resp.status_code == 400
    jsonschemas.check(PROBLEM, resp.json())  # a typed invalid-request problem
    assert "post.fields" in parameters(POSTS_PATH) and "tweet.fields" not in parameters(
        POSTS_PATH)
