"""X (Twitter) API v2 with an app-only bearer token: user lookup plus one timeline page.

X bills per resource read (pay-per-use API pricing), so the timeline is one page of at most
``TIMELINE_PAGE`` original posts from the last year, and none for protected accounts.
A missing user comes back in two shapes: HTTP 404, or HTTP 200 with ``errors`` and no
``data`` (``"title": "Not Found Error"``); suspended users answer ``"title": "Forbidden"``.
429 is turned into ``rate_limited`` with the ``x-rate-limit-reset`` time by the upstream.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from statistics import median

from service.networks import base
from service.networks.base import InvalidHandle, NetworkData, Observation
from service.networks.mastodon import age_days, iso, parse_time, secondary_failed
from service.upstream import UpstreamError

USER_RE = re.compile(r"^[A-Za-z0-9_]{1,15}$")
# Paths on x.com that are pages, not people: a URL like x.com/home names nobody.
RESERVED = frozenset({
    "home", "settings", "explore", "i", "search", "messages", "notifications", "login",
    "logout", "signup", "tos", "privacy", "compose", "intent", "share", "hashtag", "account",
    "about", "help", "jobs", "download", "lists", "bookmarks", "communities", "topics",
    "who_to_follow", "following", "followers", "oauth", "signin", "signout", "welcome",
})
USER_FIELDS = "created_at,description,public_metrics,protected,verified,url,entities"
TIMELINE_PAGE = 40  # posts cost per read: enough for a median, the same page as Mastodon
RECENT_DAYS = 90
ENGAGEMENT_DAYS = 365


class Connector(base.Connector):
    network = "x"
    required_credential = "x_bearer_token"

    def validate(self, handle: str) -> str:
        raw = handle if isinstance(handle, str) else ""
        text = raw.strip().removeprefix("@")
        if not USER_RE.match(text):
            raise InvalidHandle(self.network, raw, "1-15 letters, digits or _")
        if text.lower() in RESERVED:
            raise InvalidHandle(self.network, raw, "reserved name, not a profile")
        return text.lower()

    def _get(self, path: str, params: dict) -> tuple[int, dict]:
        token = self.settings.credentials.get(self.required_credential or "", "")
        resp = self.upstream.get(f"{self.settings.api_url('X')}{path}", network=self.network,
                                 params=params, headers={"Authorization": f"Bearer {token}"})
        if resp.status in (401, 403):
            # The app's token or plan is refused: configuration, not the person's profile.
            raise UpstreamError("upstream_error", f"x refused the app token ({resp.status})",
                                status=resp.status)
        if resp.status == 404:
            return 404, {}
        body = resp.json()
        if resp.status != 200 or not isinstance(body, dict):
            raise UpstreamError("bad_response", f"x answered {resp.status}", status=resp.status)
        return 200, body

    def fetch(self, handle: str, *, now: datetime) -> NetworkData:
        data = NetworkData(self.network, handle, profile_url=f"https://x.com/{handle}")
        status, body = self._get(f"/users/by/username/{handle}", {"user.fields": USER_FIELDS})
        user = body.get("data")
        if status == 404 or not isinstance(user, dict):
            titles = {str(e.get("title")) for e in body.get("errors") or []
                      if isinstance(e, dict)}
            details = " ".join(str(e.get("detail")) for e in body.get("errors") or []
                               if isinstance(e, dict))
            if status == 404 or "Not Found Error" in titles:
                data.status = "not_found"
            elif "Forbidden" in titles and "suspended" in details.lower():
                data.status = "suspended"
                data.flags.append("suspended")
            else:
                raise UpstreamError("bad_response", f"x user lookup: {sorted(titles)[:3]}")
            return data
        data.display_name = user.get("name") or user.get("username") or None
        data.bio = user.get("description") or None
        if user.get("username"):
            data.profile_url = f"https://x.com/{user['username']}"
        created = parse_time(user.get("created_at"))
        if created:
            data.created_at = iso(created)
            data.observations.append(Observation("account_age_days", age_days(created, now)))
        metrics = user.get("public_metrics") or {}
        for signal, key in (("followers", "followers_count"), ("following", "following_count"),
                            ("listed", "listed_count")):
            data.observations.append(Observation(signal, float(metrics.get(key) or 0)))
        if user.get("protected"):
            data.flags.append("protected")  # posts are private: read nothing more
        elif user.get("id"):
            try:
                self._timeline(data, str(user["id"]), now)
            except UpstreamError as exc:
                if not secondary_failed(exc):
                    raise
                data.partial.append("posts")
                data.unobserved += ["posts_recent", "engagement_per_post"]
        return data

    def _timeline(self, data: NetworkData, user_id: str, now: datetime) -> None:
        # A whole-day bound keeps the URL revalidatable (base.window_start); posts of the
        # extra hours before the exact window are dropped below.
        since = base.window_start(now, ENGAGEMENT_DAYS).strftime("%Y-%m-%dT%H:%M:%SZ")
        params = {"max_results": TIMELINE_PAGE, "exclude": "retweets,replies",
                  "start_time": since, "post.fields": "created_at,public_metrics,entities"}
        try:
            status, body = self._get(f"/users/{user_id}/tweets", params)
        except UpstreamError as exc:
            # X's production OpenAPI (2.167) names this post.fields; its API reference
            # (docs.x.com, "Fields") still says tweet.fields. X answers an unknown
            # parameter with 400, so a 400 is asked once more under the older name.
            if exc.status != 400:
                raise
            params["tweet.fields"] = params.pop("post.fields")
            status, body = self._get(f"/users/{user_id}/tweets", params)
        posts = body.get("data", [])  # no "data" key at all when there are no posts
        if status != 200 or (body.get("errors") and not posts) or not isinstance(posts, list):
            data.partial.append("posts")
            data.unobserved += ["posts_recent", "engagement_per_post"]
            return
        recent = 0
        engagements: list[float] = []
        for post in posts:
            created = parse_time((post or {}).get("created_at"))
            if created is None or created < now - timedelta(days=ENGAGEMENT_DAYS):
                continue
            if created >= now - timedelta(days=RECENT_DAYS):
                recent += 1
            m = post.get("public_metrics") or {}
            # X's published OpenAPI (2026) names reposts repost_count; older answers and
            # documentation say retweet_count. Either shape counts once.
            reposts = m.get("repost_count", m.get("retweet_count"))
            score = int(reposts or 0) + sum(int(m.get(k) or 0)
                                            for k in ("like_count", "reply_count", "quote_count"))
            engagements.append(float(score))
            # One observation per post: the model takes a statistic one more post can never
            # lower (an h-index), which a median of these values is not.
            data.observations.append(Observation(
                "post_engagement", float(score), at=created.date().isoformat(),
                item=str(post.get("id") or "") or None))
            if score > 0:
                for tag in (post.get("entities") or {}).get("hashtags") or []:
                    name = str((tag or {}).get("tag") or "").lower()
                    if name:
                        data.topics[name] = data.topics.get(name, 0.0) + score
        data.observations.append(Observation("posts_recent", float(recent)))
        # Measured: no posts in the window is zero engagement, not a gap.
        data.observations.append(Observation(
            "engagement_per_post", median(engagements) if engagements else 0.0))
