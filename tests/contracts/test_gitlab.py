"""GitLab: the fake REST v4 and the connector against GitLab's API documentation (schemas
written from the docs and the docs' own example, in ``tests/contracts/gitlab``)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests

from service.config import Settings
from service.networks import make_connector
from service.upstream import Upstream
from tests.contracts import jsonschemas
from tests.fakes import gitlab as fake

HERE = Path(__file__).parent / "gitlab"
DEFS = jsonschemas.load(HERE / "schemas.json")
EXAMPLE_USER = jsonschemas.load(HERE / "user-example.json")
TOKEN = {"PRIVATE-TOKEN": "t"}


def schema(name: str, *, array: bool = False) -> dict:
    ref = {"$ref": f"#/$defs/{name}"}
    return {**DEFS, **({"type": "array", "items": ref} if array else ref)}


def _get(server, path, headers=None, **params):
    return requests.get(f"{server.url}/gitlab{path}", params=params, headers=headers or {},
                        timeout=10)


def test_docs_example_validates():
    assert jsonschemas.errors(schema("UserPublic"), EXAMPLE_USER) == []


def test_schemas_refuse_wrong_shapes():
    assert jsonschemas.errors(schema("UserPublic"), {**EXAMPLE_USER, "followers": "1"})
    simple = {k: v for k, v in fake.PROJECTS[42][0].items() if k in fake.SIMPLE_KEYS}
    assert jsonschemas.errors(schema("Project"), simple)  # a simple project is not full


@pytest.mark.parametrize("username", sorted(fake.USERS))
def test_fake_responses_validate(upstream_server, username):
    found = _get(upstream_server, "/users", username=username)
    jsonschemas.check(schema("UserBasic", array=True), found.json())
    uid = found.json()[0]["id"]
    user = _get(upstream_server, f"/users/{uid}", headers=TOKEN)
    jsonschemas.check(schema("UserPublic"), user.json())
    full = _get(upstream_server, f"/users/{uid}/projects", headers=TOKEN, simple="false")
    jsonschemas.check(schema("Project", array=True), full.json())
    anonymous = _get(upstream_server, f"/users/{uid}/projects")
    jsonschemas.check(schema("ProjectSimple", array=True), anonymous.json())
    assert all("forked_from_project" not in p for p in anonymous.json())
    mrs = _get(upstream_server, "/merge_requests", headers=TOKEN, author_id=uid,
               state="merged", scope="all")
    jsonschemas.check(schema("MergeRequest", array=True), mrs.json())
    events = _get(upstream_server, f"/users/{uid}/events", headers=TOKEN)
    if username == "flaky":
        assert events.status_code == 500
    else:
        jsonschemas.check(schema("Event", array=True), events.json())


def test_fake_refuses_anonymous_single_user_as_gitlab_does(upstream_server):
    resp = _get(upstream_server, "/users/42")
    assert resp.status_code == 403
    jsonschemas.check(schema("Error"), resp.json())
    assert resp.json()["message"] == "403 Forbidden - Not authorized!"


@pytest.fixture
def gitlab(httpserver, tmp_path):
    """A stand-in GitLab answering GET /users/:id with the documentation's example."""
    basic = {k: EXAMPLE_USER[k] for k in ("id", "username", "name", "state", "locked",
                                          "avatar_url", "web_url")}
    httpserver.expect_request("/users", query_string={"username": "john_smith"}
                              ).respond_with_json([basic])
    httpserver.expect_request("/users/1").respond_with_json(EXAMPLE_USER)
    for path in ("/users/1/projects", "/merge_requests", "/users/1/events"):
        httpserver.expect_request(path).respond_with_json([])
    settings = Settings.from_env({"CANDOR_GITLAB_API_URL": httpserver.url_for("").rstrip("/"),
                                  "CANDOR_GITLAB_TOKEN": "t",
                                  "CANDOR_INSTANCE_PATH": str(tmp_path)})
    return make_connector("gitlab", settings, Upstream(settings))


def test_connector_parses_the_docs_example(gitlab):
    data = gitlab.fetch("john_smith", now=datetime(2026, 11, 20, tzinfo=UTC))
    assert data.status == "found" and data.partial == [] and data.unobserved == []
    assert data.display_name == "John Smith" and data.created_at == "2012-05-23T08:00:58Z"
    values = {o.signal: o.value for o in data.observations}
    assert values["followers"] == 1 and values["following"] == 1
    # answered, empty lists: measured zeros
    assert values["stars_owned"] == 0 and values["merged_external_mrs"] == 0
    assert values["active_weeks"] == 0
