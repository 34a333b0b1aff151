"""Rate limits with Flask-Limiter, on a store every worker of the deployment shares.

* Storage: the cache's Redis (``redis://``) when ``CANDOR_CACHE_URL`` is Redis, so every
  instance shares the same counters. With the embedded file cache, counters live in a SQLite
  file in the cache directory (``service.web.limit_store``): shared by all workers of the
  machine and kept across gunicorn worker recycling (``max_requests``), unlike memory.
* Public badges (``/v1/badges...``) and reports (``/v1/reports...``): per client IP, a
  blueprint limit each, charged by the accounts a request may fetch: a report with 20 extra
  accounts costs 21, a batch of 50 badges costs 50.
* Claims: per client IP, on the two claim endpoints.
* Recruiter endpoints: per API key, with the key's own limit as given (``5/hour`` is 5 in
  any hour), checked by hand after the key is authenticated (so a missing key is a 401, not
  a shared anonymous bucket). A lookup costs the number of accounts it fetches.

"Client IP" is the TCP peer unless ``CANDOR_PROXY_HOPS`` says how many trusted proxies set
``X-Forwarded-For`` (see ``service.app`` and docs/DEPLOY.md).

Breaches answer 429 in our JSON error shape with ``Retry-After`` and ``RateLimit-Limit``,
``RateLimit-Remaining``, ``RateLimit-Reset`` (seconds until the window frees up) for keys
and claims; the blueprint limits send Flask-Limiter's ``X-RateLimit-Limit``, ``-Remaining``
and ``-Reset`` (epoch seconds) on every response and ``Retry-After`` on a 429.
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

# Defaults; the CANDOR_*_LIMIT variables override them when an app is built (not at import,
# so one process can build apps with different limits).
BADGE_LIMIT = "300/minute"
# Counted in accounts fetched, like badges: a cold report fans out to every network.
REPORT_LIMIT = "300/minute"
# Each self-check refetches every network (tips need the model inputs), so it is the most
# expensive public page: a tighter per-IP limit keeps it from being used as a fan-out.
CHECK_LIMIT = "30/minute"
CLAIM_LIMIT = "20/hour"
KEY_PREFIX = "candor-rl"


def storage_uri(cache_url: str) -> str:
    """Redis when the cache is Redis; beside the file cache otherwise; memory as a last resort."""
    if cache_url.startswith(("redis://", "rediss://")):
        return cache_url
    if cache_url.startswith("file://"):
        from pathlib import Path

        from service.web import limit_store  # registers the storage scheme with ``limits``

        path = Path(cache_url[len("file://"):]).resolve() / "ratelimits.sqlite3"
        return f"{limit_store.SCHEME}://{path}"
    return "memory://"


def _report_cost() -> int:
    """The primary account plus every extra account named in ``accounts=`` (max 21)."""
    from flask import request

    raw = request.args.get("accounts", "")[:2000]
    return 1 + min(20, len({a.strip() for a in raw.split(",") if a.strip()}))


def _badge_cost() -> int:
    """1 for one badge; the number of accounts (max 50) for a batch."""
    from flask import request

    if request.method != "POST":
        return 1
    body = request.get_json(silent=True)
    accounts = body.get("accounts") if isinstance(body, dict) else None
    if not isinstance(accounts, list):
        return 1
    return max(1, min(50, len(accounts)))


def init_limiter(app: Flask) -> Limiter:
    """Create this app's limiter (once) and put the per-IP limits on the public blueprints."""
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

    # Read when the app is built (not at import), so a deployment or a test can set them.
    badge_limit = os.environ.get("CANDOR_BADGE_LIMIT", BADGE_LIMIT)
    report_limit = os.environ.get("CANDOR_REPORT_LIMIT", REPORT_LIMIT)
    check_limit = os.environ.get("CANDOR_CHECK_LIMIT", CHECK_LIMIT)
    limiter.limit(badge_limit, cost=_badge_cost)(badges)
    from service.api.reports import blp as reports

    limiter.limit(report_limit, cost=_report_cost)(reports)
    from service.api.pages import bp as pages
    from service.api.selfcheck import blp as selfcheck

    limiter.limit(check_limit, exempt_when=_not_a_check)(pages)
    limiter.limit(check_limit)(selfcheck)
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


def hit_key_limit(key_id: int, limit: str, cost: int) -> None:
    """Charge ``cost`` (accounts fetched) to an API key's window; a 429 ApiError when over.

    ``limit`` is the key's own, unit included ("600/hour", "5/hour", "1/day")."""
    _hit(("key", str(key_id)), limit, cost,
         "rate limit exceeded for this API key; retry after Retry-After seconds")


def hit_ip_limit(bucket: str, limit: str | None = None) -> None:
    """Charge one request to the client's IP in ``bucket`` (e.g. claims)."""
    limit = limit or os.environ.get("CANDOR_CLAIM_LIMIT", CLAIM_LIMIT)
    _hit((bucket, get_remote_address()), limit, 1,
         "too many requests from this address; retry after Retry-After seconds")


def _hit(ident: tuple[str, ...], limit: str, cost: int, message: str) -> None:
    item = parse(limit)
    if not limiter().enabled:  # switched off as a whole (load benchmarks from one IP)
        return
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
