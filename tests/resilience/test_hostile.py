"""Hostile input through the HTTP API of a live server: SSRF, XSS, size, depth, unicode.

Never a 5xx, always JSON for the API, and for SSRF: no connection to the addresses a hostile
Mastodon "instance" names (a listener counts accepted connections and an audit hook records
every ``socket.connect`` of this process, which includes the server's threads).
"""

from __future__ import annotations

import json
import socket
from urllib.parse import quote

import pytest

from tests.connections import Listener, connects_since, mark
from tests.resilience.conftest import LiveServer


def ssrf_handles(p4: int, p6: int) -> list[str]:
    """Mastodon handles whose "instance" is local, private, metadata or otherwise not public."""
    return [
        f"user@127.0.0.1:{p4}", "user@127.0.0.1", f"user@localhost:{p4}", "user@localhost",
        "user@10.0.0.1", "user@192.168.1.1", "user@172.16.0.1", "user@169.254.169.254",
        "user@metadata.google.internal", f"user@[::1]:{p6}", "user@[::1]", "user@::1",
        f"user@2130706433:{p4}", "user@2130706433", f"user@0x7f000001:{p4}", "user@0177.0.0.1",
        f"user@127.1:{p4}", "user@0.0.0.0", f"user@[::ffff:127.0.0.1]:{p4}", "user@foo.internal",
        "user@localhost.", "user@127.0.0.1.nip.io", "user@evil.example@127.0.0.1",
        f"user@127.0.0.1%2f@example.com:{p4}", "user@127.0.0.1#@example.com",
        "user@example.com/../127.0.0.1", "user@[fd00::1]", "user@100.64.0.1", "user@224.0.0.1",
        "user@lоcalhost",  # Cyrillic o
        "user@xn--localhost-", "user@.", "user@-", "user@a..b",
    ]


def _assert_refused(status: int, headers: dict, body: bytes, account: str) -> None:
    assert status < 500, (account, status, body[:300])
    assert headers["content-type"].startswith("application/json"), account
    data = json.loads(body)
    if status >= 400:
        assert data["error"]["code"] and data["error"]["message"], account
        return
    assert status == 200, (account, status)
    # A report that does not refuse outright must not have fetched that network.
    for network in data.get("networks", []):
        if network["network"] == "mastodon":
            assert network["status"] != "found", (account, network)


@pytest.fixture
def listeners():
    v4 = Listener(socket.AF_INET, "127.0.0.1")
    v6 = Listener(socket.AF_INET6, "::1")
    yield v4, v6
    v4.sock.close()
    v6.sock.close()


def test_ssrf_corpus_is_refused_without_a_connection(live: LiveServer, fake, listeners):
    v4, v6 = listeners
    handles = ssrf_handles(v4.port, v6.port)
    assert len(handles) >= 20
    allowed_ports = {fake.port, live.port}
    start = mark()
    try:
        for handle in handles:
            enc = quote(handle, safe="@:")
            for path in (f"/v1/reports/mastodon/{enc}", f"/v1/badges/mastodon/{enc}",
                         f"/v1/reports/github/octocat?accounts={quote('mastodon:' + handle)}"):
                _assert_refused(*live.get(path), handle)
        accounts = [f"mastodon:{h}" for h in handles[:50]]
        status, headers, body = live.request("POST", "/v1/badges", {"accounts": accounts})
        assert status == 200, body[:300]
        results = json.loads(body)["results"]
        assert [r["account"] for r in results] == accounts
        for item in results:
            # Refused before any fetch: an error, or a badge without a number.
            assert "error" in item or item["badge"]["score"] is None, item
    finally:
        recorded = connects_since(start)
    assert v4.accepted == 0 and v6.accepted == 0
    stray = [a for a in recorded if not (isinstance(a, tuple) and a[1] in allowed_ports)]
    assert stray == [], f"connections to hostile targets: {stray}"
    # Positive control: the detectors see a connection when one is allowed.
    start = mark()
    status, _, _ = live.get(f"/v1/reports/mastodon/octocat@{fake.mastodon_host}")
    assert status == 200 and any(a[1] == fake.port for a in connects_since(start)
                                 if isinstance(a, tuple))


XSS_SUBJECTS = ["github/hostile", "gitlab/hostile", "bluesky/hostile.bsky.social",
                "devto/hostile", "hackernews/hostile", "x/hostile", "stackoverflow/666",
                "orcid/0000-0002-4444-4442"]


