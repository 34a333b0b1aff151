"""The upstream client against real local servers (pytest-httpserver, raw sockets, the fake)."""

from __future__ import annotations

import contextvars
import gzip
import json
import logging
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Response

from service.config import Settings
from service.upstream import (
    MAX_BODY_BYTES,
    MemoryValidatorStore,
    StoredResponse,
    Upstream,
    UpstreamError,
    deadline,
    redact_url,
)


@pytest.fixture(scope="module")
def _server():
    server = HTTPServer(host="127.0.0.1", threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def srv(_server):
    _server.clear()
    yield _server
    _server.clear()


def make(**kwargs) -> Upstream:
    return Upstream(Settings(), **kwargs)


def sequence(*responses: Response):
    """A handler answering with each response in turn (the last one repeats)."""
    calls = iter(range(10**6))

    def handler(request):
        return responses[min(next(calls), len(responses) - 1)]
    return handler


def hits(server: HTTPServer, path: str) -> int:
    """Requests for ``path`` (a slow handler from an earlier test may still log its own)."""
    return sum(1 for request, _ in server.log if request.path == path)


def raised(fn, *args, **kwargs) -> UpstreamError:
    with pytest.raises(UpstreamError) as info:
        fn(*args, **kwargs)
    return info.value


def test_plain_get_and_stats(srv):
    srv.expect_request("/users/a", query_string="x=1").respond_with_json({"login": "a"})
    up = make()
    resp = up.get(srv.url_for("/users/a"), network="github", params={"x": 1})
    assert resp.status == 200 and resp.json() == {"login": "a"} and not resp.revalidated
    srv.expect_request("/bad").respond_with_data(b'{"login": ', content_type="application/json")
    assert raised(up.get(srv.url_for("/bad"), network="github").json).kind == "bad_response"
    assert up.stats.snapshot()["github"] == {"calls": 2, "revalidated": 0, "errors": {}}


def test_4xx_is_returned_to_the_connector(srv):
    srv.expect_request("/missing").respond_with_json({"message": "Not Found"}, status=404)
    resp = make().get(srv.url_for("/missing"), network="github")
    assert resp.status == 404


def test_read_timeout_is_not_retried(srv):
    def slow(request):
        time.sleep(1.0)
        return Response("late")
    srv.expect_request("/slow").respond_with_handler(slow)
    up = make(read_timeout=0.3)
    start = time.monotonic()
    err = raised(up.get, srv.url_for("/slow"), network="gitlab")
    assert err.kind == "timeout"
    assert time.monotonic() - start < 0.9
    assert hits(srv, "/slow") <= 1  # the handler may still be sleeping; never a second request
    assert up.stats.snapshot()["gitlab"]["errors"] == {"timeout": 1}


def test_connection_refused_is_upstream_error():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    err = raised(make().get, f"http://127.0.0.1:{port}/x", network="devto")
    assert err.kind == "upstream_error"


def test_503_is_retried_then_succeeds(srv):
    srv.expect_request("/flaky").respond_with_handler(
        sequence(Response("down", status=503), Response('{"ok": 1}', status=200)))
    resp = make().get(srv.url_for("/flaky"), network="openalex")
    assert resp.json() == {"ok": 1}
    assert hits(srv, "/flaky") == 2


def test_5xx_after_bounded_retries_is_upstream_error(srv):
    srv.expect_request("/down").respond_with_data("bad gateway", status=502)
    err = raised(make(retries=2).get, srv.url_for("/down"), network="openalex")
    assert (err.kind, err.status) == ("upstream_error", 502)
    assert hits(srv, "/down") == 3  # first try + 2 retries, no more


def test_429_with_small_retry_after_is_retried(srv):
    srv.expect_request("/busy").respond_with_handler(sequence(
        Response("slow down", status=429, headers={"Retry-After": "1"}),
        Response('{"ok": true}', status=200)))
    start = time.monotonic()
    resp = make().get(srv.url_for("/busy"), network="devto")
    assert resp.json() == {"ok": True}
    assert time.monotonic() - start >= 0.9  # it did wait as asked
    assert hits(srv, "/busy") == 2


def test_429_with_long_retry_after_fails_fast_and_cools_the_host_down(srv):
    srv.expect_request("/limited").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "120"})
    srv.expect_request("/other").respond_with_json({"ok": 1})
    up = make()
    start = time.monotonic()
    err = raised(up.get, srv.url_for("/limited"), network="devto")
    assert time.monotonic() - start < 1.0
    assert err.kind == "rate_limited" and err.status == 429
    assert abs(err.retry_at - (time.time() + 120)) < 5
    # The host is cooling down: the next call fails at once, no request reaches the server.
    again = raised(up.get, srv.url_for("/other"), network="devto")
    assert again.kind == "rate_limited" and abs(again.retry_at - err.retry_at) < 1
    assert hits(srv, "/limited") + hits(srv, "/other") == 1
    # Cooldowns are per (network, host): another network on the same fake host still works.
    assert up.get(srv.url_for("/other"), network="gitlab").status == 200
    assert up.stats.snapshot()["devto"]["errors"] == {"rate_limited": 2}
    # ...and the client says which host waits until when (tests poll this, not a timer).
    host = f"{srv.host}:{srv.port}"
    assert up.cooling_down() == {("devto", host): err.retry_at}


