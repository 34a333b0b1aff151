"""Fake YouTube Data API v3: ``/channels``, ``/playlistItems``, ``/videos``.

Counts are strings as in the real API; a request without the right key (``X-Goog-Api-Key``
header or ``key=``) gets 403 ``forbidden`` when absent and 400 ``keyInvalid`` when wrong.

Handles (``forHandle=@name``; ``id=`` works with each channel's id, e.g. ``UCoctocat…``):
- ``@octocat``: 45,600 subscribers, 12 uploads (8 in the last year).
- ``@newbie``: no videos (``videoCount: "0"``).
- ``@hostile``: ``<script>``/``<img onerror>`` in title and description.
- ``@hidden``: ``hiddenSubscriberCount: true`` and no ``subscriberCount`` key.
- ``@bought``: 1.2 M subscribers, a few hundred views per video.
- ``@novideos``: says 3 videos but the uploads playlist answers 404 ``playlistNotFound``.
- ``@quota``: 403 ``quotaExceeded``.  ``@badkey``: 400 ``keyInvalid``.
- anything else: 200 with ``pageInfo.totalResults: 0`` and no ``items`` key.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

KEY = "fake-youtube-key"


def _ts(days_ago: float) -> str:
    return (datetime.now(UTC) - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _cid(name: str) -> str:
    return ("UC" + name + "x" * 22)[:24]


def _channel(name: str, subs: str | None, videos: str, views: str = "1000", **snippet: Any
             ) -> dict:
    stats = {"viewCount": views, "hiddenSubscriberCount": subs is None, "videoCount": videos}
    if subs is not None:
        stats["subscriberCount"] = subs
    return {
        "kind": "youtube#channel", "etag": f"etag-{name}", "id": _cid(name),
        "snippet": {"title": name.title(), "description": "", "customUrl": f"@{name}",
                    "publishedAt": "2016-02-01T10:00:00Z", "country": "US",
                    "thumbnails": {"default": {"url": "https://yt3.ggpht.com/x"}}, **snippet},
        "contentDetails": {"relatedPlaylists": {"likes": "", "uploads": "UU" + _cid(name)[2:]}},
        "statistics": stats,
    }


CHANNELS = {c["snippet"]["customUrl"][1:]: c for c in [
    _channel("octocat", "45600", "12", "1234567", title="Octo Codes",
             description="Tutorials. candor-claim-yt0ube"),
    _channel("newbie", "0", "0", "0", publishedAt=_ts(6)),
    _channel("hostile", "10", "0", title="<img src=x onerror=alert(1)>",
             description="<script>alert(1)</script>"),
    _channel("hidden", None, "2"),
    _channel("bought", "1200000", "6"),
    _channel("novideos", "50", "3"),
]}
BY_ID = {c["id"]: name for name, c in CHANNELS.items()}
VIDEOS = {  # per channel: (days ago, views)
    "octocat": [(3 + i * 40, 1000 * (i + 1)) for i in range(12)],
    "hidden": [(3, 50), (9, 70)],
    "bought": [(2 + i * 30, 200 + i) for i in range(6)],
}


def _error(status: int, reason: str, message: str) -> tuple[int, dict, dict]:
    return status, {}, {"error": {"code": status, "message": message, "errors": [
        {"message": message, "domain": "youtube.quota" if reason == "quotaExceeded" else
         "global", "reason": reason}]}}


def _channels(query: dict[str, list[str]]) -> tuple[int, dict, Any]:
    wanted = (query.get("forHandle") or [""])[0].lstrip("@").lower()
    wanted = BY_ID.get((query.get("id") or [""])[0], wanted)
    if wanted == "quota":
        return _error(403, "quotaExceeded", "The request cannot be completed because you "
                      "have exceeded your quota.")
    if wanted == "badkey":
        return _error(400, "keyInvalid", "API key not valid. Please pass a valid API key.")
    body: dict[str, Any] = {"kind": "youtube#channelListResponse", "etag": "list-etag",
                            "pageInfo": {"totalResults": 0, "resultsPerPage": 5}}
    if wanted in CHANNELS:
        body["pageInfo"]["totalResults"] = 1
        body["items"] = [CHANNELS[wanted]]
    return 200, {}, body


def respond(path: str, query: dict[str, list[str]], headers: dict[str, str]
            ) -> tuple[int, dict[str, str], Any]:
    key = headers.get("X-Goog-Api-Key") or (query.get("key") or [""])[0]
    if not key:
        return _error(403, "forbidden", "The request is missing a valid API key.")
    if key != KEY:
        return _error(400, "keyInvalid", "API key not valid. Please pass a valid API key.")
    if path == "/channels":
        return _channels(query)
    if path == "/playlistItems":
        owner = BY_ID.get("UC" + (query.get("playlistId") or [""])[0][2:])
        if owner not in VIDEOS:
            return _error(404, "playlistNotFound", "The playlist identified with the "
                          "request's playlistId parameter cannot be found.")
        limit = int((query.get("maxResults") or ["5"])[0])
        items = [{"kind": "youtube#playlistItem", "id": f"pi{owner}{i}",
                  "contentDetails": {"videoId": f"v{owner}{i}", "videoPublishedAt": _ts(days)}}
                 for i, (days, _) in enumerate(VIDEOS[owner])]
        return 200, {}, {"kind": "youtube#playlistItemListResponse", "items": items[:limit],
                         "pageInfo": {"totalResults": len(items), "resultsPerPage": limit}}
    if path == "/videos":
        views = {f"v{owner}{i}": v for owner, vids in VIDEOS.items()
                 for i, (_, v) in enumerate(vids)}
        ids = (query.get("id") or [""])[0].split(",")
        items = [{"kind": "youtube#video", "id": i, "statistics": {
            "viewCount": str(views[i]), "likeCount": "3", "favoriteCount": "0",
            "commentCount": "1"}} for i in ids if i in views]
        return 200, {}, {"kind": "youtube#videoListResponse", "items": items,
                         "pageInfo": {"totalResults": len(items), "resultsPerPage": len(items)}}
    return _error(404, "notFound", "Not Found")
