"""Fake Hacker News: Firebase ``/user/<id>.json`` (routed as ``/hackernews/...``) and
Algolia ``/search_by_date`` (routed as ``/hnsearch/...``); dates relative to now. Shapes are
checked against the HN API README and the Algolia HN Search page by tests/contracts.

Handles (case-sensitive, as on HN):
- ``octocat``: karma 12345, account from 2011, HTML ``about`` with a claim code; 5 stories
  (one of them ten years old) and 42 comments in the last 90 days plus older ones.
- ``newbie``: a week old, karma 1, nothing posted.
- ``hostile``: ``about`` with ``<script>`` and ``<img onerror>`` payloads.
- ``nosearch``: Firebase is fine, Algolia answers 400 (search down or rejecting the query).
- anything else, including ``Octocat``: HTTP 200 with body ``null`` (how Firebase says
  "no such user").
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

DAY = 86400


def _user(uid: str, karma: int, created: int, about: str | None = None) -> dict:
    user = {"id": uid, "created": created, "karma": karma, "submitted": [41000001, 40999999]}
    if about is not None:
        user["about"] = about
    return user


def _now() -> int:
    return int(time.time())


def _users() -> dict[str, dict]:
    now = _now()
    return {
        "octocat": _user("octocat", 12345, 1300000000,
                         'Building things. <a href="https://octo.example">octo.example</a>'
                         "<p>candor-claim-hn1234"),
        "newbie": _user("newbie", 1, now - 7 * DAY),
        "hostile": _user("hostile", 5, now - 400 * DAY,
                         "<script>alert(1)</script><img src=x onerror=alert(1)>hello"),
        "nosearch": _user("nosearch", 300, now - 900 * DAY),
    }


def _story(sid: int, author: str, days_ago: float, points: int) -> dict:
    at = _now() - int(days_ago * DAY)
    return {
        "objectID": str(sid), "title": f"Show HN: thing {sid}", "url": "https://octo.example/x",
        "author": author, "points": points, "num_comments": points // 3, "story_id": sid,
        "created_at": datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "created_at_i": at, "_tags": ["story", f"author_{author}", f"story_{sid}"],
    }


def _items(author: str, kind: str) -> list[dict]:
    if author != "octocat":
        return []
    if kind == "story":
        return [_story(41000000 + i, author, days, pts) for i, (days, pts) in
                enumerate([(5, 120), (40, 3), (200, 45), (700, 310), (3650, 800)])]
    # 42 comments in the last 90 days, 20 older ones.
    ages = [1 + i * 2 for i in range(42)] + [100 + i * 10 for i in range(20)]
    return [_comment(42000000 + i, author, _now() - days * DAY) for i, days in enumerate(ages)]


def _comment(cid: int, author: str, at: int) -> dict:
    return {"objectID": str(cid), "author": author, "comment_text": "c", "points": None,
            "story_id": 41000000, "parent_id": 41000000, "story_title": "Show HN: thing",
            "created_at": datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "created_at_i": at, "_tags": ["comment", f"author_{author}", "story_41000000"]}


def _search(query: dict[str, list[str]]) -> tuple[int, dict[str, str], Any]:
    tags = (query.get("tags") or [""])[0].split(",")
    authors = [t[len("author_"):] for t in tags if t.startswith("author_")]
    kinds = [t for t in tags if t in ("story", "comment")]
    if not authors or not kinds:
        return 400, {}, {"message": "invalid tags", "status": 400}
    if authors[0] == "nosearch":
        return 400, {}, {"message": "Invalid syntax for numeric condition", "status": 400}
    hits = _items(authors[0], kinds[0])
    for cond in query.get("numericFilters") or []:
        field, _, value = cond.partition(">")
        hits = [h for h in hits if h.get(field, 0) > int(value)]
    per_page = int((query.get("hitsPerPage") or ["20"])[0])
    return 200, {}, {"hits": hits[:per_page], "nbHits": len(hits), "page": 0,
                     "nbPages": 1 if hits else 0, "hitsPerPage": per_page,
                     "query": "", "params": "", "processingTimeMS": 1}


def respond(path: str, query: dict[str, list[str]], headers: dict[str, str]
            ) -> tuple[int, dict[str, str], Any]:
    if path == "/search_by_date":
        return _search(query)
    if path.startswith("/user/") and path.endswith(".json"):
        return 200, {}, _users().get(path[len("/user/"):-len(".json")])
    if path.startswith("/item/"):
        return 200, {}, None
    return 401, {}, {"error": "Permission denied"}
