"""kill -9 of a gunicorn worker mid-request loses no snapshot of a completed response.

gunicorn with two workers runs against a fake upstream that holds every call at a gate. The
test waits (polling, with a deadline) until a worker is provably mid-request: the fake holds
one of its calls, traced to the worker's process through the connection's port in /proc.
That worker is killed, then the gate opens. Every request that got its answer must find its
day's snapshot in the history afterwards (the snapshot is committed before the response is
sent), and the master replaces the dead worker.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bench._servers import Gunicorn, http_get, service_env, upgrade_db
from tests.resilience.conftest import ShortRetryFake


class GatedFake(ShortRetryFake):
    """Holds every upstream call until ``gate`` is set; ``held`` are the client ports of the
    calls waiting now."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.gate = threading.Event()
        self.held: set[int] = set()

    def _wsgi(self, environ, start_response):
        port = int(environ.get("REMOTE_PORT") or 0)
        with self._lock:
            self.held.add(port)
        try:
            self.gate.wait(30)
        finally:
            with self._lock:
                self.held.discard(port)
        return super()._wsgi(environ, start_response)


def socket_owner(local_port: int, pids: list[int]) -> int | None:
    """The process among ``pids`` that owns the TCP socket bound to ``local_port``."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == local_port:
                inodes.add(f"socket:[{fields[9]}]")
    for pid in pids:
        try:
            fds = list(Path(f"/proc/{pid}/fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(fd) in inodes:
                    return pid
            except OSError:
                continue
    return None


ROLES = ("general", "engineering", "research", "communications", "sales", "leadership")
STORED = ("scored", "insufficient_data")


def workers_of(master: int) -> list[int]:
    path = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in path.read_text().split()] if path.exists() else []


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc")
def test_kill_9_of_a_worker_mid_request_loses_no_committed_snapshot():
    with GatedFake(latency=0.05) as fake, tempfile.TemporaryDirectory() as tmp:
        subjects = ["github:octocat", "gitlab:octocat", "stackoverflow:22656",
                    "hackernews:octocat", "devto:octocat", "x:octocat",
                    f"mastodon:octocat@{fake.mastodon_host}"]
        env = service_env(fake, Path(tmp) / "instance", extra={"CANDOR_REPORT_DEADLINE": "6"})
        upgrade_db(env)
        server = Gunicorn(env, workers=2, threads=4, log_path=Path(tmp) / "gunicorn.log").start()
        try:
            assert server.proc is not None
            master = server.proc.pid
            before = workers_of(master)
            assert len(before) == 2, before

            def one(item: tuple[str, str]) -> tuple[str, str, int | None, dict | None]:
                subject, role = item
                network, _, handle = subject.partition(":")
                try:
                    status, _, body = http_get(server.port, f"/v1/reports/{network}/{handle}"
                                               f"?role={role}", timeout=20)
                except (OSError, http.client.HTTPException):
                    return subject, role, None, None  # the killed worker's requests
                return subject, role, status, json.loads(body)

            plan = [(s, r) for r in ROLES[:4] for s in subjects]
            with ThreadPoolExecutor(8) as pool:
                futures = [pool.submit(one, item) for item in plan]
                victim = None
                deadline = time.monotonic() + 20
                try:
                    while victim is None:
                        assert time.monotonic() < deadline, "no worker ever called upstream"
                        with fake._lock:
                            held = sorted(fake.held)
                        owners = {socket_owner(port, before) for port in held} - {None}
                        victim = min(owners) if owners else None
                        time.sleep(0.02)  # polling the condition above, bounded by deadline
                    os.kill(victim, signal.SIGKILL)  # it is waiting on upstream right now
                finally:
                    fake.gate.set()
                results = [f.result() for f in futures]

            answered = [r for r in results if r[2] is not None]
            lost = [r for r in results if r[2] is None]
            assert all(status < 500 for _, _, status, _ in answered), \
                [(s, r, st) for s, r, st, _ in answered if st >= 500]
            assert lost, "the kill hit no request in flight: the test proved nothing"
            assert len(answered) >= len(plan) // 3

            today = datetime.now(UTC).date().isoformat()
            checked = 0
            for subject, role, status, report in answered:
                if status != 200 or report["status"] not in STORED:
                    continue
                network, _, handle = subject.partition(":")
                status, _, body = http_get(server.port, f"/v1/reports/{network}/{handle}"
                                           f"/history?role={role}")
                assert status == 200, body[:300]
                dates = [p["date"] for p in json.loads(body)["snapshots"]]
                assert today in dates, f"{subject} ({role}) answered but has no snapshot"
                checked += 1
            assert checked >= 5

            deadline = time.monotonic() + 10
            while len(workers_of(master)) != 2 or victim in workers_of(master):
                assert time.monotonic() < deadline, "the master did not replace the worker"
                time.sleep(0.1)
            assert http_get(server.port, "/readyz")[0] == 200
        finally:
            server.stop()
