"""Scale-out proof: two gunicorn instances and one RQ worker on the real Redis and PostgreSQL.

Starts the fake upstream (in this process), a PostgreSQL schema of its own, a Redis database
of its own (flushed before and after), two gunicorn instances of the service and one
``candor worker``, then checks:

* cache shared: a report computed on one instance is a hit on the other;
* single flight across instances: 200 concurrent cold requests, half on each instance,
  make one upstream request per endpoint;
* rate limits shared: a key allowed 5 a minute is refused the 6th on the other instance;
* opt-out on one instance is honoured by the other at once;
* batch lookups are completed by the worker while either instance answers the polls;
* ``kill -9`` of the worker mid-lookup loses no item: a new worker resumes it, and the
  items finished before the kill are not computed again.

    python -m bench.multi_instance [--redis-url redis://127.0.0.1:6379/11]
                                   [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]

Prints one line per check and exits 1 if any failed. tests/scaleout runs the same checks.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._servers import (  # noqa: E402
    Gunicorn,
    flush_redis_db,
    service_env,
    upgrade_db,
)
from tests.fakes import github as fake_github  # noqa: E402
from tests.fakes.server import FakeUpstream  # noqa: E402

# db 11: nobody else in this repository uses it (cache tests 0, service 7, bench 8,
# recruiter 13). It is flushed before and after.
REDIS_URL = os.environ.get("CANDOR_SCALEOUT_REDIS_URL", "redis://127.0.0.1:6379/11")
PG_URL = os.environ.get("CANDOR_SCALEOUT_POSTGRES_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test")
CLAIMER = "scaleout-claimer"


class CheckFailed(AssertionError):
    pass


def expect(condition: object, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


# -- HTTP ----------------------------------------------------------------------------------
def call(port: int, method: str, path: str, body: dict | None = None,
         headers: dict[str, str] | None = None,
         timeout: float = 30.0) -> tuple[int, dict[str, str], dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        payload = json.dumps(body).encode() if body is not None else None
        hdrs = {**({"Content-Type": "application/json"} if payload else {}), **(headers or {})}
        conn.request(method, path, body=payload, headers=hdrs)
        resp = conn.getresponse()
        raw = resp.read()
        return resp.status, dict(resp.getheaders()), json.loads(raw) if raw else {}
    finally:
        conn.close()


def bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


# -- the processes -------------------------------------------------------------------------
@contextlib.contextmanager
def pg_schema(url: str) -> Iterator[str]:
    """A fresh PostgreSQL schema, dropped afterwards; yields a URL whose search_path is it."""
    from sqlalchemy import create_engine, make_url, text

    admin = create_engine(url, connect_args={"connect_timeout": 3})
    schema = f"candor_scaleout_{uuid.uuid4().hex[:12]}"
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield scoped.render_as_string(hide_password=False)
    finally:
        with contextlib.suppress(Exception), admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def candor_cmd(*args: str) -> list[str]:
    return [sys.executable, "-c", "import sys; from service.cli import main; "
                                  "sys.exit(main(sys.argv[1:]))", *args]


class Worker:
    """``candor worker`` in a subprocess."""

    def __init__(self, env: dict[str, str], log_path: Path):
        self.env, self.log_path = env, log_path
        self.proc: subprocess.Popen[bytes] | None = None
        self._log = None

    def start(self) -> Worker:
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(candor_cmd("worker"), env=self.env, cwd=ROOT,
                                     stdout=self._log, stderr=self._log)
        return self

    def kill(self) -> None:
        """kill -9: no cleanup, no chance to finish the job or release anything."""
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        self.stop()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if self._log:
            self._log.close()
            self._log = None


@dataclass
class Stack:
    fake: FakeUpstream
    servers: list[Gunicorn]
    env: dict[str, str]
    tmp: Path
    workers: list[Worker] = field(default_factory=list)

    @property
    def ports(self) -> list[int]:
        return [s.port for s in self.servers]

    def worker(self, **extra: str) -> Worker:
        worker = Worker({**self.env, **extra}, self.tmp / f"worker-{len(self.workers)}.log")
        self.workers.append(worker.start())
        return worker

    def create_key(self, name: str, limit: str | None = None) -> str:
        """``candor keys create`` in a subprocess, as an operator would; returns the key."""
        args = ["keys", "create", "--name", name] + (["--limit", limit] if limit else [])
        out = subprocess.run(candor_cmd(*args), env=self.env, cwd=ROOT, check=True,
                             capture_output=True, text=True, timeout=60)
        return out.stdout.strip().splitlines()[-1]

    def log_tail(self, chars: int = 3000) -> str:
        parts = []
        for path in sorted(self.tmp.glob("*.log")):
            parts.append(f"--- {path.name}\n{path.read_text(errors='replace')[-chars:]}")
        return "\n".join(parts)


@contextlib.contextmanager
def stack(redis_url: str = REDIS_URL, database_url: str = PG_URL, *,
          gunicorn_workers: int = 2) -> Iterator[Stack]:
    """The fake upstream, two gunicorn instances on one Redis db and one PostgreSQL schema."""
    flush_redis_db(redis_url)
    with pg_schema(database_url) as db_url, FakeUpstream() as fake, \
            tempfile.TemporaryDirectory() as tmp:
        env = service_env(fake, Path(tmp) / "instance", cache_url=redis_url,
                          database_url=db_url)
        upgrade_db(env)
        st = Stack(fake, [], env, Path(tmp))
        try:
            for i in range(2):
                st.servers.append(Gunicorn(env, workers=gunicorn_workers,
                                           log_path=Path(tmp) / f"gunicorn-{i}.log").start())
            yield st
        finally:
            for worker in st.workers:
                worker.stop()
            for server in st.servers:
                server.stop()
            flush_redis_db(redis_url)


# -- the checks ----------------------------------------------------------------------------
def check_single_flight(st: Stack, n: int = 200,
                        path: str = "/v1/reports/github/octocat") -> str:
    """``n`` concurrent cold requests split across both instances: one upstream request
    per endpoint (each distinct upstream URL fetched once)."""
    st.fake.reset()
    barrier = threading.Barrier(n)
    statuses: Counter[str] = Counter()
    lock = threading.Lock()

    def one(i: int) -> None:
        barrier.wait()
        try:
            status, headers, _ = call(st.ports[i % 2], "GET", path, timeout=60)
            outcome = f"{status} {headers.get('X-Candor-Cache', '')}".strip()
        except (OSError, http.client.HTTPException) as exc:
            outcome = f"error {type(exc).__name__}"
        with lock:
            statuses[outcome] += 1

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    per_url = Counter(full_path for _, full_path, _ in st.fake.requests)
    expect(all(s.startswith("200") for s in statuses), f"not all answered 200: {statuses}")
    expect(per_url, "no upstream request at all: the subject was not cold")
    repeated = {u: c for u, c in per_url.items() if c > 1}
    expect(not repeated, f"upstream URLs fetched more than once: {repeated}")
    return (f"{n} concurrent cold requests on 2 instances -> {sum(per_url.values())} upstream "
            f"requests, each of {len(per_url)} URLs once ({dict(statuses)})")


def check_cache_shared(st: Stack, path: str = "/v1/reports/github/newbie") -> str:
    """Computed on instance 0, a hit on instance 1 with no upstream call."""
    status, headers, first = call(st.ports[0], "GET", path)
    expect(status == 200, f"first request answered {status}")
    first_state = headers.get("X-Candor-Cache")
    before = st.fake.hits.total()
    status, headers, second = call(st.ports[1], "GET", path)
    state = headers.get("X-Candor-Cache")
    expect(status == 200 and state == "hit", f"other instance answered {status} {state}")
    expect(st.fake.hits.total() == before, "the other instance called the upstream")
    expect(second.get("score") == first.get("score"), "the instances disagree on the score")
    return f"instance 0 answered {first_state}, instance 1 a hit with no upstream call"


def check_rate_limit_shared(st: Stack) -> str:
    """A key's whole window spent on instance 0; the next request is refused on instance 1.

    A key's limit keeps its unit (``60/hour`` is 60 in any hour), so 60 requests spend it.
    Per-instance counters would let instance 1 allow 60 more."""
    raw = st.create_key("scaleout rate limit", "60/hour")
    body = {"subjects": [{"accounts": ["github:newbie"]}]}  # fresh: answered at once
    for i in range(60):
        status, headers, data = call(st.ports[0], "POST", "/v1/lookups", body, bearer(raw))
        expect(status == 200, f"request {i + 1} of 60 answered {status}: {data}")
    expect(headers.get("RateLimit-Remaining") == "0", f"remaining after 60: {headers}")
    status, headers, data = call(st.ports[1], "POST", "/v1/lookups", body, bearer(raw))
    expect(status == 429, f"the 61st request, on the other instance, answered {status}")
    expect(data["error"]["code"] == "rate_limited" and "Retry-After" in headers,
           f"429 without our error shape or Retry-After: {data} {headers}")
    return "60/hour key: 60 accepted on instance 0, the 61st refused (429) on instance 1"


@contextlib.contextmanager
def _claimer() -> Iterator[dict]:
    """A fake GitHub profile the person edits (the fake runs in this process)."""
    fake_github.USERS[CLAIMER] = fake_github._user(
        CLAIMER, 9100777, name="Scale Out", bio="Platform engineer.", public_repos=0,
        followers=7, created_at="2015-05-05T00:00:00Z")
    try:
        yield fake_github.USERS[CLAIMER]
    finally:
        del fake_github.USERS[CLAIMER]


def check_opt_out(st: Stack) -> str:
    """Opt out on instance 0; instance 1's very next answers say opted_out."""
    a, b = st.ports
    badge = f"/v1/badges/github/{CLAIMER}"
    with _claimer() as profile:
        status, _, claim = call(a, "POST", "/v1/claims", {"account": f"github:{CLAIMER}"})
        expect(status == 201, f"claim answered {status}: {claim}")
        profile["bio"] = f"Platform engineer. {claim['code']}"
        status, _, verified = call(b, "POST", f"/v1/claims/{claim['id']}/verify")
        expect(status == 200, f"verify answered {status}: {verified}")
        token = verified["token"]
        for port in (a, b, b):  # warm both instances (L1 of whichever worker answers)
            status, _, data = call(port, "GET", badge)
            expect(status == 200 and data["status"] != "opted_out", f"before: {status} {data}")
        status, headers, _ = call(b, "GET", badge)
        expect(headers.get("X-Candor-Cache") == "hit", "the badge was not cached on instance 1")
        status, _, me = call(a, "POST", "/v1/me/opt-out", headers=bearer(token))
        expect(status == 200 and me["opted_out"] is True, f"opt-out answered {status}: {me}")
        seen = []
        for _ in range(6):  # both gunicorn workers of instance 1, whichever answers
            _, _, data = call(b, "GET", badge)
            seen.append(data["status"])
        _, _, report = call(b, "GET", f"/v1/reports/github/{CLAIMER}")
        seen.append(report["status"])
        expect(set(seen) == {"opted_out"}, f"instance 1 after the opt-out answered {seen}")
        status, _, me = call(b, "GET", "/v1/me", headers=bearer(token))
        expect(me.get("opted_out") is True, f"instance 1 /v1/me says {me}")
    return "opted out on instance 0; instance 1's next 7 answers were all opted_out"


