"""Reading the networks' rate-limit headers: how long to wait, and until when to back off."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Mapping
from datetime import datetime

DEFAULT_COOLDOWN = 60.0     # a 429 that does not say how long to wait
MAX_COOLDOWN = 3600.0       # a hostile header must not silence a host for days


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    value = (headers.get("Retry-After") or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    parsed = email.utils.parsedate_tz(value)
    return None if parsed is None else max(0.0, email.utils.mktime_tz(parsed) - time.time())


def reset_epoch(headers: Mapping[str, str]) -> float | None:
    """X-RateLimit-Reset / RateLimit-Reset / X-Rate-Limit-Reset: epoch seconds, seconds from
    now, or ISO 8601."""
    value = (headers.get("X-RateLimit-Reset") or headers.get("RateLimit-Reset")
             or headers.get("X-Rate-Limit-Reset") or "").strip()  # the last one is X's
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        try:
            return datetime.fromisoformat(value).timestamp()
        except ValueError:
            return None
    return number if number > 1e9 else time.time() + number


def is_rate_limited(status: int, headers: Mapping[str, str]) -> bool:
    remaining = headers.get("X-RateLimit-Remaining") or headers.get("RateLimit-Remaining")
    if status == 429:
        return True
    # GitHub answers an exhausted quota with 403 (+ remaining 0) and secondary limits with
    # 403 + Retry-After; other 403s are the connector's business.
    return status == 403 and (remaining == "0" or "Retry-After" in headers)


def rate_limit_until(headers: Mapping[str, str]) -> float:
    now = time.time()
    wait = retry_after_seconds(headers)
    until = now + wait if wait is not None else reset_epoch(headers)
    if until is None:
        until = now + DEFAULT_COOLDOWN
    return min(max(until, now), now + MAX_COOLDOWN)
