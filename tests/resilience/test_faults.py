"""Fault injection: upstreams fail in every way we know while load runs; the service never 5xx.

A real threaded server runs the app; its fake upstreams switch per network between
timeouts, 500/502/503, 429 with Retry-After, malformed, truncated and huge bodies. Every
answer must be a full report, a degraded one naming the failing networks, or a stale one
with its age; degraded results must not stick once the faults clear; a rate-limited host
must be used again once its Retry-After passes, without a restart.
"""

from __future__ import annotations

import json
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from schemas.badge import Badge, BatchResult
from schemas.report import Report
from service.cache import cache_key
from tests.fakes.server import FAULTS
from tests.resilience.conftest import RETRY_AFTER, LiveServer

# Fake network names (first path segment of the fake server) -> the report's network name.
FAKE_NETWORKS = ("github", "gitlab", "stackexchange", "bluesky", "hackernews", "hnsearch",
                 "devto", "openalex", "x", "mastodon")
ROLES = ("general", "engineering", "research", "communications")
LOAD_REQUESTS = 300


def _subjects(mastodon_host: str) -> list[str]:
    found = ["github:octocat", "gitlab:octocat", "stackoverflow:22656", "hackernews:octocat",
             "devto:octocat", f"mastodon:octocat@{mastodon_host}", "x:octocat",
             "orcid:0000-0002-1825-0097", "github:flaky", "github:hostile"]
    return found + [f"github:load-user-{i}" for i in range(40)]


def _path(kind: str, subject: str, role: str) -> str:
    network, _, handle = subject.partition(":")
    return f"/v1/{kind}/{network}/{handle}?role={role}"


def schema_errors(schema: object, data: dict) -> dict:
    """Validation errors other than "Unknown field" (the OpenAPI document allows extra
    properties: it does not set ``additionalProperties: false``)."""
    def prune(errors: object) -> object:
        if isinstance(errors, dict):
            kept = {k: prune(v) for k, v in errors.items()}
            return {k: v for k, v in kept.items() if v}
        if isinstance(errors, list):
            return [e for e in errors if e != "Unknown field."]
        return errors

    return prune(schema.validate(data))  # type: ignore[attr-defined]


def _check_report(data: dict, cache_state: str) -> None:
    errors = schema_errors(Report(), data)
    assert not errors, errors
    failed = {n["network"] for n in data["networks"] if n["status"] == "failed"}
    named = {d["network"] for d in data["degraded"]}
    assert failed <= named, f"failed networks {failed} not named in degraded {named}"
    if cache_state == "stale":
        assert isinstance(data["stale"], int) and data["stale"] >= 0, "stale without its age"


def _check(status: int, headers: dict, body: bytes, kind: str) -> None:
    assert status < 500, f"{status} {body[:300]!r}"
    assert status in (200, 202), f"{status} {body[:300]!r}"
    assert headers["content-type"].startswith("application/json")
    data = json.loads(body)
    if kind == "reports" and status == 200:
        _check_report(data, headers.get("x-candor-cache", ""))
    elif kind == "badges":
        assert not schema_errors(Badge(), data), schema_errors(Badge(), data)
        if headers.get("x-candor-cache") == "stale":
            assert isinstance(data["stale"], int)
    elif kind == "batch":
        assert not schema_errors(BatchResult(), data), schema_errors(BatchResult(), data)


def _chaos(fake, stop: threading.Event, seed: int) -> None:
    """Every 0.2 s: three random networks get a random fault, the others recover."""
    rng = random.Random(seed)
    while not stop.is_set():
        fake.faults.clear()
        for network in rng.sample(FAKE_NETWORKS, 3):
            fake.faults[network] = rng.choice(FAULTS)
        stop.wait(0.2)
    fake.faults.clear()


