"""Health probes under a slowloris attack: Candor's worker against stock gthread, one run.

    python -m bench.slowloris [--slow 40] [--seconds 6]

Starts a real gunicorn (``service.gunicorn_conf``, 2 workers x 4 threads) twice, once with
``service.gunicorn_worker.BufferingThreadWorker`` and once with ``GUNICORN_WORKER_CLASS=
gthread``, opens ``--slow`` connections that trickle header bytes and never finish, and polls
``/healthz`` (2 s timeout each) for ``--seconds``. Prints answered/failed probes and latency.
"""

from __future__ import annotations

import argparse
import http.client
import json
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._servers import Gunicorn, service_env  # noqa: E402
from tests.fakes.server import FakeUpstream  # noqa: E402

PROBE_TIMEOUT = 2.0
HEADER_TIMEOUT = 4


@contextmanager
def gunicorn(**extra: str) -> Iterator[Gunicorn]:
    with FakeUpstream() as fake, tempfile.TemporaryDirectory() as tmp:
        env = service_env(fake, Path(tmp) / "instance",
                          extra={"GUNICORN_HEADER_TIMEOUT": str(HEADER_TIMEOUT), **extra})
        server = Gunicorn(env, workers=2, threads=4, log_path=Path(tmp) / "gunicorn.log")
        server.start()
        try:
            yield server
        finally:
            server.stop()


class Slowloris:
    """``count`` connections, each sending a request line and then one header byte every
    0.3 s, never finishing the head."""

    def __init__(self, port: int, count: int = 40):
        self.socks = []
        for _ in range(count):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: candor\r\n")
            self.socks.append(sock)
        self.stop = threading.Event()
        self.dropped: set[int] = set()
        self._thread = threading.Thread(target=self._trickle, daemon=True)
        self._thread.start()

    def _trickle(self) -> None:
        while not self.stop.wait(0.3):  # the attacker's pace, not a synchronisation
            for i, sock in enumerate(self.socks):
                if i in self.dropped:
                    continue
                try:
                    sock.sendall(b"X")
                except OSError:
                    self.dropped.add(i)

    def close(self) -> None:
        self.stop.set()
        self._thread.join(5)
        for sock in self.socks:
            sock.close()


def probe(port: int) -> float | None:
    """Seconds a /healthz took, or None when it failed or took over PROBE_TIMEOUT."""
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=PROBE_TIMEOUT)
    try:
        conn.request("GET", "/healthz")
        resp = conn.getresponse()
        ok = resp.status == 200 and json.loads(resp.read()) == {"status": "ok"}
    except (OSError, http.client.HTTPException, ValueError):
        return None
    finally:
        conn.close()
    return time.monotonic() - started if ok else None


def probe_for(port: int, seconds: float) -> list[float | None]:
    results = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        results.append(probe(port))
    return results


def under_attack(slow: int, seconds: float, **extra: str) -> list[float | None]:
    with gunicorn(**extra) as server:
        attack = Slowloris(server.port, slow)
        try:
            return probe_for(server.port, seconds)
        finally:
            attack.close()


def summary(name: str, results: list[float | None]) -> str:
    ok = [r for r in results if r is not None]
    lat = (f"median {statistics.median(ok) * 1000:.1f} ms, max {max(ok) * 1000:.1f} ms"
           if ok else "no answer")
    return f"{name:<28} {len(ok):>5} answered  {len(results) - len(ok):>3} failed  {lat}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slow", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args()
    ours = under_attack(args.slow, args.seconds)
    stock = under_attack(args.slow, args.seconds, GUNICORN_WORKER_CLASS="gthread")
    print(f"{args.slow} slow connections, /healthz polled for {args.seconds:.0f} s "
          f"({PROBE_TIMEOUT:.0f} s timeout per probe)")
    print(summary("BufferingThreadWorker", ours))
    print(summary("stock gthread", stock))
    failed_ours = sum(r is None for r in ours) / max(1, len(ours))
    failed_stock = sum(r is None for r in stock) / max(1, len(stock))
    print(f"failed probes: {failed_ours:.0%} vs {failed_stock:.0%}")


if __name__ == "__main__":
    main()
