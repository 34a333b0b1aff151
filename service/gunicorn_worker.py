"""A gthread worker that gives a connection a thread only once its request has arrived.

gunicorn's gthread worker hands every accepted connection to a thread, which then blocks
reading the request line and headers. A client that sends them a byte at a time (slowloris)
holds that thread for as long as it likes: 40 such connections took every thread of the
default configuration and the health probes timed out. Here the worker's event loop (one
``select`` for all sockets) reads the request head — and a body of known length up to
``MAX_BUFFERED_BODY`` — without blocking, and only a complete request is queued for a
thread. A request that is not complete within ``HEADER_TIMEOUT`` seconds is dropped. So a
slow client costs a socket and a few KB of buffer, never a thread; a probe on another
connection is answered at once.

Errors gunicorn itself answers (a bad request line, a 414 for an overlong URL, 431 for too
many header bytes) are sent in our JSON error shape, not gunicorn's HTML page.

Use: ``worker_class = "service.gunicorn_worker.BufferingThreadWorker"`` (gunicorn_conf.py).
TLS is terminated by the load balancer in front (docs/DEPLOY.md); with ``certfile`` set, or
HTTP/2 enabled, the worker behaves exactly as gthread.
"""

from __future__ import annotations

import errno
import io
import json
import os
import re
import selectors
import time
from collections import deque
from contextlib import suppress
from functools import partial

from gunicorn import http, util
from gunicorn.workers import gthread

# Seconds a client has to send its request line, headers and (small) body.
HEADER_TIMEOUT = float(os.environ.get("GUNICORN_HEADER_TIMEOUT", "10"))
# Bodies up to this size are buffered before a thread is used (our API limit is 256 KB).
MAX_BUFFERED_BODY = 512 * 1024
_CONTENT_LENGTH = re.compile(rb"\r\ncontent-length[ \t]*:[ \t]*([0-9]{1,12})[ \t]*\r\n", re.I)
_EXPECT = re.compile(rb"\r\nexpect[ \t]*:", re.I)

_CODES = {400: "bad_request", 403: "forbidden", 414: "uri_too_long",
          417: "expectation_failed", 431: "headers_too_large", 500: "internal_error",
          501: "not_implemented"}


def write_json_error(sock, status_int: int, reason: str, mesg: str) -> None:  # noqa: ANN001
    """gunicorn's ``util.write_error`` with our error body: ``{"error": {...}}``."""
    body = json.dumps({"error": {
        "code": _CODES.get(status_int, "http_error"),
        # gunicorn's message quotes the client's bytes; the reason phrase is enough.
        "message": reason.lower() if status_int != 500 else "something went wrong on our side",
        "details": {}}}).encode()
    head = (f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
            f"Content-Type: application/json\r\nCache-Control: no-store\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode("latin1")
    util.write_nonblock(sock, head + body)


def request_complete(buf: bytes, limit: int) -> bool:
    """True once ``buf`` holds a whole request head (and its body, if small and sized), or
    more bytes than any valid head may have: the parser then answers with its error."""
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        return len(buf) > limit
    match = _CONTENT_LENGTH.search(buf, 0, end + 2)
    if match is None or _EXPECT.search(buf, 0, end + 2):
        # No body, chunked, or a client waiting for "100 Continue" before it sends the body:
        # the thread reads the rest.
        return True
    length = int(match.group(1))
    return length > MAX_BUFFERED_BODY or len(buf) >= end + 4 + length


class BufferingThreadWorker(gthread.ThreadWorker):
    def __init__(self, *args, **kwargs):  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.reading_conns: deque = deque()  # ordered by deadline (all get the same timeout)
        cfg = self.cfg
        self.head_limit = (cfg.limit_request_line + 4
                           + cfg.limit_request_fields * (cfg.limit_request_field_size + 2))

    def _buffering(self) -> bool:
        # TLS and HTTP/2 cleartext read their own preface in the thread: leave them as gthread.
        return not self.cfg.is_ssl and getattr(self.cfg, "http2_cleartext", None) in (
            None, "", "off", "none", False)

    def init_process(self) -> None:
        # Every error page gunicorn writes in this process is JSON (see write_json_error).
        util.write_error = write_json_error
        super().init_process()

    # -- connections arrive: read the request in the event loop, not in a thread ------------
    def accept(self, listener) -> None:  # noqa: ANN001
        if not self._buffering():
            return super().accept(listener)
        try:
            client_sock, client_addr = listener.accept()
        except OSError as e:
            if e.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        conn = gthread.TConn(self.cfg, client_sock, client_addr, listener.getsockname())
        self._start_reading(conn)

    def on_client_socket_readable(self, conn, client) -> None:  # noqa: ANN001
        """A kept-alive connection sends its next request: read it the same way."""
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        if not self._buffering():
            return self.enqueue_req(conn)
        self._start_reading(conn)
        self._on_bytes(conn, client)

    def enqueue_req(self, conn) -> None:  # noqa: ANN001
        if getattr(conn, "complete", False) or not self._buffering():
            conn.complete = False
            return super().enqueue_req(conn)
        # Called by gthread for bytes of a pipelined next request that the previous one read
        # ahead: they may be a partial request too, so they wait in the event loop as well.
        leftover = conn.parser.unreader.buf.getvalue() if conn.parser is not None else b""
        if conn.parser is not None:
            conn.parser.unreader.buf = io.BytesIO()
        self._start_reading(conn, leftover)
        self._check(conn)

    def _start_reading(self, conn, initial: bytes = b"") -> None:  # noqa: ANN001
        conn.sock.setblocking(False)
        conn.head = bytearray(initial)
        conn.timeout = time.monotonic() + HEADER_TIMEOUT
        self.reading_conns.append(conn)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._on_bytes, conn))

    def _on_bytes(self, conn, client) -> None:  # noqa: ANN001
        try:
            data = conn.sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:  # the client went away
            self._stop_reading(conn)
            self.nr_conns -= 1
            conn.close()
            return
        conn.head += data
        self._check(conn)

    def _check(self, conn) -> None:  # noqa: ANN001
        """Queue the connection for a thread once its request is complete."""
        if not request_complete(bytes(conn.head), self.head_limit):
            return
        self._stop_reading(conn)
        if conn.parser is None:
            conn.parser = http.get_parser(self.cfg, conn.sock, conn.client)
        conn.parser.unreader.unread(bytes(conn.head))
        conn.head = bytearray()
        conn.data_ready = True
        conn.complete = True
        self.enqueue_req(conn)

    def _stop_reading(self, conn) -> None:  # noqa: ANN001
        with suppress(OSError, KeyError, ValueError):
            self.poller.unregister(conn.sock)
        with suppress(ValueError):
            self.reading_conns.remove(conn)

    def murder_pending(self) -> None:
        """Also drop connections whose request did not arrive within HEADER_TIMEOUT."""
        super().murder_pending()
        now = time.monotonic()
        while self.reading_conns and self.reading_conns[0].timeout <= now:
            conn = self.reading_conns[0]
            self._stop_reading(conn)
            self.nr_conns -= 1
            conn.close()
