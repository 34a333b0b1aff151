"""Redis goes away mid-run and comes back: answers continue, no upstream storm, recovery.

The test owns its Redis: a ``redis-server`` subprocess on a free port with persistence off,
killed and restarted by process id. Without ``redis-server`` the test skips locally and fails
under ``CI=true``.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.redis_isolation import server_missing
from tests.resilience.conftest import LiveServer, make_settings

PURGE_THREAD = "candor-cache-purge"  # the name RedisBackend gives its listener thread


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisProcess:
    def __init__(self, port: int):
        self.port = port
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> RedisProcess:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)


@pytest.fixture
def redis_proc() -> Iterator[RedisProcess]:
    if shutil.which("redis-server") is None:
        server_missing("redis-server not installed")
    server = RedisProcess(_free_port()).start()
    yield server
    server.kill()


def _purge_listeners() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == PURGE_THREAD and t.is_alive()]


def _wait_for(predicate, what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def _many(live: LiveServer, paths: list[str]) -> list[tuple[int, dict, bytes]]:
    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(live.get, paths))


def test_service_survives_redis_outage_and_recovers(fake, tmp_path, redis_proc):
    settings = make_settings(fake, tmp_path, CANDOR_CACHE_URL=f"redis://127.0.0.1:{redis_proc.port}/0")
    listeners_before = set(_purge_listeners())
    live = LiveServer(settings).start()
    try:
        status, _, body = live.get("/v1/reports/github/octocat")
        assert status == 200 and json.loads(body)["status"] == "scored"
        assert live.get("/v1/badges/github/octocat")[0] == 200

        redis_proc.kill()
        # The in-process L1 (1.5 s) may answer until it expires; that is fine too. Wait
        # (bounded) until both known paths come from the database snapshot.
        _wait_for(lambda: all(live.get(p)[1].get("x-candor-cache") == "snapshot"
                              for p in ("/v1/reports/github/octocat",
                                        "/v1/badges/github/octocat")),
                  "known subjects never fell back to the database snapshot")
        hits = sum(fake.hits.values())
        known = ["/v1/reports/github/octocat", "/v1/badges/github/octocat"] * 10
        never_seen = [f"/v1/reports/github/outage-{i}" for i in range(10)]
        answers = _many(live, known + never_seen)
        for status, headers, body in answers[:len(known)]:
            # Known subject: the database snapshot with its age, never cacheable.
            assert status == 200, body[:300]
            assert headers["x-candor-cache"] == "snapshot"
            assert headers["cache-control"] == "no-store"
            assert isinstance(json.loads(body)["stale"], int)
        for status, headers, body in answers[len(known):]:
            # Never computed: a clear 503 asking to come back, not a computation per request.
            assert status == 503, body[:300]
            assert int(headers["retry-after"]) > 0
            assert json.loads(body)["error"]["code"] == "unavailable"
        assert sum(fake.hits.values()) == hits, "fanned out to upstreams without the cache"
        status, _, _ = live.get("/readyz")
        assert status == 503

        redis_proc.start()  # same port, empty: everything must be computed again
        deadline = time.monotonic() + 10
        while live.get("/readyz")[0] != 200:  # the breaker re-probes after its cooldown
            assert time.monotonic() < deadline, "never noticed Redis came back"
            time.sleep(0.2)
        fake.hits.clear()
        fake.path_hits.clear()
        answers = _many(live, ["/v1/reports/github/outage-1"] * 12)
        assert all(a[0] == 200 for a in answers), [a[0] for a in answers]
        assert {json.loads(a[2])["status"] for a in answers} == {"not_found"}
        # Twelve concurrent requests, one computation (single flight through Redis again).
        assert fake.path_hits["github:/users/outage-1"] == 1, dict(fake.path_hits)
        status, headers, _ = live.get("/v1/reports/github/outage-1")
        assert status == 200 and headers["x-candor-cache"] == "hit"
    finally:
        live.stop()
        live.services.cache.close()  # stops the purge listener: no log lines after the test
    _wait_for(lambda: not (set(_purge_listeners()) - listeners_before),
              "the cache purge listener thread outlived the test", timeout=5.0)