def test_429_without_retry_after_is_not_retried_blindly(srv):
    srv.expect_request("/limited").respond_with_data("no", status=429)
    err = raised(make().get, srv.url_for("/limited"), network="x")
    assert err.kind == "rate_limited" and err.retry_at > time.time() + 30
    assert hits(srv, "/limited") == 1


def test_github_403_with_exhausted_quota_is_rate_limited(srv):
    reset = int(time.time()) + 900
    srv.expect_request("/quota").respond_with_json(
        {"message": "API rate limit exceeded"}, status=403,
        headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)})
    srv.expect_request("/forbidden").respond_with_json({"message": "Forbidden"}, status=403)
    up = make()
    err = raised(up.get, srv.url_for("/quota"), network="github")
    assert err.kind == "rate_limited" and err.retry_at == reset
    # A 403 that is not a rate limit is the connector's business (after the cooldown ends,
    # so use a fresh client here).
    assert make().get(srv.url_for("/forbidden"), network="github").status == 403


def test_stackexchange_backoff_field_cools_the_host_down(srv):
    srv.expect_request("/users/1").respond_with_json({"items": [{"user_id": 1}], "backoff": 7})
    up = make()
    resp = up.get(srv.url_for("/users/1"), network="stackexchange")
    assert resp.json()["items"] == [{"user_id": 1}]  # the caller still gets this answer
    err = raised(up.get, srv.url_for("/users/1"), network="stackexchange")
    assert err.kind == "rate_limited" and abs(err.retry_at - (time.time() + 7)) < 2
    assert hits(srv, "/users/1") == 1


def test_gzip_body_is_decoded(srv):
    data = json.dumps({"items": list(range(1000))}).encode()
    srv.expect_request("/gz").respond_with_data(
        gzip.compress(data), headers={"Content-Encoding": "gzip"},
        content_type="application/json")
    assert make().get(srv.url_for("/gz"), network="stackexchange").body == data


def test_body_cap(srv):
    srv.expect_request("/big").respond_with_data(b"x" * (MAX_BODY_BYTES + 1))
    srv.expect_request("/fits").respond_with_data(b"x" * (MAX_BODY_BYTES - 10))
    up = make()
    assert raised(up.get, srv.url_for("/big"), network="openalex").kind == "too_large"
    assert len(up.get(srv.url_for("/fits"), network="openalex").body) == MAX_BODY_BYTES - 10


def test_body_cap_applies_to_decompressed_size(srv):
    bomb = gzip.compress(b"\0" * (40 * 1024 * 1024))  # ~40 KB on the wire, 40 MB unpacked
    srv.expect_request("/bomb").respond_with_data(bomb, headers={"Content-Encoding": "gzip"})
    assert raised(make().get, srv.url_for("/bomb"), network="x").kind == "too_large"


def test_body_cap_on_chunked_stream_without_length(srv):
    def endless(request):
        return Response((b"y" * 65536 for _ in range(200)), direct_passthrough=True)
    srv.expect_request("/stream").respond_with_handler(endless)
    err = raised(make(max_body_bytes=1024 * 1024).get, srv.url_for("/stream"), network="x")
    assert err.kind == "too_large"


@pytest.fixture
def raw_server():
    """A TCP server that answers every connection with fixed bytes, then closes."""
    sock = socket.create_server(("127.0.0.1", 0))
    payload: list[bytes] = [b""]

    def serve():
        while True:
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            with conn:
                conn.recv(65536)
                conn.sendall(payload[0])
    threading.Thread(target=serve, daemon=True).start()
    yield sock.getsockname()[1], payload
    sock.close()


def test_truncated_body_is_an_upstream_error(raw_server):
    port, payload = raw_server
    payload[0] = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 500\r\n\r\n" + b'{"a": [1, 2')
    err = raised(make().get, f"http://127.0.0.1:{port}/t", network="hackernews")
    assert err.kind in ("upstream_error", "bad_response")


