"""Fake dev.to (Forem API v1): ``/users/by_username?url=`` and ``/articles?username=``.

Shapes from forem ``_user_show_extended.json.jbuilder`` and the article list (checked against
Forem's OpenAPI by ``tests/contracts/test_devto.py``); ``joined_at``
uses Forem's human format ``"%b %e, %Y"`` (space-padded day). Dates relative to now.

Handles:
- ``octocat``: joined ``"Jan  4, 2017"``, GitHub and Twitter identities connected, 6
  articles (5 in the last year, one older, one with no reactions).
- ``newbie``: joined days ago, no articles.
- ``hostile``: ``<script>``/``<img onerror>`` payloads in name and summary.
- ``spammer``: 60 articles this year, zero reactions (volume without readers).
- ``brokenfeed``: user fine, articles answer 401 ``{"error":"unauthorized","status":401}``.
- anything else: 404 ``{"error":"not found","status":404}``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any


def _ago(days: float) -> datetime:
    return datetime.now(UTC) - timedelta(days=days)


def _joined(moment: datetime) -> str:
    return f"{moment:%b} {moment.day:2d}, {moment.year}"  # Forem's "%b %e, %Y"


def _user(uid: int, username: str, **extra: Any) -> dict:
    user = {
        "type_of": "user", "id": uid, "username": username, "name": username.title(),
        "twitter_username": None, "github_username": None, "summary": None,
        "location": None, "website_url": None, "joined_at": "Mar 14, 2019",
        "profile_image": f"https://media2.dev.to/dynamic/image/{uid}.png",
        "email": None, "badge_ids": [],
    }
    user.update(extra)
    return user


USERS = {
    "octocat": _user(1001, "octocat", name="The Octocat", github_username="octocat",
                     twitter_username="octo_x", joined_at="Jan  4, 2017",
                     summary="I write about tools. candor-claim-devt0",
                     website_url="https://octo.example"),
    "hostile": _user(1003, "hostile", name="<img src=x onerror=alert(1)>",
                     summary="<script>alert(1)</script>"),
    "spammer": _user(1004, "spammer"),
    "brokenfeed": _user(1005, "brokenfeed"),
}


def _article(aid: int, days: float, reactions: int, comments: int, tags: list[str]) -> dict:
    moment = _ago(days)
    published = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    slug = f"article-{aid}-{aid:x}"
    return {
        "type_of": "article", "id": aid, "title": f"Article {aid}", "description": "…",
        "readable_publish_date": f"{moment:%b} {moment.day}", "slug": slug,
        "path": f"/x/{slug}", "url": f"https://dev.to/x/{slug}",
        "canonical_url": f"https://dev.to/x/{slug}", "cover_image": None,
        "social_image": f"https://media2.dev.to/social/{aid}.png",
        "comments_count": comments, "collection_id": None,
        "public_reactions_count": reactions, "positive_reactions_count": reactions,
        "created_at": published, "edited_at": None, "crossposted_at": None,
        "published_at": published, "published_timestamp": published,
        "last_comment_at": published,
        "tag_list": tags, "tags": ", ".join(tags), "reading_time_minutes": 5,
        "user": {"name": "x", "username": "x", "twitter_username": None,
                 "github_username": None, "user_id": 1, "website_url": None,
                 "profile_image": "https://media2.dev.to/x.png",
                 "profile_image_90": "https://media2.dev.to/x90.png"},
    }


def _articles(username: str) -> list[dict]:
    if username == "octocat":
        return [_article(501, 10, 40, 6, ["rust", "webdev"]), _article(502, 50, 12, 2, ["rust"]),
                _article(503, 100, 0, 0, ["career"]), _article(504, 200, 90, 10, ["python"]),
                _article(505, 300, 8, 1, ["rust", "beginners"]),
                _article(506, 800, 300, 40, ["python", "ai"])]
    if username == "spammer":
        return [_article(700 + i, 1 + i * 5, 0, 0, ["crypto"]) for i in range(60)]
    return []


def respond(path: str, query: dict[str, list[str]], headers: dict[str, str]
            ) -> tuple[int, dict[str, str], Any]:
    not_found = (404, {}, {"error": "not found", "status": 404})
    if path == "/users/by_username":
        name = (query.get("url") or [""])[0]
        if name == "newbie":
            return 200, {}, _user(1002, "newbie", joined_at=_joined(_ago(3)))
        return (200, {}, USERS[name]) if name in USERS else not_found
    if path == "/articles":
        name = (query.get("username") or [""])[0]
        if name == "brokenfeed":
            return 401, {}, {"error": "unauthorized", "status": 401}
        per_page = int((query.get("per_page") or ["30"])[0])
        return 200, {}, _articles(name)[:per_page]
    return not_found
