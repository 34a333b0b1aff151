"""GitHub over REST v3: the keyless path (60 calls/h per IP; 10 searches/min).

Calls, in order: ``/users/{u}`` (primary; its failure propagates), then the secondary
``/users/{u}/orgs`` (public memberships: activity in those organisations' repositories
is own work), ``/users/{u}/repos`` (skipped when ``public_repos`` is 0), one issue search
for merged pull requests (paged, at most ``MERGED_PAGES`` x 100), ``/users/{u}/events/public``
and ``/users/{u}/social_accounts``. A secondary call that fails is named in
``NetworkData.partial`` and the signals it measures in ``unobserved``; a call that answered
emits its signals, 0 when the answer was empty.

Windows (``NetworkData.windows``): merged PRs cover a year (search by ``merged:>=``); the
events timeline keeps only 30 days, so ``reviews``, ``external_issues`` and
``active_weeks`` from REST cover 30 days. GraphQL (with a token) covers a full year.

Own reviews without ``payload.pull_request.user``: since 2025-10-07 the events API trims
``payload.pull_request`` to ``{url, id, number, head, base}``. A review is own work when
the repository belongs to the person or one of their organisations, when the PR's head
repository is the person's (a PR from their fork), or when the PR number is one of the
person's own PRs found by the search. The old shape's ``user`` is still honoured.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from service.networks.base import NetworkData, Observation
from service.networks.github.common import (
    EVENT_SIGNALS,
    EVENTS_WINDOW_DAYS,
    YEAR_DAYS,
    Owners,
    account_age,
    add_level,
    add_zero_if_missing,
    date_of,
    mark_failed,
    parse_time,
    profile_links,
    refused,
    repo_of_api_url,
)
from service.upstream import UpstreamError

MAX_PAGES = 3  # the events timeline holds at most 300 events; 300 repos is plenty too
# Search answers at most 100 items a page (and 1,000 a query); each page spends one of the
# 10 (anonymous) searches a minute. Three pages: 300 merged PRs a year, far past where
# the model saturates. Beyond that the count is capped, and the report can say so.
MERGED_PAGES = 3
PER_PAGE = 100


def _next_link(headers: Mapping[str, str]) -> str | None:
    for part in (headers.get("Link") or "").split(","):
        url, _, rel = part.partition(";")
        if 'rel="next"' in rel:
            return url.strip().strip("<>")
    return None


class RestFetcher:
    """One subject's REST calls. ``connector`` supplies settings, upstream and headers."""

    def __init__(self, connector: Any):
        self.c = connector
        self.base = connector.settings.api_url("GITHUB")

    # --- HTTP ---------------------------------------------------------------------------
    def get(self, url: str, params: Mapping[str, Any] | None = None) -> tuple[int, Any, Any]:
        """GET and interpret GitHub's error shapes. Returns (status, json, headers)."""
        resp = self.c.upstream.get(url, network="github", params=params,
                                   headers=self.c.headers())
        if resp.status in (403, 429):
            raise refused(resp)
        if resp.status in (404, 410):
            return resp.status, None, resp.headers
        if resp.status == 401:
            raise UpstreamError("upstream_error", "github rejected the configured token",
                                status=401)
        if resp.status != 200:
            raise UpstreamError("bad_response", f"github answered {resp.status}",
                                status=resp.status)
        return resp.status, resp.json(), resp.headers

    def pages(self, url: str, params: Mapping[str, Any], limit: int = MAX_PAGES,
              key: str | None = None) -> list[Any]:
        """Follow ``Link: rel="next"`` up to ``limit`` pages; ``key`` picks the list out of
        an object answer (search's ``items``)."""
        origin = urlsplit(url).netloc
        items: list[Any] = []
        next_url: str | None = url
        query: Mapping[str, Any] | None = params
        for _ in range(limit):
            if not next_url:
                break
            status, body, headers = self.get(next_url, query)
            chunk = body.get(key) if key and isinstance(body, dict) else body
            if status != 200 or not isinstance(chunk, list):
                raise UpstreamError("bad_response", "github list endpoint returned no list")
            items.extend(chunk)
            # The Link URL already carries the query; GitHub asks clients to follow it as is.
            next_url, query = _next_link(headers), None
            if next_url and urlsplit(next_url).netloc != origin:
                next_url = None  # only ever follow pages on the API host we were given
        return items

    # --- fetch --------------------------------------------------------------------------
    def fetch(self, login: str, now: datetime) -> NetworkData:
        status, user, _ = self.get(f"{self.base}/users/{login}")
        data = NetworkData(network="github", handle=login)
        if status != 200 or not isinstance(user, dict):
            # GitHub hides suspended and spam-flagged accounts behind the same 404.
            data.status = "not_found"
            return data
        self.profile(data, user, now)
        if data.status != "found":
            return data
        me = str(user.get("login") or login)
        base = f"{self.base}/users/{me}"
        owners = Owners(me)
        own_prs: set[tuple[str, int]] = set()
        data.windows = {"merged_external_prs": YEAR_DAYS,
                        **dict.fromkeys(EVENT_SIGNALS, EVENTS_WINDOW_DAYS)}
        if self._try(data, "orgs", lambda: self.orgs(data, base)):
            owners = Owners(me, data.member_of)
        if int(user.get("public_repos") or 0) > 0:
            self._try(data, "repos", lambda: self.repos(data, base))
        else:
            add_level(data, "stars_owned", 0)  # answered by the profile: no public repos
        self._try(data, "merged_prs", lambda: self.merged_prs(data, me, owners, own_prs, now))
        self._try(data, "events", lambda: self.events(data, base, owners, own_prs))
        social: list[Any] = []
        self._try(data, "social_accounts", lambda: social.extend(self.social(base)))
        profile_links(data, user.get("twitter_username"), user.get("blog"), social)
        return data

    @staticmethod
    def _try(data: NetworkData, part: str, call: Any) -> bool:
        try:
            call()
        except UpstreamError as exc:
            if exc.kind == "deadline":
                raise
            mark_failed(data, part)
            return False
        return True

    @staticmethod
    def profile(data: NetworkData, user: dict[str, Any], now: datetime) -> None:
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
        add_level(data, "followers", user.get("followers") or 0)
        add_level(data, "following", user.get("following") or 0)
        account_age(data, user.get("created_at"), now)

    def orgs(self, data: NetworkData, base: str) -> None:
        # Public memberships only: a private membership is invisible without the user's
        # own token, so such work still counts as external (named in the methodology).
        for org in self.pages(f"{base}/orgs", {"per_page": PER_PAGE}, limit=1):
            if isinstance(org, dict) and org.get("login"):
                data.member_of.append(str(org["login"]))

    def repos(self, data: NetworkData, base: str) -> None:
        repos = self.pages(f"{base}/repos", {"type": "owner", "sort": "pushed",
                                             "per_page": PER_PAGE})
        counted = 0
        for repo in repos:
            if not isinstance(repo, dict) or repo.get("fork"):
                continue  # forks carry the parent's popularity, not the person's
            stars = int(repo.get("stargazers_count") or 0)
            data.observations.append(Observation("stars_owned", float(stars),
                                                 item=repo.get("full_name")))
            counted += 1
            language = repo.get("language")
            if language and stars > 0:
                data.topics[language] = data.topics.get(language, 0.0) + stars
        if not counted:
            add_level(data, "stars_owned", 0)

    def merged_prs(self, data: NetworkData, login: str, owners: Owners,
                   own_prs: set[tuple[str, int]], now: datetime) -> None:
        since = (now - timedelta(days=YEAR_DAYS)).date().isoformat()
        items = self.pages(f"{self.base}/search/issues", {
            "q": f"type:pr author:{login} is:merged merged:>={since}",
            "sort": "updated", "order": "desc", "per_page": PER_PAGE},
            limit=MERGED_PAGES, key="items")
        for item in items:
            if not isinstance(item, dict):
                continue
            repo = repo_of_api_url(item.get("repository_url"))
            number = item.get("number")
            if repo and isinstance(number, int):
                own_prs.add((repo.lower(), number))
            merged_at = (item.get("pull_request") or {}).get("merged_at") or item.get("closed_at")
            data.observations.append(Observation(
                "merged_external_prs", 1.0, at=date_of(merged_at), item=repo,
                own=owners.owns(repo)))
        add_zero_if_missing(data, ["merged_external_prs"])

    def events(self, data: NetworkData, base: str, owners: Owners,
               own_prs: set[tuple[str, int]]) -> None:
        events = self.pages(f"{base}/events/public", {"per_page": PER_PAGE})
        weeks: set[tuple[int, int]] = set()
        for event in events:
            if not isinstance(event, dict):
                continue
            when = parse_time(event.get("created_at"))
            if when:
                iso = when.isocalendar()
                weeks.add((iso.year, iso.week))
            repo = str((event.get("repo") or {}).get("name") or "") or None
            payload = event.get("payload") or {}
            at = date_of(event.get("created_at"))
            kind = event.get("type")
            if kind == "PullRequestReviewEvent":
                own = owners.owns(repo) or _own_pr(payload, repo, owners, own_prs)
                data.observations.append(Observation("reviews", 1.0, at=at, item=repo,
                                                     own=own))
            elif kind == "IssuesEvent" and payload.get("action") == "opened":
                data.observations.append(Observation("external_issues", 1.0, at=at,
                                                     item=repo, own=owners.owns(repo)))
        add_level(data, "active_weeks", len(weeks))
        add_zero_if_missing(data, EVENT_SIGNALS)

    def social(self, base: str) -> list[Any]:
        status, body, _ = self.get(f"{base}/social_accounts")
        if status != 200 or not isinstance(body, list):
            raise UpstreamError("bad_response", "github social_accounts returned no list")
        return body


def _own_pr(payload: Mapping[str, Any], repo: str | None, owners: Owners,
            own_prs: set[tuple[str, int]]) -> bool:
    """Is the reviewed PR the person's own? Works on the trimmed (post-2025-10-07) shape."""
    pr = payload.get("pull_request") or {}
    if not isinstance(pr, Mapping):
        return False
    author = (pr.get("user") or {}).get("login") if isinstance(pr.get("user"), Mapping) else None
    if owners.is_me(author):  # the pre-2025-10 shape still carries the author
        return True
    head_repo = (pr.get("head") or {}).get("repo") if isinstance(pr.get("head"), Mapping) else None
    if isinstance(head_repo, Mapping):
        head = repo_of_api_url(head_repo.get("url")) or str(head_repo.get("name") or "")
        if owners.is_me(head.partition("/")[0]) and "/" in head:
            return True  # opened from the person's own fork (an org's branch proves nothing)
    number = pr.get("number", payload.get("number"))
    return bool(repo) and isinstance(number, int) and (str(repo).lower(), number) in own_prs