def test_garbage_status_line_is_an_upstream_error(raw_server):
    port, payload = raw_server
    payload[0] = b"NOT HTTP AT ALL\r\n\r\n"
    assert raised(make().get, f"http://127.0.0.1:{port}/", network="x").kind == "upstream_error"


def test_etag_revalidation_returns_the_stored_body(srv):
    seen: list[str | None] = []

    def handler(request):
        seen.append(request.headers.get("If-None-Match"))
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304, headers={"ETag": '"v1"', "X-RateLimit-Remaining": "58"})
        return Response('{"login": "old"}', headers={"ETag": '"v1"',
                                                     "X-RateLimit-Remaining": "59"})
    srv.expect_request("/users/octo").respond_with_handler(handler)
    up = make()
    first = up.get(srv.url_for("/users/octo"), network="github")
    second = up.get(srv.url_for("/users/octo"), network="github")
    assert seen == [None, '"v1"']
    assert (second.status, second.body, second.revalidated) == (200, first.body, True)
    assert second.json() == {"login": "old"}
    assert second.headers["x-ratelimit-remaining"] == "58"  # fresh headers from the 304
    assert up.stats.snapshot()["github"]["revalidated"] == 1


def test_last_modified_revalidation_and_changed_resource(srv):
    stamp = "Wed, 21 Oct 2015 07:28:00 GMT"
    bodies = iter([b"one", b"two"])

    def handler(request):
        if request.headers.get("If-Modified-Since") == stamp and request.args.get("v") != "2":
            return Response(status=304)
        return Response(next(bodies), headers={"Last-Modified": stamp})
    srv.expect_request("/feed").respond_with_handler(handler)
    up = make()
    assert up.get(srv.url_for("/feed"), network="devto").body == b"one"
    again = up.get(srv.url_for("/feed"), network="devto")
    assert again.revalidated and again.body == b"one"
    # A different query string is a different resource: no validators sent, fresh body.
    other = up.get(srv.url_for("/feed"), network="devto", params={"v": "2"})
    assert other.body == b"two" and not other.revalidated
    assert "If-Modified-Since" not in [r for r, _ in srv.log if r.path == "/feed"][-1].headers


def test_caller_conditional_headers_are_left_alone(srv):
    srv.expect_request("/c").respond_with_data(b"", status=304)
    resp = make().get(srv.url_for("/c"), network="github", headers={"If-None-Match": '"x"'})
    assert resp.status == 304 and not resp.revalidated


def test_memory_store_is_bounded():
    store = MemoryValidatorStore(max_entries=3, max_bytes=1000)
    for i in range(5):
        store.put(str(i), StoredResponse(f'"{i}"', None, {}, b"x" * 10))
    assert [store.get(str(i)) is not None for i in range(5)] == [False, False, True, True, True]
    store.put("big", StoredResponse('"b"', None, {}, b"x" * 900))  # > max_bytes/8: not kept
    assert store.get("big") is None
    for i in range(8):
        store.put(f"m{i}", StoredResponse('"m"', None, {}, b"x" * 120))
    assert store.get("m0") is None and store.get("m7") is not None


def test_per_host_concurrency_limit(srv):
    lock = threading.Lock()
    state = {"now": 0, "max": 0}
    # Requests leave the handler three at a time: three must be in flight together (fewer
    # break the barrier), and a fourth in flight would show in state["max"].
    together = threading.Barrier(3, timeout=10)

    def handler(request):
        with lock:
            state["now"] += 1
            state["max"] = max(state["max"], state["now"])
        together.wait()
        with lock:
            state["now"] -= 1
        return Response("{}")
    srv.expect_request("/c").respond_with_handler(handler)
    up = make(per_host_limit=3)
    with ThreadPoolExecutor(max_workers=9) as pool:
        results = list(pool.map(lambda _: up.get(srv.url_for("/c"), network="mastodon").status,
                                range(9)))
    assert results == [200] * 9
    assert state["max"] == 3


def test_deadline_clamps_timeouts(srv):
    def slow(request):
        time.sleep(2)
        return Response("late")
    srv.expect_request("/slow").respond_with_handler(slow)
    up = make()
    start = time.monotonic()
    with deadline(0.4):
        err = raised(up.get, srv.url_for("/slow"), network="youtube")
    assert err.kind == "deadline"
    assert time.monotonic() - start < 1.0


def test_spent_deadline_refuses_without_a_request(srv):
    srv.expect_request("/x").respond_with_json({})
    with deadline(0):
        assert raised(make().get, srv.url_for("/x"), network="x").kind == "deadline"
    assert hits(srv, "/x") == 0


