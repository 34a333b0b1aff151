"""The only code that talks to the internet. (Minimal first version; hardened next.)

Public API (stable; connectors rely on it):

- ``Upstream(settings)``; ``upstream.get(url, *, network, params=None, headers=None,
  user_host=False) -> UpstreamResponse``
- ``UpstreamResponse(status, headers, body, url)`` with ``.json()``
- ``UpstreamError(kind, message, *, status=None, retry_at=None)``; kinds: ``timeout``,
  ``rate_limited``, ``upstream_error``, ``bad_response``, ``too_large``, ``refused``,
  ``deadline``.
- ``deadline(seconds)`` context manager: an overall deadline for every call made inside it.

``get`` returns the response for any status the connector should interpret itself (2xx,
3xx other than redirects, 4xx except 429); it raises ``UpstreamError`` for transport
failures, 5xx after retries and 429 past the retry cap.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import requests

from service.config import Settings

USER_AGENT = "Candor/0.1 (+https://github.com/candor-score/candor)"
MAX_BODY_BYTES = 5 * 1024 * 1024

_deadline: ContextVar[float | None] = ContextVar("candor_upstream_deadline", default=None)


class UpstreamError(Exception):
    def __init__(self, kind: str, message: str, *, status: int | None = None,
                 retry_at: float | None = None):
        super().__init__(message)
        self.kind = kind
        self.status = status
        self.retry_at = retry_at


@dataclass
class UpstreamResponse:
    status: int
    headers: Mapping[str, str]
    body: bytes
    url: str

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise UpstreamError("bad_response", f"malformed JSON from {self.url}") from exc


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    token = _deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


class Upstream:
    def __init__(self, settings: Settings):
        self.settings = settings
        self._local = threading.local()

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.trust_env = False
            session.headers["User-Agent"] = USER_AGENT
            self._local.session = session
        return session

    def get(self, url: str, *, network: str, params: Mapping[str, Any] | None = None,
            headers: Mapping[str, str] | None = None, user_host: bool = False) -> UpstreamResponse:
        timeout = (3.0, 8.0)
        until = _deadline.get()
        if until is not None:
            left = until - time.monotonic()
            if left <= 0:
                raise UpstreamError("deadline", "report deadline reached")
            timeout = (min(3.0, left), min(8.0, left))
        try:
            resp = self._session().get(url, params=params, headers=dict(headers or {}),
                                       timeout=timeout, allow_redirects=not user_host)
        except requests.Timeout as exc:
            raise UpstreamError("timeout", f"{network} timed out") from exc
        except requests.RequestException as exc:
            raise UpstreamError("upstream_error", f"{network} unreachable") from exc
        if resp.status_code == 429:
            raise UpstreamError("rate_limited", f"{network} rate limited", status=429)
        if resp.status_code >= 500:
            raise UpstreamError("upstream_error", f"{network} answered {resp.status_code}",
                                status=resp.status_code)
        return UpstreamResponse(resp.status_code, resp.headers, resp.content, resp.url)
