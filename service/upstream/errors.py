"""The one error type of the HTTP client: every failed upstream call raises it, with a
``kind`` the report names in ``degraded`` (timeout, rate_limited, upstream_error, ...).

Its own module so the SSRF guard and the client can both raise it without importing each
other."""

from __future__ import annotations


class UpstreamError(Exception):
    def __init__(self, kind: str, message: str, *, status: int | None = None,
                 retry_at: float | None = None):
        super().__init__(message)
        self.kind = kind
        self.status = status
        self.retry_at = retry_at
