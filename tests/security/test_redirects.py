"""Issue 15 item 10: every connector's redirects are SSRF-vetted per hop, not only Mastodon's.

A configured API host (here a local server standing in for it) answers 302 to an internal
address; the client must refuse the hop before connecting, for every network's requests.
A redirect within the configured API's own origin is still followed.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from service.config import DEFAULT_API_URLS, Settings
from service.lookup import score_subject
from service.networks import NETWORKS
from service.upstream import Upstream, UpstreamError

# One account per network, each a valid handle for its connector.
ACCOUNTS = {"github": "github:octocat", "gitlab": "gitlab:octocat",
            "stackoverflow": "stackoverflow:22656", "bluesky": "bluesky:alice.bsky.social",
            "hackernews": "hackernews:pg", "devto": "devto:ben",
            "orcid": "orcid:0000-0002-1825-0097", "youtube": "youtube:@somebody",
            "x": "x:somebody"}


class _Server:
    """A tiny HTTP server: ``routes`` maps a path to (status, headers, body)."""

    def __init__(self, routes: dict[str, tuple[int, dict[str, str], bytes]]):
        self.routes = routes
        self.hits: list[str] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's spelling
                owner.hits.append(self.path)
                status, headers, body = owner.routes.get(
                    self.path.split("?")[0], owner.routes.get("*", (404, {}, b"{}")))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def internal() -> Iterator[_Server]:
    server = _Server({"/secret": (200, {"Content-Type": "application/json"},
                                  b'{"secret": "internal metadata"}')})
    yield server
    server.close()


@pytest.fixture
def api(internal) -> Iterator[_Server]:
    server = _Server({
        "/to-internal": (302, {"Location": f"{internal.url}/secret"}, b""),
        "/to-metadata": (307, {"Location": "http://169.254.169.254/latest/meta-data/"}, b""),
        "/to-public-name": (301, {"Location": "https://api.example.com/x"}, b""),
        "/same-origin": (302, {"Location": "/final"}, b""),
        "/final": (200, {"Content-Type": "application/json"}, b'{"ok": true}'),
        "*": (302, {"Location": f"{internal.url}/secret"}, b""),  # every other API call
    })
    yield server
    server.close()


def _resolver_to_loopback(host, port, *args, **kwargs):
    """DNS at the edge: a public-looking name that resolves to 127.0.0.1."""
    return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]


@pytest.mark.parametrize("network", ["github", "stackoverflow", "bluesky", "x"])
def test_a_configured_host_redirecting_inward_is_refused(network, api, internal):
    upstream = Upstream(Settings(), resolver=_resolver_to_loopback, retries=0)
    for path in ("/to-internal", "/to-metadata", "/to-public-name"):
        with pytest.raises(UpstreamError) as err:
            upstream.get(f"{api.url}{path}", network=network)
        assert err.value.kind == "refused", (network, path, err.value)
    assert internal.hits == [], "the internal server was reached"


def test_a_redirect_within_the_configured_origin_is_followed(api):
    upstream = Upstream(Settings(), retries=0)
    resp = upstream.get(f"{api.url}/same-origin", network="github")
    assert resp.status == 200 and resp.json() == {"ok": True}
    assert api.hits == ["/same-origin", "/final"]


def test_no_connector_follows_its_api_host_to_an_internal_address(api, internal):
    """Every network's API URL points at the redirecting host: each connector's calls are
    refused at the hop, the report names them as failed, and nothing internal is reached."""
    # Mastodon's host is the user's choice and was vetted per hop already (tests/test_ssrf.py).
    assert set(ACCOUNTS) == set(NETWORKS) - {"mastodon"}, "a network here is untested"
    env = {f"CANDOR_{name}_API_URL": api.url for name in DEFAULT_API_URLS}
    env.update(CANDOR_YOUTUBE_KEY="k", CANDOR_X_BEARER_TOKEN="t", CANDOR_REPORT_DEADLINE="5")
    settings = Settings.from_env(env)
    upstream = Upstream(settings, retries=0)
    for network, account in ACCOUNTS.items():
        report = score_subject(account, settings=settings, upstream=upstream, discover=False)
        assert "internal metadata" not in str(report), network
        entry = next(n for n in report["networks"] if n["network"] == network)
        assert entry["status"] != "found", (network, entry)
    assert internal.hits == []
    assert sum(upstream.stats.snapshot().get(n, {}).get("calls", 0) for n in NETWORKS) > 0
