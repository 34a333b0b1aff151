"""The suite's Redis isolation and its CI rule, on the machine's real Redis server."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import redis

from tests.redis_isolation import CLAIM_KEY, HOST_URL, RESERVED, claim

ROOT = Path(__file__).resolve().parent.parent


def test_two_claims_get_different_databases_and_release_frees_the_lock(redis_claim):
    other = claim(wait=5)
    try:
        assert other.index != redis_claim.index
        assert other.index not in RESERVED
        locks = redis.Redis.from_url(f"{HOST_URL}/0")
        assert locks.get(CLAIM_KEY.format(other.index)).decode() == other.token
        assert 0 < locks.ttl(CLAIM_KEY.format(other.index)) <= 90
        data = redis.Redis.from_url(other.url)
        data.set("mine", "1")
        assert redis.Redis.from_url(redis_claim.url).get("mine") is None  # not shared
    finally:
        other.release()
    assert locks.get(CLAIM_KEY.format(other.index)) is None
    assert data.dbsize() == 0  # released databases are left empty
    locks.close()
    data.close()


def test_a_claimed_database_is_never_claimed_again_while_held(redis_claim):
    taken = []
    try:
        for _ in range(3):
            taken.append(claim(wait=5))
        indexes = [c.index for c in taken] + [redis_claim.index]
        assert len(set(indexes)) == len(indexes)
    finally:
        for c in taken:
            c.release()


def _run_redis_test(tmp_path: Path, ci: str) -> subprocess.CompletedProcess[str]:
    test = tmp_path / "test_needs_redis.py"
    test.write_text(textwrap.dedent("""
        def test_uses_redis(redis_url):
            assert redis_url
    """))
    env = dict(os.environ, CI=ci, CANDOR_TEST_REDIS_HOST_URL="redis://127.0.0.1:1")
    # A test outside the tree, given the suite's fixtures as a plugin.
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
                           "-p", "tests.conftest", "--rootdir", str(tmp_path), str(test)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_unreachable_redis_fails_under_ci_and_skips_otherwise(tmp_path):
    failed = _run_redis_test(tmp_path, "true")
    assert failed.returncode == 1, failed.stdout[-2000:]
    assert "CI=true: a missing server fails the run" in failed.stdout
    skipped = _run_redis_test(tmp_path, "")
    assert skipped.returncode == 0, skipped.stdout[-2000:]
    assert "1 skipped" in skipped.stdout
