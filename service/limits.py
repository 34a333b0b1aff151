"""Rate limits with Flask-Limiter on the cache backend.

* Storage: the cache's Redis (``redis://``) when ``CANDOR_CACHE_URL`` is Redis, so every
  instance shares the same counters. With the embedded file cache there is no shared
  counter store, so limits are kept in memory **per process**: N gunicorn workers allow up
  to N times the limit. Use Redis when that matters.
* Public badges (``/v1/badges...``): per client IP, a blueprint limit.
* Claims: per client IP, on the two claim endpoints.
* Recruiter endpoints: per API key, with the key's own limit, checked by hand after the key
  is authenticated (so a missing key is a 401, not a shared anonymous bucket). A batch costs
  its number of subjects.

Breaches answer 429 in our JSON error shape with ``Retry-After`` and ``RateLimit-Limit``,
``RateLimit-Remaining``, ``RateLimit-Reset`` (seconds until the window frees up) for keys
and claims; the badge limit sends Flask-Limiter's ``X-RateLimit-Limit``, ``-Remaining`` and
``-Reset`` (epoch seconds) on every response and ``Retry-After`` on a 429.
"""

from __future__ import annotations

import math
import os
import time

from flask import Flask, Response, current_app, g
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address
from limits import parse

from service.errors import ApiError, error_response

BADGE_LIMIT = os.environ.get("CANDOR_BADGE_LIMIT", "300/minute")
# Each self-check refetches every network (tips need the model inputs), so it is the most
# expensive public page: a tighter per-IP limit keeps it from being used as a fan-out.
CHECK_LIMIT = os.environ.get("CANDOR_CHECK_LIMIT", "30/minute")
CLAIM_LIMIT = "20/hour"
KEY_PREFIX = "candor-rl"


def storage_uri(cache_url: str) -> str:
    return cache_url if cache_url.startswith(("redis://", "rediss://")) else "memory://"


def init_limiter(app: Flask) -> Limiter:
    """Create this app's limiter (once) and put the per-IP limit on the badge blueprint."""
    if "candor_limiter" in app.extensions:
        return app.extensions["candor_limiter"]
    settings = app.extensions["candor"].settings
    limiter = Limiter(
        key_func=get_remote_address, app=app, storage_uri=storage_uri(settings.effective_cache_url),
        strategy="sliding-window-counter", headers_enabled=True, key_prefix=KEY_PREFIX,
        # A Redis outage must not take the badges down with it: fail open, log it.
        swallow_errors=True,
        header_name_mapping=_HEADERS,
    )
    from service.api.badges import blp as badges

    limiter.limit(BADGE_LIMIT)(badges)
    from service.api.pages import bp as pages
    from service.api.selfcheck import blp as selfcheck

    limiter.limit(CHECK_LIMIT, exempt_when=_not_a_check)(pages)
    limiter.limit(CHECK_LIMIT)(selfcheck)
    app.extensions["candor_limiter"] = limiter
    app.after_request(_key_limit_headers)
    app.register_error_handler(RateLimitExceeded, _breached)
    return limiter


def _names() -> dict:
    from flask_limiter import HeaderNames

    # Flask-Limiter would set Retry-After on every response (even a 200 or a pending 202
    # that asks for a retry in 2 s); it gets its own name here and the 429 handler below
    # sets the real Retry-After.
    return {HeaderNames.LIMIT: "X-RateLimit-Limit", HeaderNames.REMAINING: "X-RateLimit-Remaining",
            HeaderNames.RESET: "X-RateLimit-Reset",
            HeaderNames.RETRY_AFTER: "X-RateLimit-Retry-After"}


_HEADERS = _names()


def _not_a_check() -> bool:
    """Only the self-check itself is limited; the methodology page and the empty form are not."""
    from flask import request

    return request.path != "/check" or not request.args


def _breached(exc: Exception) -> Response:
    current = limiter().current_limit
    reset = max(1, math.ceil(current.reset_at - time.time())) if current else 60
    return error_response(429, "rate_limited",
                          "too many requests from this address; retry after Retry-After seconds",
                          {"limit": str(getattr(exc, "limit", "") or "")},
                          headers={"Retry-After": str(reset)})


def limiter() -> Limiter:
    return current_app.extensions["candor_limiter"]


def hit_key_limit(key_id: int, rate_per_minute: int, cost: int) -> None:
    """Charge ``cost`` requests to an API key's window; raise a 429 ApiError when over.

    The window is an hour (``rate_per_minute * 60`` per hour) so a batch of 100 fits a key
    allowed 10 a minute on average."""
    _hit(("key", str(key_id)), f"{rate_per_minute * 60}/hour", cost,
         "rate limit exceeded for this API key; retry after Retry-After seconds")


def hit_ip_limit(bucket: str, limit: str = CLAIM_LIMIT) -> None:
    """Charge one request to the client's IP in ``bucket`` (e.g. claims)."""
    _hit((bucket, get_remote_address()), limit, 1,
         "too many requests from this address; retry after Retry-After seconds")


def _hit(ident: tuple[str, ...], limit: str, cost: int, message: str) -> None:
    item = parse(limit)
    strategy = limiter().limiter
    ident = (KEY_PREFIX, *ident)
    try:
        allowed = strategy.hit(item, *ident, cost=cost)
        stats = strategy.get_window_stats(item, *ident)
    except Exception:  # noqa: BLE001 - storage down: fail open like the badge limits
        current_app.logger.warning("rate-limit storage unavailable; not limiting %s", ident[1])
        return
    reset = max(0, math.ceil(stats.reset_time - time.time()))
    headers = {"RateLimit-Limit": str(item.amount), "RateLimit-Remaining": str(stats.remaining),
               "RateLimit-Reset": str(reset)}
    if not allowed:
        too_big = cost > item.amount
        raise ApiError(429, "rate_limited",
                       "this request is larger than the whole limit" if too_big else message,
                       {"limit": str(item), "cost": cost},
                       headers={**headers, "Retry-After": str(max(reset, 1))})
    g.candor_key_limit = headers


def _key_limit_headers(response: Response) -> Response:
    for name, value in getattr(g, "candor_key_limit", {}).items():
        response.headers.setdefault(name, value)
    return response
