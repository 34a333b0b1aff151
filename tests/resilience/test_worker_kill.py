"""kill -9 of a gunicorn worker mid-request loses no snapshot of a completed response.

gunicorn with two workers runs against a slow fake upstream; while requests are in flight one
worker is killed. Every request that got its answer must find its day's snapshot in the
history afterwards (the snapshot is committed before the response is sent), and the master
replaces the dead worker.
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

ROLES = ("general", "engineering", "research", "communications", "sales", "leadership")
STORED = ("scored", "insufficient_data")


def workers_of(master: int) -> list[int]:
    path = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in path.read_text().split()] if path.exists() else []


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc")
def test_kill_9_of_a_worker_mid_request_loses_no_committed_snapshot():
    with ShortRetryFake(latency=0.25) as fake, tempfile.TemporaryDirectory() as tmp:
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
            killer = threading.Timer(0.6, os.kill, (before[0], signal.SIGKILL))
            killer.start()
            with ThreadPoolExecutor(8) as pool:
                results = list(pool.map(one, plan))
            killer.join()

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
            while len(workers_of(master)) != 2 or before[0] in workers_of(master):
                assert time.monotonic() < deadline, "the master did not replace the worker"
                time.sleep(0.1)
            assert http_get(server.port, "/readyz")[0] == 200
        finally:
            server.stop()
