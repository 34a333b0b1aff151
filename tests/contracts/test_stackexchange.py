"""Stack Exchange: the fake API 2.3 and the connector against the API documentation (the
docs' user example and schemas written from the docs, in ``tests/contracts/stackexchange``)."""

from __future__ import annotations

import copy
import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
from werkzeug.wrappers import Response

from service.config import Settings
from service.networks import make_connector
from service.networks import stackoverflow as so
from service.upstream import Upstream
from tests.contracts import jsonschemas
from tests.fakes import stackoverflow as fake

HERE = Path(__file__).parent / "stackexchange"
DEFS = jsonschemas.load(HERE / "schemas.json")
USER_EXAMPLE = jsonschemas.load(HERE / "user-example.json")


def schema(name: str, items: str | None = None) -> dict:
    if items is None:
        return {**DEFS, "$ref": f"#/$defs/{name}"}
    return {**DEFS, "allOf": [{"$ref": "#/$defs/Wrapper"}],
            "properties": {"items": {"type": "array", "items": {"$ref": f"#/$defs/{items}"}}}}


def _get(server, path, **params):
    return requests.get(f"{server.url}/stackexchange{path}",
                        params={"site": "stackoverflow", **params}, timeout=10)


def test_docs_example_validates_and_wrong_shapes_do_not():
    assert jsonschemas.errors(schema("User"), USER_EXAMPLE) == []
    assert jsonschemas.errors(schema("User"), {**USER_EXAMPLE, "reputation": "9001"})
    assert jsonschemas.errors(schema("User"), {**USER_EXAMPLE, "user_type": "admin"})


@pytest.mark.parametrize("uid", sorted(set(fake.USERS) - {5020, 4000}))
def test_fake_responses_validate(upstream_server, uid):
    users = _get(upstream_server, f"/users/{uid}", filter=fake.FILTER_ID)
    assert users.headers["Content-Encoding"] == "gzip"  # as the real API always answers
    jsonschemas.check(schema("Wrapper", "User"), users.json())
    jsonschemas.check(schema("Wrapper", "Answer"),
                      _get(upstream_server, f"/users/{uid}/answers").json()
                      if uid != 5000 else {"items": [], "has_more": False, "quota_max": 300,
                                           "quota_remaining": 1})
    jsonschemas.check(schema("Wrapper", "TopTag"),
                      _get(upstream_server, f"/users/{uid}/top-tags").json())


def test_fake_vector_ids_and_errors_validate(upstream_server):
    ids = ";".join(str(u) for u in sorted(fake.USERS))
    jsonschemas.check(schema("Wrapper", "User"), _get(upstream_server, f"/users/{ids}").json())
    for uid, error_id in ((5020, 502), (4000, 400)):
        resp = _get(upstream_server, f"/users/{uid}")
        assert resp.status_code == 400  # every method error is HTTP 400 (docs)
        jsonschemas.check(schema("Error"), resp.json())
        assert resp.json()["error_id"] == error_id


@pytest.fixture
def api(httpserver, tmp_path):
    """A stand-in API answering /users with the documentation's example user."""
    so.reset_state()

    def gz(body):
        return Response(gzip.compress(json.dumps(body).encode()), headers={
            "Content-Encoding": "gzip", "Content-Type": "application/json; charset=utf-8"})

    wrap = {"has_more": False, "quota_max": 300, "quota_remaining": 299}
    httpserver.expect_request("/filter/create").respond_with_handler(
        lambda r: gz({"items": [{"filter": "!docs", "filter_type": "safe"}], **wrap}))
    httpserver.expect_request("/users/1").respond_with_handler(
        lambda r: gz({"items": [copy.deepcopy(USER_EXAMPLE)], **wrap}))
    httpserver.expect_request("/users/1/answers").respond_with_handler(
        lambda r: gz({"items": [], **wrap}))
    httpserver.expect_request("/users/1/top-tags").respond_with_handler(
        lambda r: gz({"items": [], **wrap}))
    settings = Settings.from_env({
        "CANDOR_STACKEXCHANGE_API_URL": httpserver.url_for("").rstrip("/"),
        "CANDOR_INSTANCE_PATH": str(tmp_path)})
    yield make_connector("stackoverflow", settings, Upstream(settings))
    so.reset_state()


def test_connector_parses_the_docs_example(api):
    data = api.fetch("1", now=datetime(2026, 11, 20, tzinfo=UTC))
    assert data.status == "found" and data.partial == [] and data.unobserved == []
    assert data.display_name == "Example User" and data.bio == "about me block"
    assert data.profile_url == USER_EXAMPLE["link"]
    values = {o.signal: o.value for o in data.observations}
    assert values["reputation"] == 9001 and values["reputation_year"] == 9001
    assert values["answer_score"] == 0 and values["accepted_answers"] == 0
