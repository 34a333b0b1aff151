"""Start the fake upstream and real gunicorn instances for benchmarks and tests.

Everything started here is stopped here, by process id. A person can run the same setup
by hand and poke at it with curl or wrk:

    python -m bench._servers [--instances 2] [--cache-url redis://127.0.0.1:6379/8]

which prints each instance's URL and the fake upstream's, and stops them all on Ctrl-C.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.fakes.server import FakeUpstream  # noqa: E402

GUNICORN_APP = "service:create_app()"
# The same app with the per-IP rate limit off: a loopback load generator is a single client
# IP and would measure 429s. Everything else (gunicorn config, cache, hooks) is unchanged.
UNLIMITED_APP = "bench._servers:create_app_without_rate_limit()"


def create_app_without_rate_limit():  # noqa: ANN201 - a Flask app
    from service import create_app

    app = create_app()
    limiter = app.extensions.get("candor_limiter")
    if limiter is not None:
        limiter.enabled = False  # Flask-Limiter checks this on every request
    return app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def flush_redis_db(url: str) -> None:
    """Empty the Redis database of ``url`` (benchmarks and tests own a db number each)."""
    import redis

    client = redis.Redis.from_url(url, socket_timeout=2)
    try:
        client.flushdb()
    finally:
        client.close()


def service_env(fake: FakeUpstream, instance_path: str | os.PathLike[str], *,
                cache_url: str | None = None, database_url: str | None = None,
                extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a service process pointed at ``fake``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CANDOR_")}
    env.update(fake.env())
    env["CANDOR_INSTANCE_PATH"] = str(instance_path)
    if cache_url:
        env["CANDOR_CACHE_URL"] = cache_url
    if database_url:
        env["CANDOR_DATABASE_URL"] = database_url
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    env.update(extra or {})
    return env


def upgrade_db(env: dict[str, str]) -> None:
    """``candor db upgrade`` (the Procfile's release phase) in a subprocess."""
    cmd = [shutil.which("candor") or "", "db", "upgrade"]
    if not cmd[0]:  # not installed as a script: the same command through the module
        cmd = [sys.executable, "-m", "service.cli", "db", "upgrade"]
    subprocess.run(cmd, env=env, cwd=ROOT, check=True, capture_output=True, timeout=60)


def http_get(port: int, path: str, headers: dict[str, str] | None = None,
             timeout: float = 10.0) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


class Gunicorn:
    """One production server: ``gunicorn -c python:service.gunicorn_conf APP``."""

    def __init__(self, env: dict[str, str], *, port: int | None = None, workers: int = 2,
                 threads: int | None = None, log_path: str | os.PathLike[str] | None = None,
                 app: str = GUNICORN_APP):
        self.app = app
        self.port = port or free_port()
        self.env = {**env, "PORT": str(self.port), "HOST": "127.0.0.1",
                    "WEB_CONCURRENCY": str(workers)}
        if threads:
            self.env["GUNICORN_THREADS"] = str(threads)
        self.log_path = Path(log_path) if log_path else None
        self.proc: subprocess.Popen[bytes] | None = None
        self._log = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, ready_timeout: float = 15.0) -> Gunicorn:
        cmd = [sys.executable, "-m", "gunicorn", "-c", "python:service.gunicorn_conf", self.app]
        if self.log_path:
            self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(cmd, env=self.env, cwd=ROOT, stdout=self._log or
                                     subprocess.DEVNULL, stderr=self._log or subprocess.DEVNULL)
        self.wait_ready(ready_timeout)
        return self

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}"
                                   + (f"; log: {self.log_path}" if self.log_path else ""))
            try:
                status, _, body = http_get(self.port, "/readyz", timeout=2)
                if status == 200:
                    return
                last = f"{status} {body[:200]!r}"
            except OSError as exc:
                last = str(exc)
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn on port {self.port} not ready after {timeout}s: {last}")

    def stop(self, timeout: float = 10.0) -> int | None:
        """SIGTERM the master (graceful: workers finish their requests), then wait."""
        code = None
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                code = self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                code = self.proc.wait(5)
        elif self.proc is not None:
            code = self.proc.returncode
        if self._log:
            self._log.close()
            self._log = None
        return code

    def __enter__(self) -> Gunicorn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextlib.contextmanager
def cluster(instances: int = 2, *, cache_url: str | None, workers: int = 2,
            threads: int | None = None, latency: float = 0.0,
            database_url: str | None = None,
            app: str = GUNICORN_APP) -> Iterator[tuple[FakeUpstream, list[Gunicorn]]]:
    """The fake upstream plus ``instances`` gunicorn servers sharing one database and cache."""
    with FakeUpstream(latency=latency) as fake, tempfile.TemporaryDirectory() as tmp:
        env = service_env(fake, Path(tmp) / "instance", cache_url=cache_url,
                          database_url=database_url)
        upgrade_db(env)
        servers: list[Gunicorn] = []
        try:
            for i in range(instances):
                servers.append(Gunicorn(env, workers=workers, threads=threads, app=app,
                                        log_path=Path(tmp) / f"gunicorn-{i}.log").start())
            yield fake, servers
        finally:
            for server in servers:
                server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/8")
    parser.add_argument("--latency", type=float, default=0.0, help="fake upstream delay, s")
    args = parser.parse_args()
    with cluster(args.instances, cache_url=args.cache_url, workers=args.workers,
                 latency=args.latency) as (fake, servers):
        print(f"fake upstream {fake.url}")
        for server in servers:
            print(f"instance {server.url}  e.g. curl {server.url}/v1/badges/github/octocat")
        print("Ctrl-C stops everything")
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)


if __name__ == "__main__":
    main()
