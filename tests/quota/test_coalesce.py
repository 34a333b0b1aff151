"""The coalescer: concurrent cold subjects of one network share one fetch_many request.

The connector here is a small one written for the test against a local HTTP server (the
network edge); the coalescer, the upstream client and the quota priority are the real ones.
No sleeps: threads meet at barriers, and the test waits on the coalescer's own state.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Response

from service.coalesce import Coalescer
from service.config import Settings
from service.networks.base import Connector, NetworkData
from service.upstream import Upstream, UpstreamError, quota

NOW = datetime(2026, 11, 20, tzinfo=UTC)
WHOLE = frozenset({"idsnet"})  # the test connector answers whole subjects per request


class IdsConnector(Connector):
    """Like Stack Exchange's ``/users/{ids}``: several ids, ``;``-separated, in one call."""

    network = "idsnet"
    batch_size = 3

    def __init__(self, settings: Settings, upstream: Upstream, base: str):
        super().__init__(settings, upstream)
        self.base = base
        self.levels: list[str] = []

    def validate(self, handle: str) -> str:
        return handle

    def fetch(self, handle: str, *, now: datetime) -> NetworkData:
        return self.fetch_many([handle], now=now)[handle]  # type: ignore[return-value]

    def fetch_many(self, handles, *, now):
        self.levels.append(quota.current_priority())
        resp = self.upstream.get(f"{self.base}/users/{';'.join(handles)}", network=self.network)
        found = {item["id"]: item for item in resp.json()}
        out: dict[str, NetworkData | Exception] = {}
        for handle in handles:
            if handle in found:
                out[handle] = NetworkData(self.network, handle, display_name=found[handle]["name"])
            else:
                out[handle] = UpstreamError("upstream_error", f"{handle} failed")
        return out


@pytest.fixture
def srv():
    server = HTTPServer(host="127.0.0.1", threaded=True)
    server.start()

    def users(request):
        ids = request.path.rsplit("/", 1)[-1].split(";")
        import json

        return Response(json.dumps([{"id": i, "name": i.upper()} for i in ids if i != "bad"]),
                        content_type="application/json")

    server.expect_request(__import__("re").compile(r"^/users/.*")).respond_with_handler(users)
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def connector(srv):
    settings = Settings()
    return IdsConnector(settings, Upstream(settings), srv.url_for("").rstrip("/"))


def _run_together(coalescer, connector, handles, level="interactive"):
    barrier = threading.Barrier(len(handles))

    def one(handle):
        barrier.wait()
        with quota.priority(level):
            return coalescer.fetch(connector, handle, now=NOW)

    with ThreadPoolExecutor(len(handles)) as pool:
        return list(pool.map(one, handles))


def test_concurrent_subjects_share_one_request(srv, connector):
    # A long window: the batch closes because it is full, not because time passed.
    coalescer = Coalescer(whole_batches=WHOLE, window=30.0, idle_dispatch=False)
    results = _run_together(coalescer, connector, ["a", "b", "c"])  # interactive
    assert [r.display_name for r in results] == ["A", "B", "C"]
    assert len(srv.log) == 1
    ids = srv.log[0][0].path.rsplit("/", 1)[-1].split(";")
    assert sorted(ids) == ["a", "b", "c"]
    assert coalescer.stats["requests"] == 1 and coalescer.stats["subjects"] == 3


def test_full_batches_split_and_failures_stay_per_subject(srv, connector):
    coalescer = Coalescer(whole_batches=WHOLE, window=30.0, idle_dispatch=False)
    handles = ["a", "b", "bad", "d", "e", "f"]
    barrier = threading.Barrier(len(handles))

    def one(handle):
        barrier.wait()
        try:
            return coalescer.fetch(connector, handle, now=NOW).display_name
        except UpstreamError as exc:
            return exc.kind

    with ThreadPoolExecutor(len(handles)) as pool:
        got = list(pool.map(one, handles))
    assert got == ["A", "B", "upstream_error", "D", "E", "F"]
    assert len(srv.log) == 2  # six subjects, batches of three


def test_the_same_subject_twice_is_asked_once(srv, connector):
    coalescer = Coalescer(whole_batches=WHOLE, window=30.0, idle_dispatch=False)
    with ThreadPoolExecutor(4) as pool:
        first = [pool.submit(coalescer.fetch, connector, "a", now=NOW) for _ in range(2)]
        deadline = time.monotonic() + 10
        while coalescer.waiting() < 2:
            assert time.monotonic() < deadline, "the two requests never met in a batch"
            time.sleep(0.001)  # polling a condition with a deadline
        # Both wait in one open batch holding "a" once; two more subjects fill it.
        assert not any(f.done() for f in first)
        rest = [pool.submit(coalescer.fetch, connector, h, now=NOW) for h in ("b", "c")]
        assert [f.result(timeout=10).handle for f in first + rest] == ["a", "a", "b", "c"]
    assert len(srv.log) == 1


