"""Bluesky: the fake AppView and the connector against the atproto lexicons and the AppView's
own published outputs (vendored in ``tests/contracts/bluesky``, see its README)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from service.config import Settings
from service.networks import make_connector
from service.upstream import Upstream
from tests.contracts import snapshots
from tests.contracts.lexicon import FORMATS, LexiconError, Lexicons
from tests.fakes import bluesky as fake

HERE = Path(__file__).parent / "bluesky"
LEX = Lexicons()
# The provider's examples embed images and quoted records; their lexicons are not vendored.
LEX_EXAMPLES = Lexicons(skip=("app.bsky.embed.", "app.bsky.graph.", "app.bsky.notification."))
EXAMPLES = {**snapshots.read(HERE / "examples" / "profile.test.ts.snap"),
            **snapshots.read(HERE / "examples" / "likes.test.ts.snap"),
            **snapshots.read(HERE / "examples" / "author-feed.test.ts.snap")}
PROFILE_EXAMPLE = "pds profile views > fetches other's profile, with a follow 1"
FEED_EXAMPLE = ("pds author feed views > fetches full author feeds for self (sorted, minimal "
                "viewer state). 1")
LIKES_EXAMPLE = "pds like views > fetches post likes 1"


def _lines(name: str) -> list[str]:
    text = (HERE / "syntax" / name).read_text()
    return [x for x in text.splitlines() if x.strip() and not x.startswith("#")]


@pytest.mark.parametrize("fmt", ["did", "handle", "datetime"])
def test_format_checks_agree_with_atproto_interop_files(fmt):
    """The validator's string formats accept every valid and refuse every invalid example
    of atproto's own interop files, so a fake that passes really has the right syntax."""
    schema = {"type": "string", "format": fmt}
    for good in _lines(f"{fmt}_syntax_valid.txt"):
        LEX._string(schema, good, good)
    for bad in _lines(f"{fmt}_syntax_invalid.txt"):
        with pytest.raises((LexiconError, ValueError)):
            LEX._string(schema, bad, bad)


def test_at_uri_check_accepts_the_interop_examples():
    for good in _lines("aturi_syntax_valid.txt"):
        assert FORMATS["at-uri"].match(good), good


# Snapshots of whole outputs (some profile tests snapshot only a sub-object such as status).
WHOLE = sorted(n for n, v in EXAMPLES.items()
               if isinstance(v, list) or "did" in v or "likes" in v)


def test_whole_outputs_include_each_method():
    assert PROFILE_EXAMPLE in WHOLE and FEED_EXAMPLE in WHOLE and LIKES_EXAMPLE in WHOLE


@pytest.mark.parametrize("name", WHOLE)
def test_providers_own_outputs_pass_the_validator(name):
    """The AppView's snapshots validate: the validator is not stricter than the real API."""
    value = snapshots.concrete(EXAMPLES[name])
    if "profile" in name and isinstance(value, list):
        LEX_EXAMPLES.validate_output("app.bsky.actor.getProfiles", {"profiles": value})
    elif "profile" in name:
        LEX_EXAMPLES.validate_output("app.bsky.actor.getProfile", value)
    elif "like" in name:
        LEX_EXAMPLES.validate_output("app.bsky.feed.getLikes",
                                     {"uri": snapshots._value("record", "0"), **value})
    else:
        LEX_EXAMPLES.validate_output("app.bsky.feed.getAuthorFeed", {"feed": value})


def test_validator_refuses_wrong_shapes():
    good = snapshots.concrete(EXAMPLES[PROFILE_EXAMPLE])
    for broken in ({**good, "followersCount": "2"}, {k: v for k, v in good.items() if k != "did"},
                   {**good, "did": "alice"}, {**good, "createdAt": "2023-05-02 12:00"}):
        with pytest.raises(LexiconError):
            LEX_EXAMPLES.validate_output("app.bsky.actor.getProfile", broken)


def _get(server, method: str, **params):
    return requests.get(f"{server.url}/bluesky/xrpc/{method}", params=params, timeout=10)


def _check_error(resp):
    # XRPC errors: HTTP 4xx with {"error": <name>, "message"?: <text>}
    body = resp.json()
    assert 400 <= resp.status_code < 500 and isinstance(body.get("error"), str)
    assert isinstance(body.get("message", ""), str)


@pytest.mark.parametrize("handle", sorted(fake.PROFILES) + sorted(fake.ERRORS) + ["nobody.test"])
def test_fake_responses_validate_against_the_lexicons(upstream_server, handle):
    resp = _get(upstream_server, "app.bsky.actor.getProfile", actor=handle)
    if handle not in fake.PROFILES:
        _check_error(resp)
        return
    profile = resp.json()
    LEX.validate_output("app.bsky.actor.getProfile", profile)
    feed = _get(upstream_server, "app.bsky.feed.getAuthorFeed", actor=profile["did"],
                limit=100, filter="posts_no_replies")
    if feed.status_code != 200:
        _check_error(feed)
        return
    LEX.validate_output("app.bsky.feed.getAuthorFeed", feed.json())
    for item in feed.json()["feed"]:
        likes = _get(upstream_server, "app.bsky.feed.getLikes", uri=item["post"]["uri"],
                     limit=100)
        LEX.validate_output("app.bsky.feed.getLikes", likes.json())


