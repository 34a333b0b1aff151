"""The only code that talks to the internet.

Public API (stable; connectors rely on it):

- ``Upstream(settings)``; ``upstream.get(url, *, network, params=None, headers=None,
  user_host=False) -> UpstreamResponse``; ``upstream.post(url, *, network, json_body,
  headers=None)`` for JSON APIs on fixed hosts (GitHub GraphQL);
  ``upstream.stats.snapshot()`` for /metrics.
- ``UpstreamResponse(status, headers, body, url)`` with ``.json()``; ``.revalidated`` is
  True when the body came from the validator store after a 304.
- ``UpstreamError(kind, message, *, status=None, retry_at=None)``; kinds: ``timeout``,
  ``rate_limited``, ``upstream_error``, ``bad_response``, ``too_large``, ``refused``,
  ``deadline``. ``retry_at`` (epoch seconds) says when a rate-limited host may be asked again.
- ``deadline(seconds)`` context manager: an overall deadline for every call made inside it
  (threads that copy the context inherit it); ``time_left()`` says how much of it is left.
- ``upstream.budget``: the quota budget (:mod:`service.upstream.quota`) every call is charged to
  before it is sent; a spent budget raises ``rate_limited`` with ``retry_at`` unsent.

``get`` returns the response for any status the connector should interpret itself (2xx,
3xx other than redirects, 4xx except rate limits); it raises ``UpstreamError`` for
transport failures, 5xx after retries, rate limits and refused user-chosen hosts.

Cooldowns and concurrency slots are kept per (network, host): in production each network
has its own host anyway, and in tests every network shares the fake server's host, where
one network's rate limit must not silence the others.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from http.cookiejar import DefaultCookiePolicy
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from urllib3.exceptions import ReadTimeoutError

from service.config import Settings
from service.upstream.errors import UpstreamError
from service.upstream.quota import Budget, QuotaSpent
from service.upstream.rates import (
    MAX_COOLDOWN,
    is_rate_limited,
    rate_limit_until,
    retry_after_seconds,
)
from service.upstream.store import (  # re-exported: part of this module's API
    MemoryValidatorStore,
    StoredResponse,
    UpstreamStats,
    ValidatorStore,
)
from service.upstream.support import SECRET_QUERY_KEYS as SECRET_QUERY_KEYS
from service.upstream.support import _CappedRetry, _causes, _time_left
from service.upstream.support import deadline as deadline  # re-exported: the module's API
from service.upstream.support import redact_url as redact_url
from service.upstream.support import time_left as time_left

log = logging.getLogger(__name__)

USER_AGENT = "Candor/0.1 (+https://github.com/candor-score/candor)"
MAX_BODY_BYTES = 5 * 1024 * 1024
RETRY_AFTER_CAP = 2.0       # never sleep longer than this inside a request thread
MAX_REDIRECTS = 3           # for user-chosen hosts, each hop re-checked
REDIRECT_CODES = (301, 302, 303, 307, 308)





@dataclass
class UpstreamResponse:
    status: int
    headers: Mapping[str, str]
    body: bytes
    url: str
    revalidated: bool = False

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise UpstreamError("bad_response",
                                f"malformed JSON from {redact_url(self.url)}") from exc


# -- the client -----------------------------------------------------------------------------
class Upstream:
    def __init__(self, settings: Settings, *, store: ValidatorStore | None = None,
                 per_host_limit: int = 8, connect_timeout: float = 3.0,
                 read_timeout: float = 8.0, max_body_bytes: int = MAX_BODY_BYTES,
                 retries: int = 2, retry_after_cap: float = RETRY_AFTER_CAP,
                 backoff_factor: float = 0.2, resolver: Any = None,
                 budget: Budget | None = None):
        self.settings = settings
        # Published quotas, counted before each call (shared through Redis when configured).
        self.budget = budget if budget is not None else Budget.from_settings(settings)
        self.store: ValidatorStore = store if store is not None else MemoryValidatorStore()
        self.stats = UpstreamStats()
        self.per_host_limit = per_host_limit
        self.timeouts = (connect_timeout, read_timeout)
        self.max_body_bytes = max_body_bytes
        self._resolver = resolver  # DNS edge for the SSRF guard; None = socket.getaddrinfo
        self._retry = _CappedRetry(
            total=retries, connect=1, read=False, status=retries, other=0, redirect=False,
            backoff_factor=backoff_factor, backoff_jitter=0.1,
            status_forcelist=(429, 502, 503, 504), allowed_methods=frozenset({"GET"}),
            respect_retry_after_header=True, retry_after_max=int(retry_after_cap),
            raise_on_status=False, raise_on_redirect=False,
        )
        self._local = threading.local()
        self._lock = threading.Lock()
        self._slots_free = threading.Condition()
        self._in_flight: Counter[tuple[str, str]] = Counter()
        self._cooldowns: dict[tuple[str, str], tuple[float, str]] = {}

    # -- sessions: one per thread (requests does not promise Session is thread-safe) ------
    def _session(self, pinned: bool = False) -> requests.Session:
        attr = "pinned" if pinned else "session"
        session = getattr(self._local, attr, None)
        if session is None:
            from service.upstream import ssrf

            session = requests.Session()
            session.trust_env = False  # no proxies or netrc credentials from the environment
            session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
            session.headers["User-Agent"] = USER_AGENT
            session.max_redirects = 5
            size = max(self.per_host_limit, 1)
            https_cls = ssrf.PinnedAdapter if pinned else HTTPAdapter
            session.mount("https://", https_cls(pool_connections=16, pool_maxsize=size,
                                                max_retries=self._retry))
            session.mount("http://", HTTPAdapter(pool_connections=16, pool_maxsize=size,
                                                 max_retries=self._retry))
            setattr(self._local, attr, session)
        return session

    # -- per-host state -----------------------------------------------------------------
    def _check_cooldown(self, key: tuple[str, str]) -> None:
        with self._lock:
            until, kind = self._cooldowns.get(key, (0.0, ""))
        if until > time.time():
            raise UpstreamError(kind, f"{key[0]}: {key[1]} asked us to wait; not calling it "
                                f"again before {time.strftime('%H:%M:%S', time.gmtime(until))}Z",
                                retry_at=until)

    def _cool_down(self, key: tuple[str, str], until: float, kind: str = "rate_limited") -> None:
        with self._lock:
            if until > self._cooldowns.get(key, (0.0, ""))[0]:
                self._cooldowns[key] = (until, kind)
            if len(self._cooldowns) > 4096:  # user-chosen hosts: drop the expired ones
                now = time.time()
                self._cooldowns = {k: v for k, v in self._cooldowns.items() if v[0] > now}

    def cooling_down(self) -> dict[tuple[str, str], float]:
        """(network, host) -> epoch seconds it asked us to wait until, for hosts still waiting."""
        now = time.time()
        with self._lock:
            return {key: until for key, (until, _) in self._cooldowns.items() if until > now}

    @contextlib.contextmanager
    def _slot(self, key: tuple[str, str]) -> Iterator[None]:
        """At most ``per_host_limit`` calls in flight per (network, host).

        A counter per key (deleted at zero) rather than a semaphore per key, so that
        user-chosen hosts cannot grow this table without bound.
        """
        left = _time_left()
        wait = sum(self.timeouts) if left is None else max(left, 0.0)
        with self._slots_free:
            if not self._slots_free.wait_for(
                    lambda: self._in_flight[key] < self.per_host_limit, timeout=wait):
                kind = "deadline" if left is not None else "timeout"
                raise UpstreamError(kind, f"{key[0]}: no free connection slot for {key[1]}")
            self._in_flight[key] += 1
        try:
            yield
        finally:
            with self._slots_free:
                self._in_flight[key] -= 1
                if self._in_flight[key] <= 0:
                    del self._in_flight[key]
                self._slots_free.notify_all()

    # -- public ---------------------------------------------------------------------------
    def get(self, url: str, *, network: str, params: Mapping[str, Any] | None = None,
            headers: Mapping[str, str] | None = None, user_host: bool = False) -> UpstreamResponse:
        self.stats.call(network)
        try:
            resp = self._get(url, network, params, dict(headers or {}), user_host)
        except UpstreamError as exc:
            self.stats.error(network, exc.kind)
            log.info("GET %s (%s) failed: %s", redact_url(url), network, exc.kind)
            raise
        if resp.revalidated:
            self.stats.revalidated(network)
        return resp

    def post(self, url: str, *, network: str, json_body: Any,
             headers: Mapping[str, str] | None = None) -> UpstreamResponse:
        """POST a JSON body (GitHub GraphQL) to a fixed API host: never a user-chosen host,
        no validator store, and no retry (urllib3 retries only GET)."""
        self.stats.call(network)
        sent = {"Content-Type": "application/json", **dict(headers or {})}
        try:
            resp, body = self._fetch(url, network, sent, False, method="POST",
                                     data=json.dumps(json_body).encode())
        except UpstreamError as exc:
            self.stats.error(network, exc.kind)
            log.info("POST %s (%s) failed: %s", redact_url(url), network, exc.kind)
            raise
        assert body is not None  # redirects are followed for fixed hosts
        return UpstreamResponse(resp.status_code, resp.headers, body, url)

    def _get(self, url: str, network: str, params: Mapping[str, Any] | None,
             headers: dict[str, str], user_host: bool) -> UpstreamResponse:
        if user_host:
            from service.upstream import ssrf

            ssrf.check_url_syntax(url)  # before requests re-encodes what parsers disagree on
        try:
            url = requests.Request("GET", url, params=params).prepare().url or url
        except requests.RequestException as exc:
            raise UpstreamError("refused", f"{network}: invalid URL") from exc
        key = self._store_key(url, headers)
        stored = None
        if not any(h.lower() in ("if-none-match", "if-modified-since") for h in headers):
            stored = self.store.get(key)
        if stored is not None:
            if stored.etag:
                headers["If-None-Match"] = stored.etag
            if stored.last_modified:
                headers["If-Modified-Since"] = stored.last_modified
        current = url
        origin = _origin(url)
        for _hop in range(MAX_REDIRECTS + 1):
            # Every hop that leaves the configured API's origin is vetted like a user-chosen
            # host (SSRF): a configured host answering 302 to 127.0.0.1 is not followed.
            hop_user_host = user_host or _origin(current) != origin
            resp, body = self._fetch(current, network, headers, hop_user_host)
            if body is not None:
                return self._finish(resp, body, url, key, stored)
            current = urljoin(current, resp.headers["Location"])
            stored = None  # validators belong to the first URL only
            headers = {k: v for k, v in headers.items()
                       if k.lower() not in ("if-none-match", "if-modified-since")}
        raise UpstreamError("refused", f"{network}: more than {MAX_REDIRECTS} redirects")

    def _fetch(self, url: str, network: str, headers: dict[str, str],
               user_host: bool, *, method: str = "GET",
               data: bytes | None = None) -> tuple[requests.Response, bytes | None]:
        """One request (urllib3 retries included) and its body.

        Redirects are never followed here: a redirect comes back with body None (connection
        closed) so :meth:`_get` can vet the next hop.
        """
        send_url, send_headers = url, headers
        if user_host:
            from service.upstream import ssrf

            kwargs = {} if self._resolver is None else {"resolve": self._resolver}
            target = ssrf.vet_url(url, self.settings, **kwargs)  # raises before connecting
            send_url = target.connect_url
            if target.host_header:
                send_headers = {**headers, "Host": target.host_header}
        host_key = (network, urlsplit(url).netloc.lower())
        self._check_cooldown(host_key)
        ticket = self._take_quota(network, url, headers, method)
        with self._slot(host_key):
            left = _time_left()
            if left is not None and left <= 0:
                raise UpstreamError("deadline", f"{network}: report deadline reached")
            connect, read = self.timeouts
            timeout = (connect, read) if left is None else (min(connect, left), min(read, left))
            try:
                resp = self._session(pinned=user_host).request(
                    method, send_url, headers=send_headers, data=data, timeout=timeout,
                    stream=True, allow_redirects=False)
            except requests.RequestException as exc:
                raise self._transport_error(exc, network) from exc
            log.debug("GET %s (%s) -> %s", redact_url(url), network, resp.status_code)
            self.budget.observe(ticket, resp.status_code, resp.headers)
            if is_rate_limited(resp.status_code, resp.headers):
                until = rate_limit_until(resp.headers)
                self.budget.spent(ticket, until)
                self._cool_down(host_key, until)
                resp.close()
                raise UpstreamError("rate_limited", f"{network} rate limited",
                                    status=resp.status_code, retry_at=until)
            if resp.status_code >= 500:
                wait = retry_after_seconds(resp.headers)
                until = None if wait is None else time.time() + min(wait, MAX_COOLDOWN)
                if until is not None:
                    self._cool_down(host_key, until, "upstream_error")
                resp.close()
                raise UpstreamError("upstream_error", f"{network} answered {resp.status_code}",
                                    status=resp.status_code, retry_at=until)
            if resp.status_code in REDIRECT_CODES and resp.headers.get("Location"):
                resp.close()
                return resp, None
            body = self._read_body(resp, network)  # read while holding the slot
            self._honour_backoff(body, host_key)
            if network == "stackoverflow":
                self.budget.observe(ticket, resp.status_code, {}, body)  # quota in the body
            return resp, body

    def _take_quota(self, network: str, url: str, headers: Mapping[str, str],
                    method: str) -> Any:
        """Charge the call to its published quota, or refuse it without sending it."""
        try:
            return self.budget.take(network, url, headers, method)
        except QuotaSpent as exc:
            raise UpstreamError("rate_limited", str(exc), retry_at=exc.reset) from exc

    def _read_body(self, resp: requests.Response, network: str) -> bytes:
        """Stream the (decoded) body with a byte cap, so a hostile upstream cannot exhaust
        memory (urllib3 >= 2.6 bounds each decompressed chunk, which stops gzip bombs)."""
        limit = self.max_body_bytes
        try:
            declared = int(resp.headers.get("Content-Length") or 0)
        except ValueError:
            declared = 0
        if declared > limit:
            resp.close()
            raise UpstreamError("too_large", f"{network} body over {limit} bytes")
        chunks, total = [], 0
        try:
            for chunk in resp.iter_content(64 * 1024):
                total += len(chunk)
                if total > limit:
                    raise UpstreamError("too_large", f"{network} body over {limit} bytes")
                left = _time_left()
                if left is not None and left <= 0:
                    raise UpstreamError("deadline", f"{network}: report deadline reached")
                chunks.append(chunk)
        except requests.exceptions.ContentDecodingError as exc:
            raise UpstreamError("bad_response", f"{network} sent a corrupt body") from exc
        except requests.exceptions.ChunkedEncodingError as exc:
            raise UpstreamError("upstream_error", f"{network} body truncated") from exc
        except requests.RequestException as exc:
            raise self._transport_error(exc, network) from exc
        finally:
            resp.close()
        return b"".join(chunks)

    def _honour_backoff(self, body: bytes, host_key: tuple[str, str]) -> None:
        """Stack Exchange's ``backoff`` field: do not call that host for N seconds."""
        if b'"backoff"' not in body:
            return
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return
        backoff = data.get("backoff") if isinstance(data, dict) else None
        if isinstance(backoff, int) and not isinstance(backoff, bool) and backoff > 0:
            self._cool_down(host_key, time.time() + min(backoff, MAX_COOLDOWN))

    def _finish(self, resp: requests.Response, body: bytes, url: str, key: str,
                stored: StoredResponse | None) -> UpstreamResponse:
        if resp.status_code == 304 and stored is not None:
            headers = CaseInsensitiveDict(stored.headers)
            headers.update({k: v for k, v in resp.headers.items()
                            if k.lower() not in ("content-length", "content-encoding")})
            return UpstreamResponse(200, headers, stored.body, url, revalidated=True)
        etag, modified = resp.headers.get("ETag"), resp.headers.get("Last-Modified")
        if resp.status_code == 200 and (etag or modified):
            kept = {k: v for k, v in resp.headers.items()
                    if k.lower() not in ("set-cookie", "content-length", "content-encoding")}
            self.store.put(key, StoredResponse(etag, modified, kept, body))
        return UpstreamResponse(resp.status_code, resp.headers, body, url)

    @staticmethod
    def _store_key(url: str, headers: Mapping[str, str]) -> str:
        # Hashing keeps API keys (in URLs) and tokens (in headers) out of the store, while a
        # different token still gets its own entry.
        canon = url + "\n" + "\n".join(f"{k.lower()}:{v}" for k, v in sorted(headers.items()))
        return hashlib.sha256(canon.encode()).hexdigest()

    @staticmethod
    def _transport_error(exc: requests.RequestException, network: str) -> UpstreamError:
        left = _time_left()
        timed_out = isinstance(exc, requests.Timeout) or any(
            isinstance(e, ReadTimeoutError | TimeoutError) for e in _causes(exc))
        if timed_out:
            if left is not None and left <= 0.05:
                return UpstreamError("deadline", f"{network}: report deadline reached")
            return UpstreamError("timeout", f"{network} timed out")
        if isinstance(exc, requests.exceptions.InvalidURL | requests.exceptions.MissingSchema):
            return UpstreamError("refused", f"{network}: invalid URL")
        return UpstreamError("upstream_error", f"{network} unreachable")


def _origin(url: str) -> tuple[str, str]:
    """(scheme, host[:port]) of a URL, lowercased: what "the same API host" means."""
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()