def wait_lookup(ports: list[int], lookup_id: str, raw: str, timeout: float,
                until: Callable[[dict], bool] | None = None) -> tuple[dict, Counter[int]]:
    """Poll the instances in turn until the lookup is done (or ``until`` holds)."""
    until = until or (lambda d: d["status"] == "done")
    answered: Counter[int] = Counter()
    deadline = time.monotonic() + timeout
    i = 0
    while True:
        port = ports[i % len(ports)]
        i += 1
        status, _, data = call(port, "GET", f"/v1/lookups/{lookup_id}", headers=bearer(raw))
        expect(status == 200, f"poll on port {port} answered {status}: {data}")
        answered[port] += 1
        if until(data) or time.monotonic() > deadline:
            return data, answered
        time.sleep(0.1)


def check_batch_lookup(st: Stack) -> str:
    """Queued on instance 0, computed by the RQ worker, polled on both instances."""
    raw = st.create_key("scaleout batch")
    subjects = [{"accounts": [f"github:bench-{n}"]} for n in range(1, 6)]
    status, _, queued = call(st.ports[0], "POST", "/v1/lookups",
                             {"subjects": subjects, "purpose": "scale-out"}, bearer(raw))
    expect(status == 202, f"lookup answered {status}: {queued}")
    if not any(w.proc is not None and w.proc.poll() is None for w in st.workers):
        st.worker()
    data, answered = wait_lookup(st.ports, queued["id"], raw, timeout=30)
    expect(data["status"] == "done" and data["done"] == 5, f"lookup not done: {data}")
    expect([r["subject"] for r in data["results"]] == [f"github:bench-{n}" for n in range(1, 6)],
           "results out of order")
    expect(all(r["status"] in ("scored", "insufficient_data") for r in data["results"]),
           f"statuses {[r['status'] for r in data['results']]}")
    expect(all(answered[p] for p in st.ports), f"polls answered per instance: {answered}")
    _, _, other = call(st.ports[1], "GET", f"/v1/lookups/{queued['id']}", headers=bearer(raw))
    expect(other == data, "the two instances show different results")
    return (f"5 subjects done by the RQ worker; polls answered by both instances "
            f"({sum(answered.values())} polls)")