def test_fake_get_profiles_validates_and_keeps_the_limit(upstream_server):
    resp = requests.get(f"{upstream_server.url}/bluesky/xrpc/app.bsky.actor.getProfiles",
                        params={"actors": sorted(fake.PROFILES)}, timeout=10)
    LEX.validate_output("app.bsky.actor.getProfiles", resp.json())
    limit = LEX.parameters("app.bsky.actor.getProfiles")["actors"]["maxLength"]
    too_many = requests.get(f"{upstream_server.url}/bluesky/xrpc/app.bsky.actor.getProfiles",
                            params={"actors": [f"u{i}.bsky.social" for i in range(limit + 1)]},
                            timeout=10)
    _check_error(too_many)


def _check_params(nsid: str, query: dict[str, list[str]]) -> None:
    spec = LEX.parameters(nsid)
    for name, values in query.items():
        assert name in spec, f"{nsid} has no parameter {name}"
        prop = spec[name]
        if prop["type"] == "array":
            assert len(values) <= prop.get("maxLength", 10**9), name
            prop = prop["items"]
        for value in values:
            if prop["type"] == "integer":
                assert prop.get("minimum", 0) <= int(value) <= prop.get("maximum", 10**9), name
            elif prop.get("knownValues"):
                assert value in prop["knownValues"], (name, value)
            elif prop.get("format") == "at-identifier":
                assert FORMATS["did"].match(value) or FORMATS["handle"].match(value)
            elif prop.get("format") == "at-uri":
                assert FORMATS["at-uri"].match(value), value


def test_connector_requests_use_only_published_parameters(settings, upstream, upstream_server):
    conn = make_connector("bluesky", settings, upstream)
    conn.fetch("octocat.bsky.social", now=datetime.now(UTC))
    conn.fetch_many(sorted(fake.PROFILES)[:6], now=datetime.now(UTC))
    seen = set()
    for network, path, _ in upstream_server.requests:
        if network != "bluesky":
            continue
        parts = urlsplit(path)
        nsid = parts.path.rsplit("/", 1)[-1]
        seen.add(nsid)
        _check_params(nsid, parse_qs(parts.query))
    assert seen == {"app.bsky.actor.getProfile", "app.bsky.actor.getProfiles",
                    "app.bsky.feed.getAuthorFeed", "app.bsky.feed.getLikes"}


@pytest.fixture
def appview(httpserver, tmp_path):
    """A stand-in AppView that answers with the provider's own published outputs."""
    now = datetime.now(UTC)
    profile = snapshots.concrete(EXAMPLES[PROFILE_EXAMPLE], now=now)
    feed = snapshots.concrete(EXAMPLES[FEED_EXAMPLE], now=now)
    likes = snapshots.concrete(EXAMPLES[LIKES_EXAMPLE], now=now)
    httpserver.expect_request("/xrpc/app.bsky.actor.getProfile").respond_with_json(profile)
    httpserver.expect_request("/xrpc/app.bsky.actor.getProfiles").respond_with_json(
        {"profiles": [profile]})
    httpserver.expect_request("/xrpc/app.bsky.feed.getAuthorFeed").respond_with_json(
        {"feed": feed})
    httpserver.expect_request("/xrpc/app.bsky.feed.getLikes").respond_with_json(
        {"uri": snapshots._value("record", "0"), **likes})
    settings = Settings.from_env({"CANDOR_BLUESKY_API_URL": httpserver.url_for(""),
                                  "CANDOR_INSTANCE_PATH": str(tmp_path)})
    return make_connector("bluesky", settings, Upstream(settings)), profile, feed, likes


def test_connector_parses_the_providers_examples(appview):
    conn, profile, feed, likes = appview
    data = conn.fetch("alice.test", now=datetime.now(UTC))
    assert data.status == "found" and data.partial == [] and data.unobserved == []
    assert data.display_name == "ali" and data.bio == "its me!"
    values = {o.signal: o.value for o in data.observations if o.item is None}
    assert values["followers"] == profile["followersCount"] == 2
    assert values["following"] == profile["followsCount"] == 3
    own = [i for i in feed if not i.get("reason") and i["post"]["author"]["did"] == profile["did"]
           and not i["post"]["record"].get("reply")]
    assert own and values["posts_recent"] == len(own)
    liked = [i for i in own if i["post"].get("likeCount")]
    assert data.reactions_sampled == len(likes["likes"]) * min(3, len(liked))
    many = conn.fetch_many(["alice.test"], now=datetime.now(UTC))
    assert many["alice.test"].observations == data.observations
