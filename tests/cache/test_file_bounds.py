"""Issue 15 item 7: the file cache is bounded and swept (expired entries, idle lock files)."""

from __future__ import annotations

import os
import time

from service.cache.file_backend import LOCK_IDLE, FileBackend


def files(root, sub: str) -> list:
    return [p for p in (root / sub).rglob("*") if p.is_file()]


def test_sweep_drops_expired_then_soonest_expiring_over_the_bound(tmp_path):
    backend = FileBackend(tmp_path, max_entries=10, sweep_interval=3600)
    backend._next_sweep = float("inf")  # only the explicit sweep below
    for i in range(5):
        backend.set(f"short{i}", f"github:s{i}", b"x" * 100, ttl=1)
    for i in range(30):
        backend.set(f"long{i}", f"github:l{i}", b"y" * 100, ttl=3600 + i)
    assert len(files(tmp_path, "data")) == 35
    result = backend.sweep(now=time.time() + 2)  # the 5 short ones have expired
    assert result["expired"] == 5 and result["evicted"] == 20 and result["kept"] == 10
    assert len(files(tmp_path, "data")) == 10
    kept = [i for i in range(30) if backend.get(f"long{i}", f"github:l{i}") is not None]
    assert kept == list(range(20, 30))  # the longest-lived stay
    # Empty per-subject folders go too.
    assert len(list((tmp_path / "data").iterdir())) == 10


def test_sweep_bounds_bytes(tmp_path):
    backend = FileBackend(tmp_path, max_entries=1000, max_bytes=10_000)
    backend._next_sweep = float("inf")
    for i in range(20):
        backend.set(f"k{i}", f"github:u{i}", b"z" * 1000, ttl=3600 + i)
    backend.sweep()
    total = sum(p.stat().st_size for p in files(tmp_path, "data"))
    assert 0 < total <= 10_000


def test_idle_unheld_lock_files_are_deleted_and_held_ones_kept(tmp_path):
    backend = FileBackend(tmp_path)
    for key in ("a", "b", "c"):
        backend.unlock(key, backend.try_lock(key, 10))
    held = backend.try_lock("c", 10)
    old = time.time() - LOCK_IDLE - 10
    for path in (tmp_path / "locks").glob("*.lock"):
        os.utime(path, (old, old))
    fresh = backend.try_lock("d", 10)
    backend.unlock("d", fresh)  # released but recent: kept
    assert len(list((tmp_path / "locks").glob("*.lock"))) == 4
    assert backend.sweep()["locks"] == 2
    assert len(list((tmp_path / "locks").glob("*.lock"))) == 2
    backend.unlock("c", held)
    # A swept lock is simply created again on next use, and still excludes.
    token = backend.try_lock("a", 10)
    assert token is not None and backend.try_lock("a", 10) is None
    backend.unlock("a", token)


def test_writes_sweep_by_themselves(tmp_path):
    backend = FileBackend(tmp_path, max_entries=5, sweep_interval=0)
    for i in range(40):
        backend.set(f"k{i}", f"github:u{i}", b"v", ttl=3600 + i)
    # A sweep runs before each write here (interval 0): never more than the bound plus one.
    assert len(files(tmp_path, "data")) <= 6