def test_deadline_reaches_threads_that_copy_the_context(srv):
    def slow(request):
        time.sleep(2)
        return Response("late")
    srv.expect_request("/slow").respond_with_handler(slow)
    up = make()
    start = time.monotonic()
    with deadline(0.4), ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(contextvars.copy_context().run, up.get,
                               srv.url_for("/slow"), network=n) for n in ("x", "youtube")]
        kinds = [f.exception().kind for f in futures]
    assert kinds == ["deadline", "deadline"]
    assert time.monotonic() - start < 1.2


def test_secrets_are_never_logged(srv, caplog):
    srv.expect_request("/v3/channels").respond_with_json({}, status=500)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(UpstreamError):
        make(retries=1).get(srv.url_for("/v3/channels"), network="youtube",
                            params={"key": "SECRETKEY1", "id": "c"},
                            headers={"Authorization": "Bearer SECRETTOKEN2"})
    # Our side only: the test server (werkzeug) logs its request lines verbatim.
    text = "\n".join(r.getMessage() for r in caplog.records if r.name != "werkzeug")
    assert "/v3/channels" in text  # logging did happen, urllib3's request lines included
    assert "SECRETKEY1" not in text and "SECRETTOKEN2" not in text


def test_redact_url():
    assert redact_url("https://u:pw@h.example/p?key=a&site=so&access_token=b") == \
        "https://h.example/p?key=REDACTED&site=so&access_token=REDACTED"


def test_fake_upstream_faults(upstream_server, upstream):
    """The shared fake's fault switches map onto the documented error kinds."""
    url = upstream.settings.api_url("GITHUB") + "/users/octocat"
    for fault, kind in (("429", "rate_limited"), ("huge", "too_large"),
                        ("truncated", "upstream_error"), ("503", "upstream_error")):
        upstream_server.faults["github"] = fault
        fresh = Upstream(upstream.settings)
        start = time.monotonic()
        assert raised(fresh.get, url, network="github").kind == kind, fault
        assert time.monotonic() - start < 3, fault


def test_no_retry_sleep_past_the_deadline(srv):
    srv.expect_request("/soon").respond_with_data(
        "busy", status=429, headers={"Retry-After": "2"})
    start = time.monotonic()
    with deadline(1.5):  # a 2 s wait (within the cap) would overrun the report deadline
        err = raised(make().get, srv.url_for("/soon"), network="devto")
    assert err.kind == "rate_limited" and time.monotonic() - start < 0.5
    assert hits(srv, "/soon") == 1


def test_503_with_long_retry_after_fails_fast_and_cools_down(srv):
    srv.expect_request("/maint").respond_with_data(
        "maintenance", status=503, headers={"Retry-After": "600"})
    up = make()
    start = time.monotonic()
    err = raised(up.get, srv.url_for("/maint"), network="gitlab")
    assert (err.kind, err.status) == ("upstream_error", 503)
    assert time.monotonic() - start < 1.0 and err.retry_at > time.time() + 500
    assert raised(up.get, srv.url_for("/maint"), network="gitlab").kind == "upstream_error"
    assert hits(srv, "/maint") == 1


def test_user_host_on_the_allow_listed_fake_instance(upstream_server, upstream):
    """The fake's Mastodon instance (127.0.0.1:port) is reachable only through allow_hosts."""
    url = f"{upstream_server.url}/api/v1/instance"
    resp = upstream.get(url, network="mastodon", user_host=True)
    assert resp.status in (200, 404)
    assert upstream_server.hits["mastodon"] == 1
    closed = Upstream(Settings())  # allow-list off
    assert raised(closed.get, url, network="mastodon", user_host=True).kind == "refused"
    assert upstream_server.hits["mastodon"] == 1


def test_waiting_for_a_slot_respects_the_deadline(srv):
    entered, release = threading.Event(), threading.Event()

    def held(request):
        entered.set()
        release.wait(10)  # holds the only slot until the test lets go
        return Response("{}")
    srv.expect_request("/held").respond_with_handler(held)
    up = make(per_host_limit=1)
    with ThreadPoolExecutor(max_workers=1) as pool:
        holder = pool.submit(up.get, srv.url_for("/held"), network="x")
        assert entered.wait(10), "the first request never reached the server"
        start = time.monotonic()
        with deadline(0.3):
            err = raised(up.get, srv.url_for("/held"), network="x")
        assert err.kind == "deadline" and time.monotonic() - start < 0.6
        release.set()
        assert holder.result(timeout=10).status == 200
    assert hits(srv, "/held") == 1