def check_worker_kill(st: Stack, n: int = 10, latency: float = 0.3) -> str:
    """kill -9 of the worker mid-lookup; a new worker finishes it, skipping finished items."""
    for worker in st.workers:
        worker.stop()
    raw = st.create_key("scaleout kill")
    subjects = [f"github:bench-{100 + i}" for i in range(n)]
    st.fake.latency = latency
    try:
        st.fake.reset()
        status, _, queued = call(st.ports[0], "POST", "/v1/lookups",
                                 {"subjects": [{"accounts": [s]} for s in subjects]},
                                 bearer(raw))
        expect(status == 202, f"lookup answered {status}: {queued}")
        first = st.worker(CANDOR_LOOKUP_CONCURRENCY="2")
        part, _ = wait_lookup(st.ports, queued["id"], raw, timeout=30,
                              until=lambda d: d["done"] >= 2 or d["status"] == "done")
        first.kill()
        expect(part["status"] != "done", "the lookup finished before the kill")
        _, _, at_kill = call(st.ports[1], "GET", f"/v1/lookups/{queued['id']}",
                             headers=bearer(raw))
        finished = [r["subject"] for r in at_kill["results"] if r["status"] != "pending"]
        killed_at = time.monotonic()
        st.worker(CANDOR_LOOKUP_CONCURRENCY="2")
        # Up to the lease (10 s) until the sweep re-enqueues it, then the subjects that were
        # in flight wait for the dead worker's compute locks to lapse (the cache's 30 s).
        data, _ = wait_lookup(st.ports, queued["id"], raw, timeout=60)
        resumed_after = time.monotonic() - killed_at
    finally:
        st.fake.latency = 0.0
    expect(data["status"] == "done" and data["done"] == n, f"not completed: {data['done']}/{n}")
    statuses = [r["status"] for r in data["results"]]
    expect(all(s in ("scored", "insufficient_data") for s in statuses), f"statuses {statuses}")
    expect([r["subject"] for r in data["results"]] == subjects, "results out of order")
    refetched = [s for s in finished
                 if st.fake.path_hits[f"github:/users/{s.split(':')[1]}"] != 1]
    expect(not refetched, f"items finished before the kill were computed again: {refetched}")
    for subject in finished:  # their snapshots were committed before the kill
        _, _, history = call(st.ports[1], "GET", f"/v1/reports/github/{subject[7:]}/history")
        expect(history.get("snapshots"), f"no snapshot of {subject}: {history}")
    return (f"worker killed with {len(finished)}/{n} done; a new worker finished all {n} "
            f"in {resumed_after:.1f}s without recomputing the finished ones")


CHECKS: list[tuple[str, Callable[[Stack], str]]] = [
    ("single flight", check_single_flight),
    ("cache shared", check_cache_shared),
    ("rate limits shared", check_rate_limit_shared),
    ("opt-out at once", check_opt_out),
    ("batch lookup via worker", check_batch_lookup),
    ("worker kill -9", check_worker_kill),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis-url", default=REDIS_URL, help="a Redis db this may flush")
    parser.add_argument("--database-url", default=PG_URL,
                        help="PostgreSQL; a schema of its own is created and dropped")
    args = parser.parse_args()
    failed = 0
    started = time.monotonic()
    with stack(args.redis_url, args.database_url) as st:
        print(f"fake upstream {st.fake.url}; instances "
              + ", ".join(s.url for s in st.servers))
        for name, check in CHECKS:
            try:
                print(f"PASS  {name}: {check(st)}", flush=True)
            except Exception as exc:  # noqa: BLE001 - report every check, then fail
                failed += 1
                print(f"FAIL  {name}: {exc}", flush=True)
        if failed:
            print(st.log_tail())
    print(f"{len(CHECKS) - failed}/{len(CHECKS)} checks passed in "
          f"{time.monotonic() - started:.0f}s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
