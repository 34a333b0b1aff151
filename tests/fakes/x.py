"""Fake X API v2: ``/users/by/username/<u>`` and ``/users/<id>/tweets``.

Requests need ``Authorization: Bearer fake-x-token`` (401 otherwise). Dates relative to now.

Handles:
- ``octocat``: 5,000 followers, listed 120; 15 original posts (12 in 90 days) with hashtags.
- ``newbie``: new, no posts (timeline answers ``{"meta": {"result_count": 0}}``, no data).
- ``hostile``: ``<script>``/``<img onerror>`` in name and description.
- ``followback``: following ≈ followers, both large.  ``bought``: 900k followers, no
  engagement.  ``locked``: ``protected: true`` (timeline would be refused).
- ``suspended``: 200 with ``errors[{"title": "Forbidden", "detail": "User has been
  suspended: [suspended]."}]``.
- ``gone``: HTTP 404 problem document (current API).
- ``ratelimited``: 429 with ``x-rate-limit-reset`` one hour ahead.
- anything else: HTTP 200 with ``errors[{"title": "Not Found Error"}]`` and no ``data``.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

TOKEN = "fake-x-token"
# Problem types as X's published OpenAPI names them (api.x.com; older answers said
# api.twitter.com): checked by tests/contracts/test_x.py.
PROBLEM = "https://api.x.com/2/problems/"


def _ts(days_ago: float) -> str:
    return (datetime.now(UTC) - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _user(uid: str, username: str, followers: int, following: int, listed: int,
          **extra: Any) -> dict:
    user = {
        "id": uid, "name": username.title(), "username": username,
        "created_at": "2013-12-14T04:35:55.000Z", "description": "", "protected": False,
        "verified": False, "url": "", "profile_image_url": "https://pbs.twimg.com/x.jpg",
        "public_metrics": {"followers_count": followers, "following_count": following,
                           "post_count": 1200, "listed_count": listed, "like_count": 300,
                           "media_count": 10},
    }
    user.update(extra)
    return user


USERS = {u["username"].lower(): u for u in [
    _user("1001", "OctoCat", 5000, 300, 120, name="The Octocat",
          description="Tools and talks. candor-claim-x"),
    _user("1002", "newbie", 2, 50, 0, created_at=_ts(4)),
    _user("1003", "hostile", 10, 10, 0, name="<img src=x onerror=alert(1)>",
          description="<script>alert(1)</script>"),
    _user("1004", "followback", 60000, 59000, 40),
    _user("1005", "bought", 900000, 20, 3),
    _user("1006", "locked", 800, 100, 5, protected=True),
]}
BY_ID = {u["id"]: name for name, u in USERS.items()}


def _post(pid: str, days: float, likes: int, rts: int, replies: int,
          tags: tuple[str, ...] = ()) -> dict:
    # Field names as in X's published OpenAPI (repost_count, post_count, edit_history_post_ids);
    # tests/networks/test_x.py also feeds the older retweet_count shape.
    post = {"id": pid, "text": "post", "created_at": _ts(days), "edit_history_post_ids": [pid],
            "public_metrics": {"repost_count": rts, "reply_count": replies,
                               "like_count": likes, "quote_count": 0, "bookmark_count": 0,
                               "impression_count": 100 * (likes + 1)}}
    if tags:
        post["entities"] = {"hashtags": [{"start": 0, "end": len(t) + 1, "tag": t}
                                         for t in tags]}
    return post


def _timeline(name: str) -> list[dict]:
    if name == "octocat":
        posts = [_post(f"9{i:02d}", 1 + i * 7, 10 + i, 2, 1, ("Rust",) if i % 3 == 0 else ())
                 for i in range(12)]
        return posts + [_post(f"8{i:02d}", 120 + i * 60, 100, 10, 5, ("old",)) for i in range(3)]
    if name == "followback":
        return [_post(f"7{i:02d}", 1 + i * 3, 1, 0, 0) for i in range(25)]
    if name == "bought":
        return [_post(f"6{i:02d}", 1 + i * 2, 0, 0, 0, ("giveaway",)) for i in range(30)]
    if name == "hostile":
        return [_post("501", 5, 3, 0, 0)]
    return []


# Query parameters each route accepts (X's OpenAPI); X answers any other one with 400.
ALLOWED = {"user": {"user.fields", "expansions", "post.fields"},
           "posts": {"max_results", "pagination_token", "start_time", "end_time", "since_id",
                     "until_id", "exclude", "post.fields", "expansions", "user.fields",
                     "media.fields", "poll.fields", "place.fields"}}


def _invalid(names: set[str]) -> tuple[int, dict[str, str], Any]:
    return 400, {}, {"errors": [{"parameters": {n: [] for n in sorted(names)},
                                 "message": f"The query parameter [{n}] is not one of the "
                                            "allowed parameters"} for n in sorted(names)],
                     "title": "Invalid Request", "type": PROBLEM + "invalid-request",
                     "detail": "One or more parameters to your request was invalid."}


def _not_found(name: str) -> dict:
    return {"errors": [{"value": name, "detail": f"Could not find user with username: "
                        f"[{name}].", "title": "Not Found Error", "resource_type": "user",
                        "parameter": "username", "resource_id": name,
                        "type": PROBLEM + "resource-not-found"}]}


def respond(path: str, query: dict[str, list[str]], headers: dict[str, str]
            ) -> tuple[int, dict[str, str], Any]:
    if headers.get("Authorization") != f"Bearer {TOKEN}":
        return 401, {}, {"title": "Unauthorized", "type": "about:blank", "status": 401,
                         "detail": "Unauthorized"}
    parts = path.strip("/").split("/")
    route = "user" if parts[:3] == ["users", "by", "username"] else "posts"
    if set(query) - ALLOWED[route]:
        return _invalid(set(query) - ALLOWED[route])
    if parts[:3] == ["users", "by", "username"] and len(parts) == 4:
        name = parts[3].lower()
        if name == "ratelimited":
            reset = str(int(time.time()) + 3600)
            return 429, {"x-rate-limit-limit": "300", "x-rate-limit-remaining": "0",
                         "x-rate-limit-reset": reset}, {"title": "Too Many Requests",
                                                         "detail": "Too Many Requests",
                                                         "type": "about:blank", "status": 429}
        if name == "suspended":
            return 200, {}, {"errors": [{"parameter": "username", "resource_id": name,
                                         "value": name, "resource_type": "user",
                                         "detail": f"User has been suspended: [{name}].",
                                         "title": "Forbidden", "type": PROBLEM + "resource-"
                                         "not-found"}]}
        if name == "gone":
            return 404, {}, {"title": "Not Found Error", "status": 404, "type": PROBLEM +
                             "resource-not-found", "detail": f"Could not find user: [{name}].",
                             "resource_type": "user", "parameter": "username", "value": name,
                             "resource_id": name}
        if name in USERS:
            return 200, {}, {"data": USERS[name]}
        return 200, {}, _not_found(name)
    if parts[0] == "users" and len(parts) == 3 and parts[2] == "tweets":
        name = BY_ID.get(parts[1], "")
        if name == "locked":  # protected posts: 200 with a typed problem and no data
            return 200, {}, {"errors": [{
                "type": PROBLEM + "not-authorized-for-resource", "title": "Authorization Error",
                "detail": "Sorry, you are not authorized to see the Posts of this User.",
                "resource_type": "user", "resource_id": parts[1], "parameter": "id",
                "value": parts[1], "section": "data"}]}
        start = (query.get("start_time") or [""])[0]
        posts = [p for p in _timeline(name) if not start or p["created_at"] >= start]
        posts = posts[:int((query.get("max_results") or ["10"])[0])]
        meta: dict[str, Any] = {"result_count": len(posts)}
        if not posts:
            return 200, {}, {"meta": meta}
        meta.update(newest_id=posts[0]["id"], oldest_id=posts[-1]["id"])
        return 200, {}, {"data": posts, "meta": meta}
    return 404, {}, {"title": "Not Found", "status": 404, "type": "about:blank"}
