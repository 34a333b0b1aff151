"""Batch lookups: the in-process pool on SQLite, a real RQ worker process on Redis and
PostgreSQL, resumable jobs, rate-limited networks retried, visibility and notices."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

from service.recruiter import jobs
from service.store import lookups as store
from tests.recruiter.conftest import auth, build_app, dispose, make_settings, wait_done

SUBJECTS = [{"accounts": ["github:octocat"], "role": "engineering"},
            {"accounts": ["github:newbie"]},
            {"accounts": ["stackoverflow:22656"], "role": "engineering"}]


def _check_results(results: list[dict]) -> None:
    assert [r["subject"] for r in results] == ["github:octocat", "github:newbie",
                                               "stackoverflow:22656"]
    assert [r["status"] for r in results] == ["scored", "insufficient_data", "scored"]
    for r in results:
        assert "sole or dominant basis" in r["notice"]["decision"]
        assert "/v1/me/opt-out" in r["notice"]["person_rights"]["opt_out"]
        assert r["report"]["caveats"], "every result carries the report's caveats"


def test_in_process_pool_then_fresh_answer(app, client, new_key, upstream_server):
    _, raw = new_key(app)
    r = client.post("/v1/lookups", json={"subjects": SUBJECTS, "purpose": "backend role"},
                    headers=auth(raw))
    assert r.status_code == 202
    body = r.get_json()
    assert body["total"] == 3 and r.headers["Location"] == f"/v1/lookups/{body['id']}"
    data = wait_done(client, r.headers["Location"], raw)
    assert data["status"] == "done" and data["done"] == 3
    _check_results(data["results"])
    # Another key cannot read it.
    _, other = new_key(app, name="Other")
    assert client.get(r.headers["Location"], headers=auth(other)).status_code == 404
    # Everything is fresh now: answered at once, no upstream call.
    before = upstream_server.hits.total()
    r = client.post("/v1/lookups", json={"subjects": SUBJECTS}, headers=auth(raw))
    assert r.status_code == 200
    _check_results(r.get_json()["results"])
    assert upstream_server.hits.total() == before
    log = client.get("/v1/audit?page=1&page_size=4", headers=auth(raw)).get_json()
    assert log["total"] == 6 and log["pages"] == 2 and len(log["entries"]) == 4
    assert {e["purpose"] for e in log["entries"]} <= {"backend role", None}
    assert client.get("/v1/audit", headers=auth(other)).get_json()["total"] == 0


def test_claimed_only_visibility(upstream_server, tmp_path, new_key):
    app = build_app(make_settings(upstream_server, tmp_path / "i",
                                  CANDOR_RECRUITER_VISIBILITY="claimed-only"))
    _, raw = new_key(app)
    r = app.test_client().post("/v1/lookups", json={"subjects": SUBJECTS}, headers=auth(raw))
    assert r.status_code == 200
    assert [x["status"] for x in r.get_json()["results"]] == ["not_claimed"] * 3
    assert all(x["report"] is None for x in r.get_json()["results"])
    assert upstream_server.hits.total() == 0


def test_a_rerun_job_skips_finished_items(app, new_key, upstream_server):
    key_id, _ = new_key(app)
    reports = app.extensions["candor"].reports
    items = [store.Item(0, "github:octocat", "general", ()),
             store.Item(1, "github:newbie", "general", ())]
    marker = {"subject": "github:octocat", "status": "scored", "marker": True}
    with reports.database.session() as session:
        lookup_id = store.create(session, key_id=key_id, purpose=None, items=items,
                                 results={0: marker}).id
    slots = jobs.LocalSlots(4)
    assert jobs.process_lookup(reports, lookup_id, "http://localhost/", slots) == 1
    assert upstream_server.path_hits["github:/users/octocat"] == 0
    assert upstream_server.path_hits["github:/users/newbie"] == 1
    assert jobs.process_lookup(reports, lookup_id, "http://localhost/", slots) == 0
    assert upstream_server.path_hits["github:/users/newbie"] == 1
    with reports.database.session() as session:
        lookup = store.get(session, lookup_id)
        assert (lookup.status, lookup.done) == ("done", 2)
        assert store.items(session, lookup_id)[0].result == marker


def test_rate_limited_network_is_retried_not_failed(app, client, new_key, upstream_server):
    _, raw = new_key(app)
    upstream_server.faults["github"] = "429-short"

    def lift() -> None:
        deadline = time.monotonic() + 10
        while upstream_server.hits["github"] == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        upstream_server.faults.clear()

    lifter = threading.Thread(target=lift)
    lifter.start()
    r = client.post("/v1/lookups", json={"subjects": SUBJECTS[:1]}, headers=auth(raw))
    lifter.join()
    data = wait_done(client, r.headers["Location"], raw)
    assert data["status"] == "done"
    [result] = data["results"]
    assert result["status"] == "scored" and result["report"]["degraded"] == []
    assert upstream_server.path_hits["github:/users/octocat"] >= 2  # limited, then retried


def test_rq_worker_process_on_redis_and_postgres(upstream_server, tmp_path, redis_url, pg_url,
                                                 new_key):
    env = {**upstream_server.env(), "CANDOR_INSTANCE_PATH": str(tmp_path / "i"),
           "CANDOR_CACHE_URL": redis_url, "CANDOR_DATABASE_URL": pg_url}
    app = build_app(make_settings(upstream_server, tmp_path / "i", **env))
    client = app.test_client()
    try:
        _, raw = new_key(app)
        r = client.post("/v1/lookups", json={"subjects": SUBJECTS, "purpose": "rq"},
                        headers=auth(raw))
        assert r.status_code == 202
        queued = client.get(r.headers["Location"], headers=auth(raw)).get_json()
        assert (queued["done"], queued["total"]) == (0, 3)
        assert [x["status"] for x in queued["results"]] == ["pending"] * 3
        worker = subprocess.run(
            [sys.executable, "-c", "import sys; from service.cli import main; "
                                   "sys.exit(main(['worker', '--burst']))"],
            env={**os.environ, **env}, capture_output=True, text=True, timeout=60)
        assert worker.returncode == 0, worker.stderr[-2000:]
        data = client.get(r.headers["Location"], headers=auth(raw)).get_json()
        assert data["status"] == "done" and data["done"] == 3
        _check_results(data["results"])
        log = client.get("/v1/audit", headers=auth(raw)).get_json()
        assert log["total"] == 3 and {e["purpose"] for e in log["entries"]} == {"rq"}
    finally:
        dispose(app)
