"""The only code that talks to the internet.

- :mod:`.client`: :class:`Upstream`, the one HTTP client (timeouts, capped retries, per-host
  cooldowns, conditional requests, body caps, per-host concurrency) and its response type;
- :mod:`.ssrf`: the guard for user-chosen hosts (resolve once, pin the checked address,
  re-check every redirect hop);
- :mod:`.quota` and :mod:`.quota_store`: the published quota of each network and
  credential, counted before every call and shared by all instances;
- :mod:`.rates`: reading the providers' rate-limit headers; :mod:`.store`: ETag and
  Last-Modified validators; :mod:`.support`: the per-report deadline and log redaction;
- :mod:`.errors`: :class:`UpstreamError`, raised by all of them.
"""

from service.upstream.client import MAX_BODY_BYTES, Upstream, UpstreamResponse
from service.upstream.errors import UpstreamError
from service.upstream.store import MemoryValidatorStore, StoredResponse
from service.upstream.support import deadline, redact_url, time_left

__all__ = [
    "MAX_BODY_BYTES", "MemoryValidatorStore", "StoredResponse", "Upstream", "UpstreamError",
    "UpstreamResponse", "deadline", "redact_url", "time_left",
]
