"""Mastodon: the fake instance and the connector against the entity documentation
(mastodon/documentation, vendored in ``tests/contracts/mastodon``; see its README). Mastodon
publishes prose, not a schema: ``mastodon_docs.py`` converts the pages' attribute lists."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from service.config import Settings
from service.networks import make_connector
from service.upstream import Upstream
from tests.contracts import jsonschemas, mastodon_docs
from tests.fakes import mastodon as fake

ACCOUNT = mastodon_docs.schema("Account")
ACCOUNTS = mastodon_docs.schema("Account", array=True)
STATUSES = mastodon_docs.schema("Status", array=True)


def test_converter_reads_the_attribute_lists():
    defs = mastodon_docs.definitions()
    account, status = defs["Account"], defs["Status"]
    assert {"id", "acct", "followers_count", "fields", "created_at"} <= set(account["required"])
    assert {"moved", "suspended", "limited", "memorial"}.isdisjoint(account["required"])
    assert account["properties"]["moved"]["anyOf"][0] == {"$ref": "#/$defs/Account"}
    assert defs["Account.Field"]["properties"]["verified_at"]["anyOf"][0]["format"] == \
        "date-time"
    assert status["properties"]["account"] == {"$ref": "#/$defs/Account"}
    assert status["properties"]["tags"]["items"] == {"$ref": "#/$defs/Status.Tag"}
    assert mastodon_docs.method_limit("statuses") == 40
    assert mastodon_docs.method_limit("favourited_by") == 80


def test_pages_own_examples_have_the_documented_types():
    assert jsonschemas.errors(mastodon_docs.schema("Account", required=False),
                              mastodon_docs.example("Account")) == []
    # The Status page's example embeds an account captured before 3.1.0, when
    # last_status_at was still a date-time (Account.md: "3.1.0 - now returns date only").
    assert jsonschemas.errors(mastodon_docs.schema("Status", required=False),
                              mastodon_docs.example("Status")) == [
        "account/last_status_at: '2019-12-10T08:14:44.811Z' is not valid under any of the "
        "given schemas"]


def test_schema_refuses_wrong_shapes():
    good = mastodon_docs.example("Account")
    for broken in ({**good, "followers_count": "547"}, {**good, "created_at": "yesterday"},
                   {**good, "fields": [{"name": "x", "value": "y", "verified_at": 5}]}):
        assert jsonschemas.errors(mastodon_docs.schema("Account", required=False), broken)


def _get(server, path, **params):
    return requests.get(f"{server.url}{path}", params=params, timeout=10)


@pytest.mark.parametrize("name", sorted(fake.ACCOUNTS))
def test_fake_responses_validate_against_the_docs(upstream_server, name):
    lookup = _get(upstream_server, "/api/v1/accounts/lookup", acct=name)
    jsonschemas.check(ACCOUNT, lookup.json())
    statuses = _get(upstream_server, f"/api/v1/accounts/{lookup.json()['id']}/statuses",
                    limit=40, exclude_reblogs="true", exclude_replies="true")
    jsonschemas.check(STATUSES, statuses.json())
    for status in statuses.json():
        favourited = _get(upstream_server, f"/api/v1/statuses/{status['id']}/favourited_by",
                          limit=80)
        jsonschemas.check(ACCOUNTS, favourited.json())


@pytest.mark.parametrize("name", ["secure", "gone", "nobody"])
def test_fake_errors_are_error_entities(upstream_server, name):
    resp = _get(upstream_server, "/api/v1/accounts/lookup", acct=name)
    assert resp.status_code in (401, 404, 410)
    assert isinstance(resp.json()["error"], str)  # Error entity: error (+ error_description)


def test_connector_requests_stay_within_documented_limits(settings, upstream, upstream_server):
    conn = make_connector("mastodon", settings, upstream)
    conn.fetch(conn.validate(f"octocat@{upstream_server.mastodon_host}"), now=datetime.now(UTC))
    limits = {"statuses": mastodon_docs.method_limit("statuses"),
              "favourited_by": mastodon_docs.method_limit("favourited_by")}
    seen = set()
    for network, path, _ in upstream_server.requests:
        parts = urlsplit(path)
        method = parts.path.rsplit("/", 1)[-1]
        if network != "mastodon" or method not in limits:
            continue
        seen.add(method)
        assert int(parse_qs(parts.query)["limit"][0]) <= limits[method]
    assert seen == set(limits)


@pytest.fixture
def instance(httpserver, tmp_path):
    """A stand-in instance answering with the documentation's own examples, dates moved to
    the last days so they fall inside the connector's windows."""
    now = datetime.now(UTC)
    account = mastodon_docs.example("Account")
    status = copy.deepcopy(mastodon_docs.example("Status"))
    status["created_at"] = (now - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    httpserver.expect_request("/api/v1/accounts/lookup").respond_with_json(account)
    httpserver.expect_request(f"/api/v1/accounts/{account['id']}/statuses").respond_with_json(
        [status])
    httpserver.expect_request(f"/api/v1/statuses/{status['id']}/favourited_by"
                              ).respond_with_json([account])
    host = f"{httpserver.host}:{httpserver.port}"
    settings = Settings.from_env({"CANDOR_MASTODON_SCHEME": "http", "CANDOR_ALLOW_HOSTS": host,
                                  "CANDOR_INSTANCE_PATH": str(tmp_path)})
    conn = make_connector("mastodon", settings, Upstream(settings))
    return conn, conn.validate(f"noiob@{host}"), account, status


def test_connector_parses_the_documentation_examples(instance):
    conn, handle, account, status = instance
    data = conn.fetch(handle, now=datetime.now(UTC))
    assert data.status == "found" and data.partial == [] and data.unobserved == []
    assert data.display_name == account["display_name"]
    assert data.created_at == "2017-02-08T02:00:53Z"
    values = {o.signal: o.value for o in data.observations if o.item is None}
    assert values["followers"] == account["followers_count"] == 547
    assert values["following"] == account["following_count"] == 404
    assert values["posts_recent"] == 1
    engagement = status["reblogs_count"] + status["favourites_count"] + status["replies_count"]
    assert values["engagement_per_post"] == engagement
    if status["favourites_count"]:
        assert data.reactors == {"noiob@awoo.space": 1} and data.reactions_sampled == 1
    assert "Pronouns: they/them" in data.bio  # fields are part of the public profile text
