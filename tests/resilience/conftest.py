"""A real threaded HTTP server around the app, and a fake upstream of our own.

The suite's shared fake answers 429 with ``Retry-After: 120``; these tests need to see a
host come back within a second, so they run their own fake whose 429 says ``1`` (the only
difference, at the network edge).
"""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Response

from service import create_app
from service.config import Settings
from service.store.migrate import upgrade
from tests.fakes.server import FakeUpstream

RETRY_AFTER = 1


class ShortRetryFake(FakeUpstream):
    def start(self) -> ShortRetryFake:
        # A short poll interval: stopping a server takes up to one interval, per test.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True)
        self._thread.start()
        return self

    @staticmethod
    def _fault(fault: str) -> Response:
        if fault == "429":
            return Response(b'{"message":"rate limited"}', status=429,
                            headers={"Retry-After": str(RETRY_AFTER)},
                            content_type="application/json")
        return FakeUpstream._fault(fault)


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args: object, **kwargs: object) -> None:
        pass


class LiveServer:
    """``create_app(settings)`` behind werkzeug's threaded server on a free port."""

    def __init__(self, settings: Settings):
        upgrade(settings)
        self.app = create_app(settings)
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True, request_handler=_Quiet)
        self.port = self._server.server_port
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True)

    @property
    def services(self) -> Any:
        return self.app.extensions["candor"]

    def start(self) -> LiveServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def request(self, method: str, path: str, body: Any = None,
                headers: dict[str, str] | None = None,
                timeout: float = 20.0) -> tuple[int, dict[str, str], bytes]:
        """One request on a new connection; ``body`` may be bytes or JSON-able data."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        headers = dict(headers or {})
        if body is not None and not isinstance(body, bytes):
            body = json.dumps(body).encode()
            headers.setdefault("Content-Type", "application/json")
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
        finally:
            conn.close()

    def get(self, path: str, **kwargs: Any) -> tuple[int, dict[str, str], bytes]:
        return self.request("GET", path, **kwargs)


def make_settings(fake: FakeUpstream, tmp_path: Any, **extra: str) -> Settings:
    env = fake.env()
    env["CANDOR_INSTANCE_PATH"] = str(tmp_path / "instance")
    env["CANDOR_REPORT_DEADLINE"] = "1.5"  # the timeout fault sleeps 30 s; keep runs short
    env.update(extra)
    return Settings.from_env(env)


@pytest.fixture
def fake() -> Iterator[ShortRetryFake]:
    server = ShortRetryFake().start()
    yield server
    server.stop()


@pytest.fixture
def live(fake, tmp_path) -> Iterator[LiveServer]:
    server = LiveServer(make_settings(fake, tmp_path)).start()
    yield server
    server.stop()
