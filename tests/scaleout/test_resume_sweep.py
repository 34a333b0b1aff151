"""The sweep of ``candor worker`` (``jobs.resume_stalled``) in-process, on this run's own
Redis database and SQLite: which unfinished lookups it enqueues again, that two sweepers
enqueue once, and that a lookup stalling again and again is finished as unavailable instead
of looping forever."""

from __future__ import annotations

from datetime import timedelta

import pytest
import redis
from rq import Queue
from sqlalchemy import update

from service.config import Settings
from service.recruiter import jobs
from service.store import lookups
from service.store.db import Database
from service.store.migrate import upgrade
from service.store.models import Lookup, utcnow


@pytest.fixture
def rq_redis(redis_url):
    """A client on this run's own database (``redis_url`` flushes it before and after)."""
    client = redis.Redis.from_url(redis_url, socket_timeout=2)
    yield client
    client.close()


@pytest.fixture
def database(tmp_path):
    settings = Settings.from_env({"CANDOR_INSTANCE_PATH": str(tmp_path)})
    upgrade(settings)
    db = Database(settings)
    yield db
    db.dispose()


DONE = {"subject": "github:octocat", "status": "scored"}


def _lookup(database: Database, age: float = 60.0) -> str:
    items = [lookups.Item(0, "github:octocat", "general", ()),
             lookups.Item(1, "github:newbie", "general", ())]
    with database.session() as session:
        lookup_id = lookups.create(session, key_id=None, purpose=None, items=items,
                                   results={0: DONE}).id
        session.execute(update(Lookup).where(Lookup.id == lookup_id)
                        .values(created_at=utcnow() - timedelta(seconds=age)))
    return lookup_id


def test_only_orphans_are_enqueued_and_only_once(rq_redis, redis_url, database):
    orphan = _lookup(database)
    leased = _lookup(database)
    waiting = _lookup(database)
    young = _lookup(database, age=0.0)
    jobs.RedisSlots(redis_url, 1).renew_lease(leased)
    jobs._rq_enqueue(rq_redis, waiting, "http://a.example/")
    assert jobs.resume_stalled(database, redis_url) == [orphan]
    assert jobs.resume_stalled(database, redis_url) == []  # queued now: a second sweeper skips
    queued = Queue(jobs.QUEUE, connection=rq_redis).get_job_ids()
    assert sorted(queued) == sorted([f"lookup-{waiting}", f"lookup-{orphan}"])
    assert young not in str(queued)


def test_a_lookup_that_keeps_stalling_is_finished_as_unavailable(rq_redis, redis_url,
                                                                database):
    lookup_id = _lookup(database)
    queue = Queue(jobs.QUEUE, connection=rq_redis)
    for _ in range(jobs.MAX_RESUMES):
        assert jobs.resume_stalled(database, redis_url) == [lookup_id]
        queue.empty()                                   # the job "died" again
        rq_redis.delete(f"candor:lookups:lease:{lookup_id}")
    assert jobs.resume_stalled(database, redis_url) == []
    with database.session() as session:
        lookup = lookups.get(session, lookup_id)
        assert (lookup.status, lookup.done) == ("done", 2)
        results = [i.result for i in lookups.items(session, lookup_id)]
    assert results[0] == DONE  # kept
    assert results[1]["status"] == "unavailable"
