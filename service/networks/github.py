"""GitHub connector (REST v3, keyless; a token raises the quota from 60/h to 5,000/h).

Calls, fewest first: ``/users/{u}`` (primary; its failure propagates), then the secondary
``/users/{u}/repos`` (skipped when ``public_repos`` is 0), ``/users/{u}/events/public``,
``/users/{u}/social_accounts`` and one issue search for the person's merged pull requests.
A secondary call that fails leaves its part out and names it in ``NetworkData.partial``.

Why a search for merged PRs: a merge shows up in the *merger's* event timeline, not the
author's, and the timeline only covers 30 days; ``/search/issues`` with ``is:merged``
returns the author's own merged PRs with ``merged_at`` and the target repository.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from service.networks.base import Connector as BaseConnector
from service.networks.base import InvalidHandle, LinkedAccount, NetworkData, Observation
from service.networks.links import X_HANDLE, account_from_url
from service.upstream import UpstreamError

# 1-39 chars, alphanumeric or single inner hyphens; GitHub App accounts end in "[bot]".
LOGIN_RE = re.compile(r"^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){0,38}(?:\[bot\])?$")
MAX_PAGES = 3  # the events timeline holds at most 300 events; 300 repos is plenty too
MERGED_WINDOW_DAYS = 365


def _date(ts: str | None) -> str | None:
    return ts[:10] if isinstance(ts, str) and len(ts) >= 10 else None


def _parse_time(ts: str | None) -> datetime | None:
    if not ts:
        return None
    try:
        return datetime.fromisoformat(ts.replace("Z", "+00:00"))
    except ValueError:
        return None


def _next_link(headers: Mapping[str, str]) -> str | None:
    for part in (headers.get("Link") or "").split(","):
        url, _, rel = part.partition(";")
        if 'rel="next"' in rel:
            return url.strip().strip("<>")
    return None


class Connector(BaseConnector):
    network = "github"

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

    # --- HTTP ---------------------------------------------------------------------------
    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
        token = self.settings.credentials.get("github_token")
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return headers

    def _get(self, url: str, params: Mapping[str, Any] | None = None) -> tuple[int, Any, Any]:
        """GET and interpret GitHub's error shapes. Returns (status, json, headers)."""
        resp = self.upstream.get(url, network=self.network, params=params,
                                 headers=self._headers())
        if resp.status in (403, 429):
            body = _safe_json(resp)
            message = str(body.get("message", "")) if isinstance(body, dict) else ""
            if resp.headers.get("x-ratelimit-remaining") == "0" or "rate limit" in message.lower():
                raise UpstreamError("rate_limited", "github rate limit exceeded",
                                    status=resp.status, retry_at=_retry_at(resp.headers))
            raise UpstreamError("upstream_error", f"github refused the request ({resp.status})",
                                status=resp.status)
        if resp.status == 404 or resp.status == 410:
            return resp.status, None, resp.headers
        if resp.status == 401:
            raise UpstreamError("upstream_error", "github rejected the configured token",
                                status=401)
        if resp.status != 200:
            raise UpstreamError("bad_response", f"github answered {resp.status}",
                                status=resp.status)
        return resp.status, resp.json(), resp.headers

    def _get_pages(self, url: str, params: Mapping[str, Any]) -> list[Any]:
        origin = urlsplit(url).netloc
        items: list[Any] = []
        next_url: str | None = url
        query: Mapping[str, Any] | None = params
        for _ in range(MAX_PAGES):
            if not next_url:
                break
            status, body, headers = self._get(next_url, query)
            if status != 200 or not isinstance(body, list):
                raise UpstreamError("bad_response", "github list endpoint returned no list")
            items.extend(body)
            # The Link URL already carries the query; GitHub asks clients to follow it as is.
            next_url, query = _next_link(headers), None
            if next_url and urlsplit(next_url).netloc != origin:
                next_url = None  # only ever follow pages on the API host we were given
        return items

    # --- fetch --------------------------------------------------------------------------
    def fetch(self, handle: str, *, now: datetime) -> NetworkData:
        login = self.validate(handle)
        base = self.settings.api_url("GITHUB")
        status, user, _ = self._get(f"{base}/users/{login}")
        data = NetworkData(network=self.network, handle=login)
        if status != 200 or not isinstance(user, dict):
            # GitHub hides suspended and spam-flagged accounts behind the same 404.
            data.status = "not_found"
            return data
        self._profile(data, user, now)
        if data.status != "found":
            return data
        canonical = str(user.get("login") or login)
        if int(user.get("public_repos") or 0) > 0:
            self._secondary(data, "repos", lambda: self._repos(data, base, canonical))
        self._secondary(data, "events", lambda: self._events(data, base, canonical))
        self._secondary(data, "merged_prs", lambda: self._merged_prs(data, base, canonical, now))
        self._secondary(data, "social_accounts", lambda: self._social(data, base, canonical))
        return data

    @staticmethod
    def _secondary(data: NetworkData, part: str, call: Any) -> None:
        try:
            call()
        except UpstreamError as exc:
            if exc.kind == "deadline":
                raise
            data.partial.append(part)

    def _profile(self, data: NetworkData, user: dict[str, Any], now: datetime) -> None:
        login = str(user.get("login") or data.handle)
        data.display_name = user.get("name") or login
        data.profile_url = user.get("html_url") or f"https://github.com/{login}"
        data.bio = user.get("bio")
        data.created_at = user.get("created_at")
        if user.get("type") == "Bot" or login.lower().endswith("[bot]"):
            data.flags.append("bot")
        if user.get("type") == "Organization":
            data.flags.append("organization")
        if user.get("suspended_at"):  # GitHub Enterprise Server exposes this
            data.flags.append("suspended")
            data.status = "suspended"
            return
        obs = data.observations
        obs.append(Observation("followers", float(user.get("followers") or 0)))
        obs.append(Observation("following", float(user.get("following") or 0)))
        created = _parse_time(user.get("created_at"))
        if created:
            obs.append(Observation("account_age_days", float(max(0, (now - created).days))))
        twitter = user.get("twitter_username")
        if twitter and X_HANDLE.fullmatch(str(twitter)):
            _add_link(data, f"x:{str(twitter).lstrip('@').lower()}", "github twitter_username")
        blog = user.get("blog")
        if blog:
            account = account_from_url(str(blog))
            if account:
                _add_link(data, account, "github blog")

    def _repos(self, data: NetworkData, base: str, login: str) -> None:
        repos = self._get_pages(f"{base}/users/{login}/repos",
                                {"type": "owner", "sort": "pushed", "per_page": 100})
        for repo in repos:
            if not isinstance(repo, dict) or repo.get("fork"):
                continue  # forks carry the parent's popularity, not the person's
            stars = int(repo.get("stargazers_count") or 0)
            data.observations.append(Observation("stars_owned", float(stars),
                                                 item=repo.get("full_name")))
            language = repo.get("language")
            if language and stars > 0:
                data.topics[language] = data.topics.get(language, 0.0) + stars

    def _events(self, data: NetworkData, base: str, login: str) -> None:
        events = self._get_pages(f"{base}/users/{login}/events/public", {"per_page": 100})
        me = login.lower()
        weeks: set[tuple[int, int]] = set()
        for event in events:
            if not isinstance(event, dict):
                continue
            when = _parse_time(event.get("created_at"))
            if when:
                iso = when.isocalendar()
                weeks.add((iso.year, iso.week))
            repo = str((event.get("repo") or {}).get("name") or "")
            owner = repo.partition("/")[0].lower()
            payload = event.get("payload") or {}
            kind = event.get("type")
            if kind == "PullRequestReviewEvent":
                author = ((payload.get("pull_request") or {}).get("user") or {}).get("login")
                data.observations.append(Observation(
                    "reviews", 1.0, at=_date(event.get("created_at")), item=repo or None,
                    own=bool(author) and str(author).lower() == me))
            elif kind == "IssuesEvent" and payload.get("action") == "opened" and owner != me:
                data.observations.append(Observation(
                    "external_issues", 1.0, at=_date(event.get("created_at")), item=repo or None))
        data.observations.append(Observation("active_weeks", float(len(weeks))))

    def _merged_prs(self, data: NetworkData, base: str, login: str, now: datetime) -> None:
        since = (now - timedelta(days=MERGED_WINDOW_DAYS)).date().isoformat()
        status, body, _ = self._get(f"{base}/search/issues", {
            "q": f"type:pr author:{login} is:merged merged:>={since}",
            "sort": "updated", "order": "desc", "per_page": 100})
        if status != 200 or not isinstance(body, dict):
            raise UpstreamError("bad_response", "github search answered without results")
        me = login.lower()
        for item in body.get("items") or []:
            # repository_url: https://api.github.com/repos/{owner}/{name}
            repo_path = str(item.get("repository_url") or "").split("/repos/", 1)[-1]
            merged_at = (item.get("pull_request") or {}).get("merged_at") or item.get("closed_at")
            data.observations.append(Observation(
                "merged_external_prs", 1.0, at=_date(merged_at), item=repo_path or None,
                own=repo_path.partition("/")[0].lower() == me))

    def _social(self, data: NetworkData, base: str, login: str) -> None:
        status, body, _ = self._get(f"{base}/users/{login}/social_accounts")
        if status != 200 or not isinstance(body, list):
            raise UpstreamError("bad_response", "github social_accounts returned no list")
        for entry in body:
            if not isinstance(entry, dict):
                continue
            account = account_from_url(str(entry.get("url") or ""), str(entry.get("provider")))
            if account:
                _add_link(data, account, "github social_accounts")


def _add_link(data: NetworkData, account: str, how: str) -> None:
    if account == f"github:{data.handle}":
        return
    if all(link.account != account for link in data.links):
        data.links.append(LinkedAccount(account, how))


def _safe_json(resp: Any) -> Any:
    try:
        return resp.json()
    except UpstreamError:
        return None


def _retry_at(headers: Mapping[str, str]) -> float | None:
    """Epoch seconds when calls may resume: ``retry-after`` first, else the reset header."""
    now = datetime.now(UTC).timestamp()
    after = headers.get("retry-after")
    if after and after.isdigit():
        return now + int(after)
    reset = headers.get("x-ratelimit-reset")
    if reset and reset.isdigit() and float(reset) > now:
        return float(reset)
    return now + 60  # GitHub: without a hint, wait at least a minute
