"""The cached unit: one subject+role report and its badge, pre-serialized, with freshness times.

The wire format is a fixed binary header plus four length-prefixed byte strings. Nothing in
it is ever unpickled or evaluated, so whoever can write to the cache (a shared Redis, the
instance folder) can at worst make us serve wrong bytes, never run code.

    magic "CND1" | flags u8 | computed_at f64 | fresh_until f64 | stale_until f64
    | len(status) u8 | len(etag) u8 | len(report) u32 | len(badge) u32
    | status | etag | report | badge
"""

from __future__ import annotations

import hashlib
import random
import struct
import time
from dataclasses import dataclass

FRESH_SECONDS = 6 * 3600.0
STALE_SECONDS = 7 * 24 * 3600.0
# A report computed while some network failed is kept only briefly, so the next request
# after the outage gets a complete one.
DEGRADED_FRESH_SECONDS = 5 * 60.0
JITTER = 0.10

_MAGIC = b"CND1"
_HEAD = struct.Struct(">4sBdddBBII")
_FLAG_DEGRADED = 0x01


def jittered(seconds: float, jitter: float = JITTER) -> float:
    """``seconds`` ± ``jitter`` (fraction), so entries written together do not expire together."""
    return seconds * random.uniform(1.0 - jitter, 1.0 + jitter)


@dataclass(frozen=True)
class Envelope:
    report: bytes
    badge: bytes
    etag: str
    status: str
    computed_at: float
    fresh_until: float
    stale_until: float
    degraded: bool = False

    @classmethod
    def build(
        cls,
        report: bytes,
        badge: bytes,
        status: str,
        *,
        degraded: bool = False,
        computed_at: float | None = None,
        fresh: float | None = None,
        stale: float = STALE_SECONDS,
    ) -> Envelope:
        """Make an envelope with jittered freshness; ``fresh`` defaults by ``degraded``."""
        now = time.time() if computed_at is None else computed_at
        if fresh is None:
            fresh = DEGRADED_FRESH_SECONDS if degraded else FRESH_SECONDS
        fresh_s = jittered(fresh)
        stale_s = max(jittered(stale), fresh_s)
        digest = hashlib.sha256(report + b"\0" + badge).hexdigest()[:32]
        return cls(
            report=report,
            badge=badge,
            etag=f'"{digest}"',
            status=status,
            computed_at=now,
            fresh_until=now + fresh_s,
            stale_until=now + stale_s,
            degraded=degraded,
        )

    def is_fresh(self, now: float | None = None) -> bool:
        return (time.time() if now is None else now) < self.fresh_until

    def is_usable(self, now: float | None = None) -> bool:
        """Still inside the stale window: may be served while a refresh runs."""
        return (time.time() if now is None else now) < self.stale_until

    def age(self, now: float | None = None) -> float:
        """Seconds since computation (what the API shows as ``stale``)."""
        return max(0.0, (time.time() if now is None else now) - self.computed_at)

    def encode(self) -> bytes:
        status = self.status.encode("ascii")
        etag = self.etag.encode("ascii")
        if len(status) > 255 or len(etag) > 255:
            raise ValueError("status and etag must be at most 255 bytes")
        head = _HEAD.pack(
            _MAGIC,
            _FLAG_DEGRADED if self.degraded else 0,
            self.computed_at,
            self.fresh_until,
            self.stale_until,
            len(status),
            len(etag),
            len(self.report),
            len(self.badge),
        )
        return b"".join((head, status, etag, self.report, self.badge))

    @classmethod
    def decode(cls, blob: bytes) -> Envelope:
        """Parse :meth:`encode` output; raise ``ValueError`` on anything else."""
        if len(blob) < _HEAD.size:
            raise ValueError("envelope too short")
        magic, flags, computed, fresh, stale, n_st, n_et, n_rep, n_badge = _HEAD.unpack_from(blob)
        if magic != _MAGIC:
            raise ValueError("not an envelope (bad magic)")
        if len(blob) != _HEAD.size + n_st + n_et + n_rep + n_badge:
            raise ValueError("envelope length mismatch")
        view = memoryview(blob)
        pos = _HEAD.size
        parts = []
        for n in (n_st, n_et, n_rep, n_badge):
            parts.append(bytes(view[pos : pos + n]))
            pos += n
        return cls(
            report=parts[2],
            badge=parts[3],
            etag=parts[1].decode("ascii"),
            status=parts[0].decode("ascii"),
            computed_at=computed,
            fresh_until=fresh,
            stale_until=stale,
            degraded=bool(flags & _FLAG_DEGRADED),
        )