def test_load_under_rotating_faults_never_5xx_and_degraded_entries_expire(live: LiveServer, fake):
    rng = random.Random(7)
    subjects = _subjects(fake.mastodon_host)
    plan = []
    for _ in range(LOAD_REQUESTS):
        subject, role = rng.choice(subjects), rng.choice(ROLES)
        kind = rng.choices(("reports", "badges", "batch"), (5, 4, 1))[0]
        plan.append((kind, subject, role, rng.sample(subjects, 5)))

    def one(item: tuple) -> tuple[str, str, str]:
        kind, subject, role, batch = item
        if kind == "batch":
            status, headers, body = live.request("POST", "/v1/badges",
                                                 {"accounts": batch, "role": role})
        else:
            status, headers, body = live.get(_path(kind, subject, role))
        _check(status, headers, body, kind)
        return kind, subject, role

    stop = threading.Event()
    chaos = threading.Thread(target=_chaos, args=(fake, stop, 11), daemon=True)
    chaos.start()
    try:
        with ThreadPoolExecutor(16) as pool:
            done = list(pool.map(one, plan))
    finally:
        stop.set()
        chaos.join()
    assert len(done) == LOAD_REQUESTS
    assert sum(fake.hits.values()) > 0

    # Every degraded entry is fresh for minutes, not the six hours of a complete one.
    cache = live.services.cache
    keys = {cache_key(s, r, ()) for k, s, r in done if k != "batch"}
    keys = {k for k in keys if cache.get(k) is not None}
    degraded = {k: cache.get(k) for k in keys if cache.get(k).degraded}
    assert degraded, "the faults never degraded a report: the test exercised nothing"
    for env in degraded.values():
        assert env.fresh_until - env.computed_at <= 5.5 * 60

    # Faults are gone; wait for the 1 s cooldowns to pass. Let the short freshness run out
    # (rewrite the clock of those entries), then ask again: a fresh computation replaces them.
    _wait_cooldowns_over(live)
    for key, env in degraded.items():
        cache.put(key, replace(env, fresh_until=time.time() - 1,
                               computed_at=env.computed_at - 400))
    sample = sorted(degraded)[:8]
    for key in sample:
        subject, role = _key_parts(key)
        status, headers, body = live.get(_path("reports", subject, role))
        assert status == 200 and headers["x-candor-cache"] == "stale", (status, headers)
        assert json.loads(body)["stale"] >= 400
    deadline = time.monotonic() + 10
    remaining = set(sample)
    while remaining and time.monotonic() < deadline:
        for key in sorted(remaining):
            env = cache.get(key)
            if env is not None and not env.degraded and env.is_fresh():
                remaining.discard(key)
        time.sleep(0.1)
    assert not remaining, f"still degraded after faults cleared: {sorted(remaining)}"
    for key in sample:
        subject, role = _key_parts(key)
        status, headers, body = live.get(_path("reports", subject, role))
        data = json.loads(body)
        assert status == 200 and headers["x-candor-cache"] == "hit"
        assert data["degraded"] == [] and data["stale"] is None


def _wait_cooldowns_over(live: LiveServer) -> None:
    """Poll the upstream client until no host is cooling down (Retry-After: 1 s here)."""
    upstream = live.services.upstream
    deadline = time.monotonic() + 10 * RETRY_AFTER
    while upstream.cooling_down():
        assert time.monotonic() < deadline, f"still cooling down: {upstream.cooling_down()}"
        time.sleep(0.05)  # polling the condition above, bounded by the deadline


def _key_parts(key: str) -> tuple[str, str]:
    """(subject, role) back from a cache key built by :func:`cache_key` without accounts."""
    subject, role, _ = key.removeprefix("candor:v1:").rsplit(":", 2)
    return subject, role


def test_rate_limited_host_is_used_again_after_retry_after(live: LiveServer, fake):
    fake.faults["github"] = "429"
    status, _, body = live.get("/v1/reports/github/cooldown-a")
    assert status == 200
    degraded = [{k: d[k] for k in ("network", "reason")} for d in json.loads(body)["degraded"]]
    assert {"network": "github", "reason": "rate_limited"} in degraded  # (plus its retry_at)
    fake.faults.clear()

    # Inside the cooldown the host is not asked at all.
    hits = fake.hits["github"]
    status, _, body = live.get("/v1/reports/github/cooldown-b")
    assert status == 200 and json.loads(body)["degraded"]
    assert fake.hits["github"] == hits, "called a host that asked us to wait"

    _wait_cooldowns_over(live)
    status, _, body = live.get("/v1/reports/github/octocat")
    data = json.loads(body)
    assert status == 200 and data["status"] == "scored"
    assert not any(d["network"] == "github" for d in data["degraded"])
    assert fake.hits["github"] > hits


def test_each_fault_alone_degrades_only_its_network(live: LiveServer, fake):
    for i, fault in enumerate(FAULTS):
        if fault == "timeout":
            continue  # covered by the load test; alone it only costs the 1.5 s deadline
        fake.faults.clear()
        # dev.to is octocat's network-verified linked account (an unverified extra account
        # is not counted, so its failure would degrade nothing).
        fake.faults["devto"] = fault
        status, headers, body = live.get(f"/v1/reports/github/octocat?role={ROLES[i % 4]}")
        assert status == 200, (fault, body[:300])
        data = json.loads(body)
        _check_report(data, headers["x-candor-cache"])
        named = {d["network"] for d in data["degraded"]}
        assert named == {"devto"}, (fault, data["degraded"])
        assert data["status"] == "scored"
