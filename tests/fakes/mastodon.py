"""Fake Mastodon instance (answers for any host; tests use ``127.0.0.1:PORT``).

Routes: ``/api/v1/accounts/lookup?acct=<user>``, ``/api/v1/accounts/<id>/statuses`` and
``/api/v1/statuses/<id>/favourited_by`` (``favourites_count`` accounts: the same four for
``ring``, fresh local and remote ones for everyone else).
Shapes follow docs.joinmastodon.org entities (Account, Status; checked against the vendored
pages by ``tests/contracts/test_mastodon.py``); dates are relative to now.

Handles (``<user>@<instance>``):
- ``octocat``: active; verified fields (GitHub, Bluesky), one unverified field; 12 original
  posts in the last 90 days with tags, 2 older ones, one boost (this server ignores
  ``exclude_reblogs``, as some forks do) and one reply to someone else.
- ``newbie``: five days old, no posts (insufficient data).
- ``hostile``: script/img payloads in display name, note and a verified field.
- ``botty``: ``bot: true``.  ``followback``: following ≈ followers, both large.
- ``bought``: huge followers, near-zero engagement.
- ``suspended``: 200 with ``suspended: true`` and zeroed counts.  ``limited``: silenced.
- ``moved``: ``moved`` holds the new account ``octocat@mastodon.example``.
- ``secure``: 401 as on an instance in secure/limited-federation mode.
- ``gone``: 410 as older servers (2.4-3.3) answered suspended accounts.
- ``ring``: 10 posts, every favourite from the same 4 accounts (an engagement ring).
- anything else: 404 ``{"error":"Record not found"}``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any


def _ts(days_ago: float) -> str:
    moment = datetime.now(UTC) - timedelta(days=days_ago)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _day(days_ago: float) -> str:
    moment = datetime.now(UTC) - timedelta(days=days_ago)
    return moment.strftime("%Y-%m-%dT00:00:00.000Z")


def _account(acct_id: str, username: str, **extra: Any) -> dict:
    account = {
        "id": acct_id, "username": username, "acct": username, "display_name": username.title(),
        "locked": False, "bot": False, "discoverable": True, "indexable": True, "group": False,
        "created_at": _day(900), "note": "", "url": f"https://fake.instance/@{username}",
        "uri": f"https://fake.instance/users/{username}",
        "avatar": "https://fake.instance/avatars/original/missing.png",
        "avatar_static": "https://fake.instance/avatars/original/missing.png",
        "avatar_description": "", "header": "https://fake.instance/headers/original/missing.png",
        "header_static": "https://fake.instance/headers/original/missing.png",
        "header_description": "", "followers_count": 10, "following_count": 10,
        "statuses_count": 0, "last_status_at": None, "hide_collections": None,
        "show_media": True, "show_media_replies": True, "show_featured": True,
        "emojis": [], "fields": [], "roles": [],
        "feature_approval": {"automatic": ["public"], "manual": [], "current_user": "automatic"},
    }
    account.update(extra)
    return account


def _field(name: str, url: str, verified: bool) -> dict:
    value = (f'<a href="{url}" target="_blank" rel="nofollow noopener noreferrer me">'
             f'<span class="invisible">https://</span><span class="">{url[8:]}</span></a>')
    return {"name": name, "value": value,
            "verified_at": "2024-02-01T10:00:00.000+00:00" if verified else None}


def _status(sid: str, days_ago: float, reblogs: int, favs: int, replies: int,
            tags: tuple[str, ...] = (), **extra: Any) -> dict:
    status = {
        "id": sid, "created_at": _ts(days_ago), "in_reply_to_id": None,
        "in_reply_to_account_id": None, "sensitive": False, "spoiler_text": "",
        "visibility": "public", "language": "en", "uri": f"https://fake.instance/statuses/{sid}",
        "url": f"https://fake.instance/@x/{sid}", "replies_count": replies,
        "reblogs_count": reblogs, "favourites_count": favs, "quotes_count": 0,
        "content": "<p>post</p>", "reblog": None, "media_attachments": [], "mentions": [],
        "tags": [{"name": t, "url": f"https://fake.instance/tags/{t}"} for t in tags],
        "emojis": [], "card": None, "poll": None, "text": None, "edited_at": None,
        "quote": None, "quote_approval": {"automatic": ["public"], "manual": [],
                                          "current_user": "automatic"},
        "tagged_collections": [],
        # the author; respond() puts the real one in
        "account": _account("9999", "someone", acct="someone@elsewhere.example"),
    }
    status.update(extra)
    return status


OCTOCAT = _account(
    "1001", "octocat", display_name="The Octocat", created_at="2022-11-03T00:00:00.000Z",
    note='<p>Building open source tools. <a href="https://octo.example">octo.example</a></p>'
         '<p>Claim: candor-claim-mast0d0n</p>',
    followers_count=5120, following_count=301, statuses_count=2210,
    fields=[_field("GitHub", "https://github.com/octocat", True),
            _field("Bluesky", "https://bsky.app/profile/octocat.bsky.social", True),
            _field("Blog", "https://octo.example/blog", True),
            _field("GitLab", "https://gitlab.com/octocat", False)])

ACCOUNTS: dict[str, dict] = {
    "octocat": OCTOCAT,
    "newbie": _account("1002", "newbie", created_at=_day(5), followers_count=0,
                       following_count=3),
    "hostile": _account(
        "1003", "hostile", display_name="<img src=x onerror=alert(1)>",
        note="<p>Hi<script>alert(1)</script><img src=x onerror=alert(1)> there</p>",
        fields=[{"name": "Site", "verified_at": "2024-02-01T10:00:00Z",
                 "value": '<a href="javascript:alert(1)" rel="me">click</a>'
                          "<script>alert(2)</script>"}]),
    "botty": _account("1004", "botty", bot=True, followers_count=800, following_count=0),
    "followback": _account("1005", "followback", followers_count=48000,
                           following_count=47500),
    "bought": _account("1006", "bought", followers_count=250000, following_count=12),
    "suspended": _account("1007", "suspended", suspended=True, followers_count=0,
                          following_count=0, display_name="", note=""),
    "limited": _account("1008", "limited", limited=True, followers_count=40),
    "moved": _account("1009", "moved", moved=_account("2001", "octocat",
                                                       acct="octocat@mastodon.example")),
}
ACCOUNTS["ring"] = _account("1010", "ring", followers_count=200, following_count=180)
BY_ID = {a["id"]: name for name, a in ACCOUNTS.items()}


def _statuses(name: str) -> list[dict]:
    if name == "octocat":
        posts = [_status(f"5{i:02d}", 3 + i * 6, reblogs=2 + i, favs=5 + i, replies=1,
                         tags=("rust",) if i % 2 else ("python", "opensource"))
                 for i in range(12)]
        posts.append(_status("590", 200, 50, 50, 50, ("oldnews",)))
        posts.append(_status("591", 420, 50, 50, 50))
        posts.insert(1, _status("580", 2, 0, 0, 0, reblog=_status("9", 2, 900, 900, 9)))
        posts.insert(2, _status("581", 4, 9, 9, 9, ("gossip",), in_reply_to_id="77",
                                in_reply_to_account_id="4242"))
        return posts
    if name == "followback":
        return [_status(f"6{i:02d}", 2 + i * 5, 0, 1, 0, ("followback",)) for i in range(15)]
    if name == "bought":
        return [_status(f"7{i:02d}", 1 + i * 4, 0, i % 2, 0, ("growth",)) for i in range(20)]
    if name == "ring":
        return [_status(f"95{i}", 1 + i * 6, 0, 4, 0) for i in range(10)]
    if name in ("botty", "limited", "moved", "hostile"):
        return [_status(f"8{i:02d}", 10 + i * 10, 1, 3, 0) for i in range(4)]
    return []


def _favourited_by(status_id: str, limit: int) -> list[dict] | None:
    for name in ACCOUNTS:
        for status in _statuses(name):
            if status["id"] == status_id:
                count = min(status["favourites_count"], limit)
                if name == "ring":
                    return [_account(f"30{n}", f"ringer{n}", acct=f"ringer{n}@ring.example")
                            for n in range(count)]
                # Local fans have a bare acct, remote ones user@host.
                return [_account(f"4{status_id}{n}", f"fan{status_id}x{n}",
                                 acct=f"fan{status_id}x{n}" + ("@other.example" if n % 2 else ""))
                        for n in range(count)]
    return None


def respond(path: str, query: dict[str, list[str]], headers: dict[str, str]
            ) -> tuple[int, dict[str, str], Any]:
    if path == "/api/v1/accounts/lookup":
        name = (query.get("acct") or [""])[0].split("@")[0].lower()
        if name == "secure":
            return 401, {}, {"error": "This API requires an authenticated user"}
        if name == "gone":
            return 410, {}, {"error": "Record not found"}
        if name in ACCOUNTS:
            return 200, {}, ACCOUNTS[name]
        return 404, {}, {"error": "Record not found"}
    parts = path.strip("/").split("/")
    if len(parts) == 5 and parts[:3] == ["api", "v1", "accounts"] and parts[4] == "statuses":
        name = BY_ID.get(parts[3])
        if name is None:
            return 404, {}, {"error": "Record not found"}
        limit = int((query.get("limit") or ["20"])[0])
        page = _statuses(name)[:min(limit, 40)]
        return 200, {}, [{**status, "account": ACCOUNTS[name]} for status in page]
    if len(parts) == 5 and parts[:3] == ["api", "v1", "statuses"] and \
            parts[4] == "favourited_by":
        limit = min(int((query.get("limit") or ["40"])[0]), 80)
        accounts = _favourited_by(parts[3], limit)
        if accounts is None:
            return 404, {}, {"error": "Record not found"}
        return 200, {}, accounts
    return 404, {}, {"error": "Record not found"}
