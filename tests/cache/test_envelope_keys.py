import pickle
import time

import pytest

from service.cache import (
    DEGRADED_FRESH_SECONDS,
    FRESH_SECONDS,
    STALE_SECONDS,
    Envelope,
    cache_key,
    subject_of,
)


def test_roundtrip_is_exact():
    env = Envelope.build(b'{"score": 42}', b'{"s": 42}', "scored", degraded=True)
    assert Envelope.decode(env.encode()) == env


def test_garbage_and_pickles_are_rejected_not_loaded():
    env = Envelope.build(b"{}", b"{}", "scored")
    blob = env.encode()
    for bad in (b"", b"CND1", pickle.dumps(env), blob[:-1], blob + b"x", b"XXXX" + blob[4:]):
        with pytest.raises(ValueError):
            Envelope.decode(bad)


def test_ttls_are_jittered_within_ten_percent():
    now = time.time()
    envs = [Envelope.build(b"{}", b"{}", "scored", computed_at=now) for _ in range(200)]
    fresh = [e.fresh_until - now for e in envs]
    stale = [e.stale_until - now for e in envs]
    assert min(fresh) >= FRESH_SECONDS * 0.9 and max(fresh) <= FRESH_SECONDS * 1.1
    assert min(stale) >= STALE_SECONDS * 0.9 and max(stale) <= STALE_SECONDS * 1.1
    assert len({round(f) for f in fresh}) > 20  # really spread out


def test_degraded_envelopes_are_fresh_only_briefly():
    env = Envelope.build(b"{}", b"{}", "scored", degraded=True)
    assert env.fresh_until - env.computed_at <= DEGRADED_FRESH_SECONDS * 1.1
    assert env.stale_until - env.computed_at >= STALE_SECONDS * 0.9


def test_etag_follows_content():
    a = Envelope.build(b"{1}", b"{}", "scored")
    assert a.etag == Envelope.build(b"{1}", b"{}", "scored").etag
    assert a.etag != Envelope.build(b"{2}", b"{}", "scored").etag
    assert a.etag.startswith('"') and a.etag.endswith('"')


def test_cache_key_normalizes_subject_and_accounts():
    assert cache_key("GitHub:Octocat", "Engineering") == "candor:v1:github:octocat:engineering:-"
    assert cache_key("mastodon:@Ann@Fosstodon.org", "research").startswith(
        "candor:v1:mastodon:ann@fosstodon.org:research:"
    )
    # Case-sensitive identifiers keep their case.
    assert "hackernews:PG:" in cache_key("hackernews:PG", "engineering")
    a = cache_key("github:x", "engineering", ("devto:Ben", "gitlab:y"))
    assert a == cache_key("github:x", "engineering", ("gitlab:y", "devto:ben"))
    assert a != cache_key("github:x", "engineering")
    assert subject_of(a) == "github:x"
    assert subject_of(cache_key("bluesky:did:plc:abc", "comms")) == "bluesky:did:plc:abc"


@pytest.mark.parametrize("subject", ["octocat", ":x", "github:", "github:a b", "git hub:x"])
def test_cache_key_rejects_malformed_subjects(subject):
    with pytest.raises(ValueError):
        cache_key(subject, "engineering")


def test_from_settings_uses_the_instance_folder_by_default(tmp_path, redis_url):
    from service.cache import ReportCache
    from service.cache.file_backend import FileBackend
    from service.cache.redis_backend import RedisBackend
    from service.config import Settings

    cache = ReportCache.from_settings(Settings(instance_path=tmp_path / "inst"))
    assert isinstance(cache.backend, FileBackend)
    assert cache.backend.root == tmp_path / "inst" / "cache"
    assert (tmp_path / "inst" / "cache" / "data").is_dir()
    cache.close()
    env = {"CANDOR_CACHE_URL": redis_url, "CANDOR_INSTANCE_PATH": str(tmp_path)}
    cache = ReportCache.from_settings(Settings.from_env(env))
    assert isinstance(cache.backend, RedisBackend)
    cache.close()
