"""Slow clients against the real gunicorn (``service.gunicorn_conf``): 40 connections that
trickle their headers a byte at a time must not make the server miss a health probe, and
gunicorn's own errors (bad request line, 414) are JSON.

The control run starts the stock gthread worker with the same settings and the same attack,
and shows that the probes then do fail: the attack is real, so the first test can fail.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from contextlib import suppress

import pytest

from bench._servers import Gunicorn
from bench.slowloris import HEADER_TIMEOUT, Slowloris, gunicorn, probe, probe_for

SLOW = 40
ATTACK_SECONDS = 6.0


def test_forty_slow_connections_do_not_stop_health_probes():
    with gunicorn() as server:
        attack = Slowloris(server.port, SLOW)
        try:
            results = probe_for(server.port, ATTACK_SECONDS)
            assert results and all(r is not None for r in results), results
            assert max(results) < 1.0, f"slowest probe {max(results):.2f} s"
            # The slow clients are dropped once their head is HEADER_TIMEOUT late: each
            # socket reads EOF (or a reset) within the timeout plus a margin.
            attack.stop.set()
            drop_deadline = time.monotonic() + HEADER_TIMEOUT + 3
            for sock in attack.socks:
                sock.settimeout(max(0.1, drop_deadline - time.monotonic()))
                with suppress(ConnectionResetError):
                    assert sock.recv(1024) == b"", "a slow client got an answer"
        finally:
            attack.close()
        assert probe(server.port) is not None


def test_control_stock_gthread_misses_probes_under_the_same_attack():
    with gunicorn(GUNICORN_WORKER_CLASS="gthread") as server:
        attack = Slowloris(server.port, SLOW)
        try:
            results = probe_for(server.port, ATTACK_SECONDS)
        finally:
            attack.close()
    assert None in results, "the attack did not hurt stock gthread: the test above proves nothing"


@pytest.fixture(scope="module")
def server() -> Iterator[Gunicorn]:
    with gunicorn() as running:
        yield running


def raw(port: int, data: bytes) -> tuple[int, dict[str, str], bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    lines = head.decode("latin1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), {k.lower(): v for k, v in headers.items()}, body


@pytest.mark.parametrize("request_bytes, status, code", [
    (b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414, "uri_too_long"),
    (b"NOT A REQUEST LINE\r\n\r\n", 400, "bad_request"),
    (b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-A: b\r\n" * 120 + b"\r\n", 431, "headers_too_large"),
])
def test_gunicorn_errors_are_json(server, request_bytes, status, code):
    got, headers, body = raw(server.port, request_bytes)
    assert got == status
    assert headers["content-type"] == "application/json"
    error = json.loads(body)["error"]
    assert error["code"] == code and set(error) == {"code", "message", "details"}
    assert b"<html" not in body.lower()


def test_a_complete_request_with_a_body_still_works(server):
    # An unknown network: answered from the body alone (the body is what is tested here).
    body = json.dumps({"accounts": ["nonet:octocat"], "role": "general"}).encode()
    got, headers, data = raw(server.port, b"POST /v1/badges HTTP/1.1\r\nHost: x\r\n"
                             b"Content-Type: application/json\r\nConnection: close\r\n"
                             b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
    assert got == 200, data[:300]
    result = json.loads(data)["results"][0]
    assert result["account"] == "nonet:octocat" and result["error"]["code"] == "unknown_network"


@pytest.mark.parametrize("head, complete", [
    (b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", True),
    (b"GET / HTTP/1.1\r\nHost: x\r\n", False),                          # head still coming
    (b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nab", False),         # slow body: waits
    (b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nabcde", True),
    (b"POST / HTTP/1.1\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n", True),
    (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", True),   # the thread reads it
    (b"G" * 9001, True),                                               # over the limit: 4xx
])
def test_when_a_request_is_complete_enough_for_a_thread(head, complete):
    from service.gunicorn_worker import request_complete

    assert request_complete(head, 9000) is complete
