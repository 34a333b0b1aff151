"""Support for :mod:`service.upstream`: the overall deadline, URL redaction for logs, and
urllib3's retry policy (which must never sleep past the cap or the deadline).

Everything here is re-exported by :mod:`service.upstream`; import it from there.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from urllib3.exceptions import MaxRetryError, ResponseError
from urllib3.util.retry import Retry

from service.upstream.rates import retry_after_seconds

SECRET_QUERY_KEYS = frozenset({"key", "access_token", "token", "api_key", "apikey",
                               "client_secret", "sig", "signature", "mailto"})


class _RedactQueryFilter(logging.Filter):
    """urllib3 logs each request line (with ``?key=...``) at DEBUG; redact it there too."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact_url(a) if isinstance(a, str) and "?" in a else a
                                for a in record.args)
        return True


logging.getLogger("urllib3.connectionpool").addFilter(_RedactQueryFilter())

_deadline: ContextVar[float | None] = ContextVar("candor_upstream_deadline", default=None)


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    token = _deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def _time_left() -> float | None:
    until = _deadline.get()
    return None if until is None else until - time.monotonic()


def time_left() -> float | None:
    """Seconds left before the current :func:`deadline`, or None outside one."""
    return _time_left()


def redact_url(url: str) -> str:
    """The URL without secrets in its query string (``key``, ``access_token``, ...)."""
    parts = urlsplit(url)
    query = [(k, "REDACTED" if k.lower() in SECRET_QUERY_KEYS else v)
             for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    netloc = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, netloc, parts.path, urlencode(query), ""))


class _CappedRetry(Retry):
    """urllib3 Retry that gives up instead of sleeping past the cap or past the deadline.

    Giving up (MaxRetryError with ``raise_on_status=False``) hands the last response back to
    :meth:`Upstream.get`, which turns it into ``rate_limited`` with the reset time.
    """

    def increment(self, method: str | None = None, url: str | None = None,
                  response: Any = None, error: Exception | None = None,
                  _pool: Any = None, _stacktrace: Any = None) -> Retry:
        if response is not None and error is None:
            headers = response.headers
            wait = retry_after_seconds(headers)
            left = _time_left()
            if (
                (response.status == 429 and wait is None)  # blind retries only hammer
                or headers.get("X-RateLimit-Remaining") == "0"
                or (wait is not None and wait > self.retry_after_max)
                or (left is not None and left < (wait or 0.0) + 0.5)
            ):
                raise MaxRetryError(_pool, url, ResponseError("not retrying"))
        return super().increment(method, url, response, error, _pool, _stacktrace)


def _causes(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    stack: list[Any] = [exc]
    while stack:
        e = stack.pop()
        if not isinstance(e, BaseException) or id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        stack.extend([e.__cause__, e.__context__, *e.args, getattr(e, "reason", None)])