@pytest.mark.parametrize("subject", XSS_SUBJECTS)
def test_xss_payloads_stay_json(live: LiveServer, fake, subject):
    for kind in ("reports", "badges"):
        status, headers, body = live.get(f"/v1/{kind}/{subject}")
        assert status == 200, body[:300]
        assert headers["content-type"] == "application/json", headers["content-type"]
        json.loads(body)


def test_xss_in_requests_is_never_reflected_as_html(live: LiveServer, fake):
    payload = "<script>alert(1)</script>"
    for path in (f"/v1/reports/github/{quote(payload)}", f"/v1/badges/github/{quote(payload)}",
                 f"/v1/reports/{quote(payload)}/x", f"/v1/{quote(payload)}",
                 f"/v1/reports/github/octocat?role={quote(payload)}",
                 f"/v1/reports/github/octocat?accounts={quote(payload)}"):
        status, headers, body = live.get(path)
        assert 400 <= status < 500, (path, status)
        assert headers["content-type"] == "application/json", path
        json.loads(body)
    status, headers, body = live.get(f"/docs?q={quote(payload)}&{quote(payload)}=1")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert b"<script>alert" not in body and b"onerror=" not in body


UNICODE_HANDLES = [
    "a\u202eb", "\u202egnp.exe", "a\x00b", "%00", "%ED%A0%80", "%ED%BF%BF", "%FF%FE",
    "%C0%AF", "\U0001f600", "e\u0301\u0301\u0301\u0301", "\u200b", "\ufeffoctocat",
    "octo%2Fcat", "..%2F..%2Fetc%2Fpasswd", "%252e%252e%252f", "a/b", "\\\\server\\x",
    "octocat%0d%0aSet-Cookie:x=1", "ＯＣＴＯＣＡＴ", "x" * 10_000, "@" * 500, ":" * 300,
]


@pytest.mark.parametrize("network", ["github", "mastodon", "bluesky", "orcid", "nosuch"])
def test_unicode_and_long_handles_get_clear_4xx(live: LiveServer, fake, network):
    for handle in UNICODE_HANDLES:
        enc = handle if "%" in handle else quote(handle, safe="")
        for kind in ("reports", "badges"):
            status, headers, body = live.get(f"/v1/{kind}/{network}/{enc}")
            assert status < 500, (network, handle[:40], status, body[:300])
            assert headers["content-type"] == "application/json", (handle[:40], status)
            if status != 200:
                assert 400 <= status < 500 and json.loads(body)["error"]["code"]


def test_batch_bodies_hostile_in_shape_size_and_depth(live: LiveServer, fake):
    odd = ["github:a\u202eb", "github:\ud800", "github:\x00", "mastodon:" + "x" * 10_000,
           "github:\U0001f600", "github:e\u0301", "", ":", "github:", ":octocat"]
    status, headers, body = live.request(
        "POST", "/v1/badges", json.dumps({"accounts": odd}).encode(),
        headers={"Content-Type": "application/json"})
    assert status in (200, 422), body[:300]
    assert headers["content-type"] == "application/json"
    cases = [
        b"[" * 100_000 + b"]" * 100_000,                          # deep
        b'{"accounts":' + b"[" * 5000 + b"]" * 5000 + b"}",
        json.dumps({"accounts": ["github:octocat"] * 51}).encode(),  # over the batch limit
        json.dumps({"accounts": "github:octocat"}).encode(),
        json.dumps({"accounts": [{"a": 1}, None, 5]}).encode(),
        b'{"accounts": ["github:octocat"], "role": "\\u0000"}',
        b"\xff\xfe\x00{", b"not json", b"", b'"\\ud800"', b"1e999999",
        b'{"accounts": ["' + b"a" * (300 * 1024) + b'"]}',       # oversized body
    ]
    for data in cases:
        status, headers, body = live.request("POST", "/v1/badges", data,
                                             headers={"Content-Type": "application/json"})
        assert 400 <= status < 500, (data[:60], status, body[:300])
        assert headers["content-type"] == "application/json", data[:60]
        assert json.loads(body)["error"]["code"]
    status, _, body = live.request("POST", "/v1/badges", b"a" * (2 * 1024 * 1024),
                                   headers={"Content-Type": "application/json"})
    assert status == 413, body[:200]
