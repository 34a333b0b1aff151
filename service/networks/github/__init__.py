"""GitHub connector: GraphQL with ``CANDOR_GITHUB_TOKEN`` (one query per batch of up to
12 people, a full year of contributions), else keyless REST with the windows it really has.

- :mod:`.graphql`: the aliased query, its point cost, and parsing a ``User``.
- :mod:`.rest`: the keyless calls (events cover 30 days; ``NetworkData.windows`` says so).
- :mod:`.common`: own-work rules (the person *and* their public organisations), measured
  zeros, links and error shapes shared by both.

A login GraphQL answers null for (``NOT_FOUND``: no such login, an organisation or a bot;
or a field error such as a timeout) is asked once over REST, which tells those apart and
answers with its own, named, windows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from service.networks.base import Connector as BaseConnector
from service.networks.base import InvalidHandle, NetworkData
from service.networks.github.common import LOGIN_RE, refused, retry_at
from service.networks.github.graphql import BATCH_SIZE, build_query, failed_parts, parse_user
from service.networks.github.rest import RestFetcher
from service.networks.links import account_from_url  # re-exported for callers and tests
from service.upstream import UpstreamError

__all__ = ["Connector", "account_from_url"]


class Connector(BaseConnector):
    network = "github"
    batch_size = BATCH_SIZE  # with a token; an instance without one batches nothing (1)

    def __init__(self, settings: Any, upstream: Any):
        super().__init__(settings, upstream)
        if not self.token():
            self.batch_size = 1  # REST has no multi-user endpoint

    def token(self) -> str | None:
        return self.settings.credentials.get("github_token") or None

    def validate(self, handle: str) -> str:
        if not isinstance(handle, str):
            raise InvalidHandle(self.network, str(handle), "not a string")
        text = handle.strip().removeprefix("@").lower()
        if not text:
            raise InvalidHandle(self.network, handle, "empty")
        if not LOGIN_RE.fullmatch(text):
            raise InvalidHandle(self.network, handle, "GitHub logins are 1-39 letters, digits "
                                "or single inner hyphens")
        return text

    def headers(self) -> dict[str, str]:
        headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
        token = self.token()
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return headers

    # --- fetch --------------------------------------------------------------------------
    def fetch(self, handle: str, *, now: datetime) -> NetworkData:
        login = self.validate(handle)
        if not self.token():
            return RestFetcher(self).fetch(login, now)
        result = self.fetch_many([login], now=now)[login]
        if isinstance(result, Exception):
            raise result
        return result

    def fetch_many(self, handles: list[str], *,
                   now: datetime) -> dict[str, NetworkData | Exception]:
        if not self.token():
            return super().fetch_many(handles, now=now)
        normal: dict[str, str | InvalidHandle] = {}
        for handle in handles:
            try:
                normal[handle] = self.validate(handle)
            except InvalidHandle as exc:  # one bad handle must not sink the batch
                normal[handle] = exc
        logins = list(dict.fromkeys(v for v in normal.values() if isinstance(v, str)))
        by_login: dict[str, NetworkData | Exception] = {}
        for start in range(0, len(logins), BATCH_SIZE):
            chunk = logins[start:start + BATCH_SIZE]
            try:
                by_login.update(self._graphql(chunk, now))
            except UpstreamError as exc:  # the whole request failed: every handle in it
                by_login.update(dict.fromkeys(chunk, exc))
        return {h: v if isinstance(v, Exception) else by_login[v] for h, v in normal.items()}

    def _graphql(self, logins: list[str], now: datetime) -> dict[str, NetworkData | Exception]:
        base = self.settings.api_url("GITHUB")
        resp = self.upstream.post(f"{base}/graphql", network=self.network,
                                  json_body=build_query(logins, now), headers=self.headers())
        if resp.status == 401:
            raise UpstreamError("upstream_error", "github rejected the configured token",
                                status=401)
        if resp.status in (403, 429):
            raise refused(resp)
        if resp.status != 200:
            raise UpstreamError("bad_response", f"github graphql answered {resp.status}",
                                status=resp.status)
        payload = resp.json()
        if not isinstance(payload, dict):
            raise UpstreamError("bad_response", "github graphql answered no object")
        errors = [e for e in payload.get("errors") or [] if isinstance(e, dict)]
        if any(e.get("type") == "RATE_LIMITED" for e in errors):
            # GitHub answers a spent GraphQL budget with 200/403 and this error type.
            raise UpstreamError("rate_limited", "github graphql rate limit exceeded",
                                status=resp.status, retry_at=retry_at(resp.headers))
        data = payload.get("data")
        if not isinstance(data, dict):
            kinds = ", ".join(sorted({str(e.get("type") or "error") for e in errors}))
            raise UpstreamError("bad_response", f"github graphql answered no data ({kinds})")
        out: dict[str, NetworkData | Exception] = {}
        for i, login in enumerate(logins):
            alias = f"u{i}"
            user = data.get(alias)
            if isinstance(user, dict):
                out[login] = parse_user(login, user, now, failed_parts(errors, alias))
                continue
            # null: NOT_FOUND (no such User: a missing login, an organisation or a bot), or
            # a field error that nulled the user (its connections are non-null). REST can
            # tell the first apart and still answer the second, with its shorter windows.
            out[login] = self._rest_fallback(login, now)
        return out

    def _rest_fallback(self, login: str, now: datetime) -> NetworkData | Exception:
        """Not a ``User`` to GraphQL: REST says whether it is missing, an org or a bot."""
        try:
            return RestFetcher(self).fetch(login, now)
        except UpstreamError as exc:
            return exc
