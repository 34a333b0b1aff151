"""YouTube Data API v3 (API key required): channel, its uploads playlist, their view counts.

Three calls of 1 quota unit each (``search.list`` would cost 100): ``channels.list``
by handle or id, ``playlistItems.list`` on the channel's uploads playlist, and
``videos.list`` for those videos' statistics. Counts are strings; a 200 without ``items`` is
a missing channel (as ``channels.list`` answers one). The key travels in the
``X-Goog-Api-Key`` header, never in a URL that could end up in a log.
"""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta
from statistics import median
from zoneinfo import ZoneInfo

from service.networks import base
from service.networks.base import InvalidHandle, NetworkData, Observation
from service.networks.mastodon import age_days, iso, parse_time
from service.upstream import UpstreamError, UpstreamResponse

CHANNEL_ID_RE = re.compile(r"^UC[A-Za-z0-9_-]{22}$")
# Handles: 3-30 letters (any script), digits, "_", "-", "."; no dot at either end.
HANDLE_RE = re.compile(r"^(?!\.)[\w.-]{3,30}(?<!\.)$")
RECENT_DAYS = 365  # videos are long-form, like articles: "recent" is the last year
UPLOADS_PAGE = 50  # playlistItems and videos.list maximum: one call each
PACIFIC = ZoneInfo("America/Los_Angeles")  # the daily quota resets at midnight Pacific


class Connector(base.Connector):
    network = "youtube"
    required_credential = "youtube_key"

    def validate(self, handle: str) -> str:
        raw = handle if isinstance(handle, str) else ""
        text = raw.strip()
        if CHANNEL_ID_RE.match(text):
            return text  # channel ids are case-sensitive
        name = text.removeprefix("@")
        if not HANDLE_RE.match(name):
            raise InvalidHandle(self.network, raw, "expected @handle or a UC… channel id")
        return "@" + name.lower()

    def fetch(self, handle: str, *, now: datetime) -> NetworkData:
        data = NetworkData(self.network, handle)
        by = {"forHandle": handle} if handle.startswith("@") else {"id": handle}
        body = self._get("channels", {"part": "snippet,statistics,contentDetails", **by})
        items = body.get("items") if isinstance(body, dict) else None
        if not items:
            data.status = "not_found"
            return data
        channel = items[0]
        snippet = channel.get("snippet") or {}
        stats = channel.get("statistics") or {}
        custom = str(snippet.get("customUrl") or "")
        data.profile_url = (f"https://www.youtube.com/{custom}" if custom.startswith("@")
                            else f"https://www.youtube.com/channel/{channel.get('id')}")
        data.display_name = snippet.get("title") or None
        data.bio = snippet.get("description") or None
        created = parse_time(snippet.get("publishedAt"))
        if created:
            data.created_at = iso(created)
            data.observations.append(Observation("account_age_days", age_days(created, now)))
        if stats.get("hiddenSubscriberCount"):
            data.flags.append("hidden_subscribers")  # the owner hides it: no value, not zero
        elif (subscribers := _count(stats.get("subscriberCount"))) is not None:
            data.observations.append(Observation("subscribers", subscribers))
        uploads = ((channel.get("contentDetails") or {}).get("relatedPlaylists") or {}).get(
            "uploads")
        if _count(stats.get("videoCount")) == 0:
            data.observations.append(Observation("videos_recent", 0.0))
            data.observations.append(Observation("views_per_video", 0.0))
        elif uploads:
            try:
                self._videos(data, str(uploads), now)
            except UpstreamError as exc:
                if exc.kind in ("deadline", "rate_limited"):
                    raise  # a spent quota is the whole network's state, with its reset time
                # The channel answered: its levels stand; the video signals not yet emitted
                # are unobserved, not zero.
                data.partial.append("videos")
                emitted = {o.signal for o in data.observations}
                data.unobserved += [s for s in ("videos_recent", "views_per_video")
                                    if s not in emitted]
        else:
            data.partial.append("videos")
            data.unobserved += ["videos_recent", "views_per_video"]
        return data

    def _get(self, resource: str, params: dict, missing_ok: bool = False) -> dict | None:
        key = self.settings.credentials.get(self.required_credential or "", "")
        resp = self.upstream.get(f"{self.settings.api_url('YOUTUBE')}/{resource}",
                                 network=self.network, params=params,
                                 headers={"X-Goog-Api-Key": key})
        if resp.status == 200:
            body = resp.json()
            if not isinstance(body, dict):
                raise UpstreamError("bad_response", f"youtube {resource} is not an object")
            return body
        if resp.status == 404 and missing_ok:
            return None
        reasons = _reasons(resp)
        if {"quotaExceeded", "dailyLimitExceeded", "rateLimitExceeded"} & reasons:
            raise UpstreamError("rate_limited", "youtube quota exhausted", status=resp.status,
                                retry_at=_next_pacific_midnight())
        # keyInvalid, forbidden, ...: a configuration problem, not the person's profile.
        raise UpstreamError("upstream_error",
                            f"youtube {resource} answered {resp.status} {sorted(reasons)}",
                            status=resp.status)

    def _videos(self, data: NetworkData, uploads: str, now: datetime) -> None:
        listing = self._get("playlistItems", {"part": "contentDetails", "playlistId": uploads,
                                              "maxResults": UPLOADS_PAGE}, missing_ok=True)
        if listing is None:  # playlistNotFound: no public uploads
            data.observations.append(Observation("videos_recent", 0.0))
            data.observations.append(Observation("views_per_video", 0.0))
            return
        recent, ids = 0, []
        for item in listing.get("items") or []:
            details = (item or {}).get("contentDetails") or {}
            if details.get("videoId"):
                ids.append(str(details["videoId"]))
            published = parse_time(details.get("videoPublishedAt"))
            if published and published >= now - timedelta(days=RECENT_DAYS):
                recent += 1
        data.observations.append(Observation("videos_recent", float(recent)))
        if not ids:
            data.observations.append(Observation("views_per_video", 0.0))
            return
        stats = self._get("videos", {"part": "statistics", "id": ",".join(ids)})
        views = [v for item in stats.get("items") or []
                 if (v := _count(((item or {}).get("statistics") or {}).get("viewCount")))
                 is not None]
        if views:
            data.observations.append(Observation("views_per_video", median(views)))
        # Per video, for the model's top-k mean (one more video never lowers it).
        for item in stats.get("items") or []:
            v = _count(((item or {}).get("statistics") or {}).get("viewCount"))
            if v is not None:
                data.observations.append(Observation(
                    "video_views", v, item=str((item or {}).get("id") or "") or None))


def _count(value: object) -> float | None:
    """YouTube sends counts as decimal strings."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str) and value.isdigit():
        return float(value)
    return None


def _reasons(resp: UpstreamResponse) -> set[str]:
    try:
        body = resp.json()
    except UpstreamError:
        return set()
    error = body.get("error") if isinstance(body, dict) else None
    errors = error.get("errors") if isinstance(error, dict) else None
    return {str(e.get("reason")) for e in errors or [] if isinstance(e, dict)}


def _next_pacific_midnight() -> float:
    local = datetime.fromtimestamp(time.time(), PACIFIC)
    midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight.timestamp()
