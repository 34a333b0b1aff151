"""File backend: the embedded default, shared by every worker process on one machine.

Layout under the root directory::

    data/<sha(subject)>/<sha(key)>   8-byte expiry (f64) + envelope bytes; written atomically
    gen/<sha(subject)>               purge generation of the subject (decimal)
    locks/<sha(key)>.lock            compute locks (flock via ``filelock``); freed if a process dies
    locks/s-<sha(subject)>.lock      serializes purge against "store unless purged" writes
    purge.marker                     replaced (new inode) by every purge

In-process copies stay valid while ``purge.marker``'s (inode, mtime) is unchanged: one
``stat`` per L1 read, and a purge is seen by the very next read in any process.
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


def _h(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:40]


class FileBackend(Backend):
    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root)
        self._marker = self.root / "purge.marker"
        try:
            for sub in ("data", "gen", "locks"):
                (self.root / sub).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CacheUnavailable(f"file cache unusable: {exc}") from exc

    def _path(self, key: str, subject: str) -> Path:
        return self.root / "data" / _h(subject) / _h(key)

    def _write_atomic(self, path: Path, data: bytes) -> None:
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
