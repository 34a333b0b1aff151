"""The report cache: envelopes of pre-serialized report+badge JSON per subject and role.

Public API::

    from service.cache import ReportCache, Envelope, CacheUnavailable, cache_key

    cache = ReportCache.from_settings(settings)            # file:// default or redis://
    key = cache_key("github:octocat", "engineering")
    env, state = cache.get_or_compute(key, compute, wait=2.0)  # hit|stale|miss|pending
    cache.purge("github:octocat")                           # opt-out, all roles, all instances

See ``report_cache`` for states and guarantees, ``backends`` for why not Flask-Caching.
"""

from service.cache.backends import Backend, CacheUnavailable
from service.cache.envelope import (
    DEGRADED_FRESH_SECONDS,
    FRESH_SECONDS,
    STALE_SECONDS,
    Envelope,
)
from service.cache.factory import backend_from_url
from service.cache.keys import cache_key, normalize_subject, subject_of
from service.cache.report_cache import ReportCache

__all__ = [
    "DEGRADED_FRESH_SECONDS",
    "FRESH_SECONDS",
    "STALE_SECONDS",
    "Backend",
    "CacheUnavailable",
    "Envelope",
    "ReportCache",
    "backend_from_url",
    "cache_key",
    "normalize_subject",
    "subject_of",
]
