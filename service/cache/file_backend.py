"""File backend: the embedded default, shared by every worker process on one machine.

Layout under the root directory::

    data/<sha(subject)>/<sha(key)>   8-byte expiry (f64) + envelope bytes; written atomically
    gen/<sha(subject)>               purge generation of the subject (decimal)
    locks/<sha(key)>.lock            compute locks (flock via ``filelock``); freed if a process dies
    locks/s-<sha(subject)>.lock      serializes purge against "store unless purged" writes
    purge.marker                     replaced (new inode) by every purge

In-process copies stay valid while ``purge.marker``'s (inode, mtime) is unchanged: one
``stat`` per L1 read, and a purge is seen by the very next read in any process.

Bounded: distinct handles and ``accounts=`` variants each make an entry, so the directory
is swept at most once per ``SWEEP_INTERVAL`` (by whichever process writes then; the others
skip): expired entries go, then the soonest-expiring ones until at most ``max_entries``
entries and ``max_bytes`` bytes remain, and compute-lock files nobody holds that were not
touched for ``LOCK_IDLE`` seconds are deleted (filelock retries a lock whose file was
unlinked under it, so deleting a held-then-released path is safe). Defaults come from
``CANDOR_FILE_CACHE_MAX_ENTRIES`` and ``CANDOR_FILE_CACHE_MAX_MB``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import struct
import tempfile
import time
from contextlib import suppress
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from service.cache.backends import Backend, CacheUnavailable

_EXPIRY = struct.Struct(">d")
DEFAULT_MAX_ENTRIES = 50_000
DEFAULT_MAX_MB = 512
SWEEP_INTERVAL = 60.0  # seconds between sweeps, across all processes
LOCK_IDLE = 600.0      # a lock file untouched this long and not held is deleted


def _h(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:40]


class FileBackend(Backend):
    def __init__(self, root: str | os.PathLike[str], *, max_entries: int | None = None,
                 max_bytes: int | None = None, sweep_interval: float = SWEEP_INTERVAL):
        self.root = Path(root)
        self._marker = self.root / "purge.marker"
        self.max_entries = max_entries if max_entries is not None else int(
            os.environ.get("CANDOR_FILE_CACHE_MAX_ENTRIES") or DEFAULT_MAX_ENTRIES)
        self.max_bytes = max_bytes if max_bytes is not None else int(
            float(os.environ.get("CANDOR_FILE_CACHE_MAX_MB") or DEFAULT_MAX_MB) * 1024 * 1024)
        self.sweep_interval = sweep_interval
        self._next_sweep = 0.0  # this process's own clock; the sweep marker is the shared one
        try:
            for sub in ("data", "gen", "locks"):
                (self.root / sub).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CacheUnavailable(f"file cache unusable: {exc}") from exc

    def _path(self, key: str, subject: str) -> Path:
        return self.root / "data" / _h(subject) / _h(key)

    def _write_atomic(self, path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        except FileNotFoundError:  # a sweep removed the (then empty) folder in between
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            with suppress(OSError):
                os.unlink(tmp)
            raise

    def get(self, key: str, subject: str) -> bytes | None:
        path = self._path(key, subject)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise CacheUnavailable(f"file cache read failed: {exc}") from exc
        if len(data) < _EXPIRY.size or _EXPIRY.unpack_from(data)[0] <= time.time():
            with suppress(OSError):
                path.unlink()
            return None
        return data[_EXPIRY.size :]

    def set(
        self, key: str, subject: str, blob: bytes, ttl: float, expect_gen: int | None = None
    ) -> bool:
        data = _EXPIRY.pack(time.time() + ttl) + blob
        self.maybe_sweep()
        try:
            if expect_gen is None:
                self._write_atomic(self._path(key, subject), data)
                return True
            with FileLock(self._subject_lock(subject), thread_local=False):
                if self.generation(subject) != expect_gen:
                    return False
                self._write_atomic(self._path(key, subject), data)
                return True
        except OSError as exc:
            raise CacheUnavailable(f"file cache write failed: {exc}") from exc

    def _subject_lock(self, subject: str) -> str:
        return str(self.root / "locks" / f"s-{_h(subject)}.lock")

    def generation(self, subject: str) -> int:
        try:
            return int((self.root / "gen" / _h(subject)).read_text() or 0)
        except FileNotFoundError:
            return 0
        except (OSError, ValueError) as exc:
            raise CacheUnavailable(f"file cache generation unreadable: {exc}") from exc

    def _bump(self, subject: str) -> None:
        gen_path = self.root / "gen" / _h(subject)
        self._write_atomic(gen_path, str(self.generation(subject) + 1).encode())

    def _touch_marker(self) -> None:
        # A new file (new inode) rather than a rewrite: mtime alone can repeat within a tick.
        self._write_atomic(self._marker, f"{time.time_ns()}\n".encode())

    def purge_subject(self, subject: str) -> int:
        folder = self.root / "data" / _h(subject)
        try:
            with FileLock(self._subject_lock(subject), thread_local=False):
                self._bump(subject)
                count = 0
                if folder.is_dir():
                    count = sum(1 for p in folder.iterdir() if not p.name.startswith("."))
                shutil.rmtree(folder, ignore_errors=True)
            self._touch_marker()
        except OSError as exc:
            raise CacheUnavailable(f"file cache purge failed: {exc}") from exc
        return count

    def purge_keys(self, keys: list[tuple[str, str]]) -> int:
        count = 0
        try:
            for key, subject in keys:
                with FileLock(self._subject_lock(subject), thread_local=False):
                    self._bump(subject)
                    try:
                        self._path(key, subject).unlink()
                        count += 1
                    except FileNotFoundError:
                        pass
            self._touch_marker()
        except OSError as exc:
            raise CacheUnavailable(f"file cache purge failed: {exc}") from exc
        return count

    def try_lock(self, key: str, ttl: float) -> Any | None:
        # flock has no expiry, but the kernel drops it when the holding process dies, which
        # is the case an expiry exists for; a hung compute is bounded by the report deadline.
        lock = FileLock(str(self.root / "locks" / f"{_h(key)}.lock"), thread_local=False)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            return None
        except OSError as exc:
            raise CacheUnavailable(f"file cache lock failed: {exc}") from exc
        return lock

    def unlock(self, key: str, token: Any) -> None:
        token.release()

    def ping(self) -> None:
        if not (self.root / "data").is_dir():
            raise CacheUnavailable(f"file cache directory missing: {self.root}")

    def l1_epoch(self) -> object | None:
        try:
            st = os.stat(self._marker)
        except FileNotFoundError:
            return (0, 0)
        except OSError:
            return None
        return (st.st_ino, st.st_mtime_ns)

    # -- bounds ------------------------------------------------------------------------------
    def maybe_sweep(self) -> None:
        """Sweep if no process swept in the last ``sweep_interval`` seconds (cheap otherwise)."""
        now = time.time()
        if now < self._next_sweep:
            return
        self._next_sweep = now + self.sweep_interval
        marker = self.root / "sweep.marker"
        with suppress(OSError):
            if now - marker.stat().st_mtime < self.sweep_interval:
                return
        lock = FileLock(str(self.root / "sweep.lock"), thread_local=False)
        try:
            lock.acquire(timeout=0)
        except (Timeout, OSError):
            return  # another process is sweeping
        try:
            marker.touch()
            self.sweep()
        except OSError:
            pass  # a sweep that fails is retried next interval; the write still happens
        finally:
            lock.release()

    def sweep(self, now: float | None = None) -> dict[str, int]:
        """Delete expired entries, then the soonest-expiring ones over the bounds, then idle
        unheld lock files. Returns what was deleted (and what is kept)."""
        now = time.time() if now is None else now
        entries: list[tuple[float, int, Path]] = []
        expired = evicted = 0
        for folder in (self.root / "data").iterdir():
            for path in folder.iterdir() if folder.is_dir() else ():
                try:
                    with path.open("rb") as fh:
                        head = fh.read(_EXPIRY.size)
                    size = path.stat().st_size
                except OSError:
                    continue
                expiry = _EXPIRY.unpack(head)[0] if len(head) == _EXPIRY.size else 0.0
                stale_tmp = path.name.startswith(".tmp-") and now - path.stat().st_mtime > 60
                if expiry <= now or stale_tmp:
                    with suppress(OSError):
                        path.unlink()
                        expired += 1
                elif not path.name.startswith("."):
                    entries.append((expiry, size, path))
        entries.sort()  # soonest to expire first
        total = sum(size for _, size, _ in entries)
        count = len(entries)
        for _expiry, size, path in entries:
            if count <= self.max_entries and total <= self.max_bytes:
                break
            with suppress(OSError):
                path.unlink()
                evicted += 1
            count -= 1
            total -= size
        for folder in (self.root / "data").iterdir():
            with suppress(OSError):
                folder.rmdir()  # only succeeds when empty
        return {"expired": expired, "evicted": evicted, "kept": count,
                "locks": self._sweep_locks(now)}

    def _sweep_locks(self, now: float) -> int:
        removed = 0
        for path in (self.root / "locks").glob("*.lock"):
            try:
                if now - path.stat().st_mtime < LOCK_IDLE:
                    continue
            except OSError:
                continue
            lock = FileLock(str(path), thread_local=False)
            try:
                lock.acquire(timeout=0)
            except (Timeout, OSError):
                continue  # held right now: in use
            try:
                with suppress(OSError):
                    path.unlink()
                    removed += 1
            finally:
                lock.release()
        return removed
