"""Hacker News: the official Firebase user record plus two Algolia searches by author.

Firebase has karma, ``created`` (epoch seconds) and ``about``; per-item data would cost one
call per item, so stories and the recent-comment count come from Algolia HN Search
(``hn.algolia.com/api/v1``). Three calls in all. Unknown users are HTTP 200 with body ``null``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from service.networks import base
from service.networks.base import InvalidHandle, NetworkData, Observation
from service.networks.mastodon import age_days, html_to_text, iso, parse_time, secondary_failed
from service.upstream import UpstreamError

# HN's own rule: "letters, digits, dashes and underscores, between 2 and 15 characters".
# Ids are case-sensitive, so the handle is not lowercased.
USER_RE = re.compile(r"^[A-Za-z0-9_-]{2,15}$")
RECENT_DAYS = 90
STORIES_PAGE = 100  # stories decay with a two-year half-life; the newest 100 cover nearly all


class Connector(base.Connector):
    network = "hackernews"

    def validate(self, handle: str) -> str:
        raw = handle if isinstance(handle, str) else ""
        text = raw.strip()
        if not USER_RE.match(text):
            raise InvalidHandle(self.network, raw, "2-15 letters, digits, - or _")
        return text

    def fetch(self, handle: str, *, now: datetime) -> NetworkData:
        data = NetworkData(self.network, handle,
                           profile_url=f"https://news.ycombinator.com/user?id={handle}")
        resp = self.upstream.get(f"{self.settings.api_url('HACKERNEWS')}/user/{handle}.json",
                                 network=self.network)
        user = resp.json() if resp.status == 200 else None
        if resp.status in (200, 404) and user is None:
            data.status = "not_found"
            return data
        if not isinstance(user, dict) or user.get("id") != handle:
            raise UpstreamError("bad_response", f"hackernews user answered {resp.status}",
                                status=resp.status)
        data.display_name = handle
        data.bio = html_to_text(str(user.get("about") or "")) or None
        if isinstance(user.get("created"), int | float):
            created = datetime.fromtimestamp(user["created"], UTC)
            data.created_at = iso(created)
            data.observations.append(Observation("account_age_days", age_days(created, now)))
        data.observations.append(Observation("karma", float(user.get("karma") or 0)))
        for part, signal, call in (("stories", "story_points", lambda: self._stories(data, handle)),
                                   ("comments", "comments_recent",
                                    lambda: self._comments(data, handle, now))):
            try:
                call()
            except UpstreamError as exc:
                if not secondary_failed(exc):
                    raise
                data.partial.append(part)
                data.unobserved.append(signal)
        return data

    def _search(self, params: dict) -> dict | None:
        resp = self.upstream.get(f"{self.settings.api_url('HACKERNEWS_SEARCH')}/search_by_date",
                                 network=self.network, params=params)
        body = resp.json() if resp.status == 200 else None
        return body if isinstance(body, dict) and isinstance(body.get("hits"), list) else None

    def _stories(self, data: NetworkData, handle: str) -> None:
        body = self._search({"tags": f"story,author_{handle}", "hitsPerPage": STORIES_PAGE})
        if body is None:
            data.partial.append("stories")
            data.unobserved.append("story_points")
            return
        counted = 0
        for hit in body["hits"]:
            if not isinstance(hit, dict) or hit.get("author") != handle:
                continue  # only the person's own stories (HN ids are case-sensitive)
            created = parse_time(hit.get("created_at"))
            data.observations.append(Observation(
                "story_points", float(hit.get("points") or 0),
                at=created.date().isoformat() if created else None,
                item=str(hit.get("objectID") or "") or None))
            counted += 1
        if not counted:  # measured: no stories is zero points, not a gap
            data.observations.append(Observation("story_points", 0.0))

    def _comments(self, data: NetworkData, handle: str, now: datetime) -> None:
        # From midnight UTC (base.window_start): a bound to the second would make every call a
        # new URL that can never be revalidated. The count can then include up to one more
        # day of comments; hitsPerPage=0 returns no dates to drop them by.
        since = int(base.window_start(now, RECENT_DAYS).timestamp())
        # hitsPerPage=0: only the count (nbHits) is needed, not the comments themselves.
        body = self._search({"tags": f"comment,author_{handle}", "hitsPerPage": 0,
                             "numericFilters": f"created_at_i>{since}"})
        if body is None or not isinstance(body.get("nbHits"), int):
            data.partial.append("comments")
            data.unobserved.append("comments_recent")
            return
        data.observations.append(Observation("comments_recent", float(body["nbHits"])))