def test_a_lone_request_on_an_idle_network_goes_at_once(srv, connector):
    # A window that would time the test out if it were waited for.
    coalescer = Coalescer(whole_batches=WHOLE, window=30.0)
    done = threading.Event()
    result: list = []

    def one():
        result.append(coalescer.fetch(connector, "a", now=NOW))
        done.set()

    thread = threading.Thread(target=one, daemon=True)
    thread.start()
    assert done.wait(10), "an idle network made a lone request wait for the window"
    assert result[0].display_name == "A"


def _wait_for(coalescer, members):
    deadline = time.monotonic() + 10
    while coalescer.waiting() < members:
        assert time.monotonic() < deadline, "the requests never met in a batch"
        time.sleep(0.001)  # polling a condition with a deadline


def test_a_hover_joining_a_batch_sends_it_at_once_as_interactive(srv, connector):
    # Windows long enough to time the test out: only the hover can send this batch.
    coalescer = Coalescer(whole_batches=WHOLE, window=30.0, batch_window=30.0, idle_dispatch=False)
    connector.batch_size = 10

    def one(handle, level):
        with quota.priority(level):
            return coalescer.fetch(connector, handle, now=NOW)

    with ThreadPoolExecutor(3) as pool:
        batch = [pool.submit(one, h, "batch") for h in ("a", "b")]
        _wait_for(coalescer, 2)
        hover = pool.submit(one, "c", "interactive")
        assert [f.result(timeout=10).handle for f in (*batch, hover)] == ["a", "b", "c"]
    assert connector.levels == ["interactive"] and len(srv.log) == 1


def test_batch_work_waits_for_company_even_on_an_idle_network(srv, connector):
    # Idle dispatch is for people waiting, not for batch work.
    coalescer = Coalescer(whole_batches=WHOLE, window=30.0, batch_window=30.0)
    _run_together(coalescer, connector, ["d", "e", "f"], level="batch")
    assert connector.levels == ["batch"] and len(srv.log) == 1


def test_connectors_without_batches_are_called_directly(srv, connector):
    connector.batch_size = 1
    coalescer = Coalescer(whole_batches=WHOLE, window=30.0, idle_dispatch=False)
    assert coalescer.fetch(connector, "a", now=NOW).display_name == "A"
    assert coalescer.stats["requests"] == 0


def test_networks_that_fan_out_per_subject_are_coalesced_for_batch_work_only(srv, connector):
    """A connector whose batch still fetches each subject's details one after another is
    not coalesced while a person waits, and for batch work only under a published quota."""
    people = Coalescer(whole_batches=frozenset(), batch_networks=frozenset({"idsnet"}),
                       window=30.0, batch_window=30.0, idle_dispatch=False)
    _run_together(people, connector, ["a", "b", "c"])  # interactive: one request each
    assert len(srv.log) == 3 and people.stats["requests"] == 0
    _run_together(people, connector, ["d", "e", "f"], level="batch")
    assert len(srv.log) == 4
    unlimited = Coalescer(whole_batches=frozenset(), batch_networks=frozenset(),
                          window=30.0, batch_window=30.0, idle_dispatch=False)
    _run_together(unlimited, connector, ["g", "h", "i"], level="batch")
    assert len(srv.log) == 7


def test_a_batch_holding_every_job_slot_goes_without_waiting_out_the_window(
        srv, connector, monkeypatch):
    """A lookup has at most CANDOR_LOOKUP_CONCURRENCY subjects of a network in flight: a
    batch-priority batch with that many members cannot grow, so it is sent at once rather
    than idling every job slot for the window (a 30 s window here would time out)."""
    monkeypatch.setenv("CANDOR_LOOKUP_CONCURRENCY", "3")
    coalescer = Coalescer(whole_batches=WHOLE, window=30.0, batch_window=30.0,
                          idle_dispatch=False)
    connector.batch_size = 10  # larger than the job concurrency, like GitHub's 12 vs 8

    def one(handle):
        with quota.priority("batch"):
            return coalescer.fetch(connector, handle, now=NOW)

    with ThreadPoolExecutor(3) as pool:
        first = [pool.submit(one, h) for h in ("a", "b")]
        _wait_for(coalescer, 2)
        assert not any(f.done() for f in first)  # two of three slots: still open
        last = pool.submit(one, "c")
        got = [f.result(timeout=10).handle for f in (*first, last)]
    assert got == ["a", "b", "c"] and len(srv.log) == 1
    assert connector.levels == ["batch"]
