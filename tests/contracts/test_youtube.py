"""YouTube Data API v3: the fake and the connector against Google's Discovery document
(excerpt vendored in ``tests/contracts/youtube``; see its README)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from service.networks import make_connector
from tests.contracts import jsonschemas
from tests.fakes import youtube as fake

DISCOVERY = jsonschemas.load(Path(__file__).parent / "youtube" /
                             "youtube-v3-discovery-excerpt.json")
METHODS = {name: r["methods"]["list"] for name, r in DISCOVERY["resources"].items()}


def from_discovery(node: Any) -> Any:
    """Discovery schema -> JSON Schema: ``$ref`` names a schema id; 64-bit integers travel
    as decimal strings (``format: int64/uint64`` on ``type: string``); "google-datetime"
    and "date-time" are RFC 3339. Discovery has no required members: types are checked."""
    if isinstance(node, list):
        return [from_discovery(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {k: from_discovery(v) for k, v in node.items()
           if k not in ("id", "description", "enumDescriptions", "annotations")}
    if isinstance(node.get("$ref"), str):
        out["$ref"] = f"#/$defs/{node['$ref']}"
    if node.get("type") == "string" and node.get("format") in ("int64", "uint64"):
        out["pattern"] = "^-?[0-9]+$"
        out.pop("format")
    elif node.get("format") in ("google-datetime", "date-time"):
        out["format"] = "date-time"
    elif node.get("type") in ("integer", "number") and "format" in out:
        out.pop("format")  # int32/uint32/double: the JSON type says it
    return out


DEFS = {k: from_discovery(v) for k, v in DISCOVERY["schemas"].items()}


def schema(name: str) -> dict:
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$defs": DEFS,
            "$ref": f"#/$defs/{name}"}


def test_converter_keeps_the_discovery_types():
    stats = DEFS["ChannelStatistics"]["properties"]
    assert stats["subscriberCount"] == {"type": "string", "pattern": "^-?[0-9]+$"}
    assert DEFS["ChannelListResponse"]["properties"]["items"]["items"] == {
        "$ref": "#/$defs/Channel"}


def test_schemas_refuse_wrong_shapes():
    body = {"kind": "youtube#channelListResponse",
            "items": [{"id": "UC1", "statistics": {"subscriberCount": 10}}]}
    assert jsonschemas.errors(schema("ChannelListResponse"), body)  # a number, not a string
    body["items"][0]["statistics"]["subscriberCount"] = "10"
    assert jsonschemas.errors(schema("ChannelListResponse"), body) == []
    assert jsonschemas.errors(schema("PlaylistItemListResponse"), {
        "items": [{"contentDetails": {"videoPublishedAt": "last week"}}]})


def _get(server, resource, **params):
    return requests.get(f"{server.url}/youtube/{resource}", params=params, timeout=10,
                        headers={"X-Goog-Api-Key": fake.KEY})


@pytest.mark.parametrize("name", sorted(fake.CHANNELS))
def test_fake_responses_validate(upstream_server, name):
    channels = _get(upstream_server, "channels", part="snippet,statistics,contentDetails",
                    forHandle=f"@{name}")
    jsonschemas.check(schema("ChannelListResponse"), channels.json())
    for channel in channels.json().get("items") or []:
        uploads = channel["contentDetails"]["relatedPlaylists"]["uploads"]
        listing = _get(upstream_server, "playlistItems", part="contentDetails",
                       playlistId=uploads, maxResults=50)
        if listing.status_code == 404:
            continue  # playlistNotFound
        jsonschemas.check(schema("PlaylistItemListResponse"), listing.json())
        ids = [i["contentDetails"]["videoId"] for i in listing.json()["items"]]
        videos = _get(upstream_server, "videos", part="statistics", id=",".join(ids))
        jsonschemas.check(schema("VideoListResponse"), videos.json())


def test_connector_requests_use_published_parameters(settings, upstream, upstream_server):
    make_connector("youtube", settings, upstream).fetch("@octocat", now=datetime.now(UTC))
    seen = set()
    for network, path, _ in upstream_server.requests:
        if network != "youtube":
            continue
        parts = urlsplit(path)
        resource = parts.path.rsplit("/", 1)[-1]
        method = METHODS[resource]
        seen.add(resource)
        query = parse_qs(parts.query)
        assert set(query) <= set(method["parameters"]), (resource, set(query))
        for name in method["parameterOrder"]:
            assert name in query, f"{resource} needs {name}"
        if "maxResults" in query:
            spec = method["parameters"]["maxResults"]
            assert int(spec["minimum"]) <= int(query["maxResults"][0]) <= int(spec["maximum"])
    assert seen == {"channels", "playlistItems", "videos"}
