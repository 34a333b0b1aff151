"""Issue 15 items 7 and 8: reports are rate-limited, every limit is charged by the accounts a
request fetches, and on the embedded default the counters live in a file every worker
shares, so a recycled gunicorn worker does not reset them."""

from __future__ import annotations

import stat
import tempfile
from pathlib import Path

from bench._servers import Gunicorn, http_get, service_env, upgrade_db
from service.store import keys
from tests.fakes.server import FakeUpstream


def _extra(n: int) -> str:
    return ",".join(f"github:user{i}" for i in range(n))


def test_reports_are_limited_and_charged_by_accounts(make_app):
    client = make_app(CANDOR_REPORT_LIMIT="25/minute").test_client()
    first = client.get(f"/v1/reports/nonet/x?accounts={_extra(20)}")  # 1 + 20 accounts
    assert first.status_code == 404  # charged before the handle is even looked at
    assert first.headers["X-RateLimit-Remaining"] == "4"
    refused = client.get(f"/v1/reports/nonet/x?accounts={_extra(4)}")  # costs 5
    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) >= 1
    assert client.get("/v1/reports/nonet/x").status_code == 404  # costs 1: still fits


def test_distinct_handles_stop_reaching_the_upstream(make_app, upstream_server):
    client = make_app(CANDOR_REPORT_LIMIT="2/minute").test_client()
    assert client.get("/v1/reports/github/octocat").status_code == 200
    assert client.get("/v1/reports/github/newbie").status_code == 200
    calls = upstream_server.hits.total()
    refused = client.get("/v1/reports/github/torvalds")
    assert refused.status_code == 429
    assert upstream_server.hits.total() == calls, "a refused report still called upstream"


def test_a_batch_of_badges_costs_its_accounts(make_app):
    client = make_app(CANDOR_BADGE_LIMIT="60/minute").test_client()
    batch = client.post("/v1/badges", json={"accounts": [f"nonet:a{i}" for i in range(50)]})
    assert batch.status_code == 200
    assert batch.headers["X-RateLimit-Remaining"] == "10"
    over = client.post("/v1/badges", json={"accounts": [f"nonet:b{i}" for i in range(11)]})
    assert over.status_code == 429 and over.get_json()["error"]["code"] == "rate_limited"
    assert client.get("/v1/badges/nonet/c").status_code == 404  # one more still fits


def test_a_lookup_is_charged_by_the_accounts_it_fetches(make_app):
    app = make_app()
    with app.extensions["candor"].database.session() as session:
        _, raw = keys.create_key(session, "acme", limit="30/hour")
    client = app.test_client()
    auth = {"Authorization": f"Bearer {raw}"}

    def subject(i: int, accounts: int) -> dict:
        return {"accounts": [f"github:s{i}a{j}" for j in range(accounts)]}

    two = client.post("/v1/lookups", headers=auth,
                      json={"subjects": [subject(0, 10), subject(1, 10)]})
    assert two.status_code in (200, 202), two.get_json()
    assert two.headers["RateLimit-Limit"] == "30"
    assert two.headers["RateLimit-Remaining"] == "10"  # 2 subjects, 20 accounts: cost 20
    over = client.post("/v1/lookups", headers=auth, json={"subjects": [subject(2, 11)]})
    assert over.status_code == 429
    assert over.get_json()["error"]["details"]["cost"] == 11


def workers_of(master: int) -> set[int]:
    path = Path(f"/proc/{master}/task/{master}/children")
    return {int(pid) for pid in path.read_text().split()}


def test_limits_survive_worker_recycling_on_the_embedded_default():
    """Two gunicorn workers recycled every 3 requests: 12 requests spend a 12/minute limit
    and the 13th is refused, whichever (new) worker answers it."""
    with FakeUpstream() as fake, tempfile.TemporaryDirectory() as tmp:
        env = service_env(fake, Path(tmp) / "instance", extra={
            "CANDOR_REPORT_LIMIT": "12/minute", "GUNICORN_MAX_REQUESTS": "3",
            "GUNICORN_MAX_REQUESTS_JITTER": "0"})
        upgrade_db(env)
        with Gunicorn(env, workers=2, threads=2, log_path=Path(tmp) / "g.log") as server:
            assert server.proc is not None
            seen = workers_of(server.proc.pid)
            statuses = []
            for _ in range(12):
                statuses.append(http_get(server.port, "/v1/reports/nonet/x")[0])
                seen |= workers_of(server.proc.pid)
            refused, headers, body = http_get(server.port, "/v1/reports/nonet/x")
        store = Path(tmp) / "instance" / "cache" / "ratelimits.sqlite3"
        mode = stat.S_IMODE(store.stat().st_mode)
    assert statuses == [404] * 12
    assert len(seen) > 2, f"no worker was recycled (workers seen: {seen}): proves nothing"
    assert refused == 429, body
    assert mode == 0o600  # it holds client addresses
