"""Fake Stack Exchange API 2.3 (api.stackexchange.com/2.3), ``site=stackoverflow``.

Every body is gzip-compressed with ``Content-Encoding: gzip`` like the real API, and wrapped
in ``{items, has_more, quota_max, quota_remaining}``. Method errors are HTTP 400 with
``error_id``/``error_name``/``error_message``.

User ids served (epoch timestamps; tests pass ``now=2026-11-20``):

- ``22656``: active: high reputation, 6 recent answers (3 accepted), top tags,
  ``website_url`` pointing at a GitHub profile, HTML ``about_me``.
- ``1``: new user: reputation 1, created last week, no answers, no tags.
- ``666``: hostile: ``<img src=x onerror=alert(1)>`` in display_name (entity-encoded, as
  the API does) and a ``<script>`` in about_me.
- ``4242``: one answer dominates (score 5000 vs single digits).
- ``31337``: suspended (``timed_penalty_date`` in the future, reputation pinned at 1).
- ``5000``: profile fine, ``/answers`` answers HTTP 500 (partial failure).
- ``5020``: ``/users`` returns error_id 502 throttle_violation.
- ``4000``: ``/users`` returns error_id 400 bad_parameter.
- ``7777``: ``/users`` carries ``"backoff": 10``.
- ``8888``: ``/users`` reports ``quota_remaining: 0``.
- anything else: ``items: []`` (how the API says "no such user").

``/users/{id;id;...}`` (up to 100 ids) returns the users that exist, missing ones left out.

``/filter/create`` returns the filter id ``!fakeAboutMe``; ``about_me`` is only included in
``/users`` when that filter is passed (the default filter leaves it out).
"""

from __future__ import annotations

import gzip
import json
from typing import Any

FILTER_ID = "!fakeAboutMe"
DAY = 86400
NOW = 1795132800  # 2026-11-20T00:00:00Z


def _user(uid: int, name: str, rep: int, **fields: Any) -> dict[str, Any]:
    base = {
        "badge_counts": {"bronze": 0, "silver": 0, "gold": 0}, "account_id": 1000 + uid,
        "is_employee": False, "last_modified_date": NOW - 5 * DAY,
        "last_access_date": NOW - DAY, "reputation_change_year": 0,
        "reputation_change_quarter": 0, "reputation_change_month": 0,
        "reputation_change_week": 0, "reputation_change_day": 0, "reputation": rep,
        "creation_date": NOW - 3000 * DAY, "user_type": "registered", "user_id": uid,
        "link": f"https://stackoverflow.com/users/{uid}/{name.lower().replace(' ', '-')}",
        "profile_image": f"https://i.sstatic.net/{uid}.png", "display_name": name,
        "about_me": "",
    }
    base.update(fields)
    return base


USERS: dict[int, dict[str, Any]] = {
    22656: _user(22656, "Jon Skeet", 1512000, reputation_change_year=61234,
                 badge_counts={"bronze": 9500, "silver": 9300, "gold": 880},
                 creation_date=1222430705, location="Reading, United Kingdom",
                 website_url="https://github.com/jskeet",
                 about_me="<p>Author of <a href=\"https://csharpindepth.com\">C# in Depth</a>."
                          "</p>\n<p>Claim: candor-7f3a</p>"),
    1: _user(1, "new user", 1, creation_date=NOW - 7 * DAY),
    666: _user(666, "&lt;img src=x onerror=alert(1)&gt;", 15,
               about_me="<script>alert('x')</script><p>hi <img src=x onerror=alert(1)></p>"),
    4242: _user(4242, "One Hit", 52000, reputation_change_year=300),
    31337: _user(31337, "Sock Puppet", 1, timed_penalty_date=NOW + 30 * DAY),
    5000: _user(5000, "Flaky Answers", 900, reputation_change_year=120),
    7777: _user(7777, "Backoff", 300),
    8888: _user(8888, "Quota", 300),
}


def _answer(aid: int, uid: int, score: int, accepted: bool, days_ago: int) -> dict[str, Any]:
    return {"owner": {"account_id": 1000 + uid, "reputation": 1, "user_id": uid,
                      "user_type": "registered", "display_name": "x"},
            "is_accepted": accepted, "score": score, "last_activity_date": NOW - days_ago * DAY,
            "creation_date": NOW - days_ago * DAY, "answer_id": aid, "question_id": aid - 1,
            "content_license": "CC BY-SA 4.0"}


ANSWERS: dict[int, list[dict[str, Any]]] = {
    22656: [_answer(79001, 22656, 12, True, 3), _answer(79002, 22656, 8, False, 10),
            _answer(79003, 22656, 30, True, 40), _answer(79004, 22656, 4, False, 90),
            _answer(79005, 22656, 0, False, 200), _answer(79006, 22656, 6, True, 400)],
    4242: [_answer(1001, 4242, 5000, True, 2500), _answer(1002, 4242, 2, False, 20),
           _answer(1003, 4242, 1, False, 30)],
    666: [_answer(6661, 666, 1, False, 5)],
}

TAGS: dict[int, list[dict[str, Any]]] = {
    22656: [{"user_id": 22656, "answer_count": 14000, "answer_score": 250000,
             "question_count": 10, "question_score": 300, "tag_name": "c#"},
            {"user_id": 22656, "answer_count": 7000, "answer_score": 120000,
             "question_count": 2, "question_score": 40, "tag_name": "java"},
            {"user_id": 22656, "answer_count": 3, "answer_score": 0,
             "question_count": 1, "question_score": 5, "tag_name": "python"}],
    4242: [{"user_id": 4242, "answer_count": 3, "answer_score": 5003, "question_count": 0,
            "question_score": 0, "tag_name": "git"}],
}


def _wrap(items: list[Any], **extra: Any) -> dict[str, Any]:
    return {"items": items, "has_more": False, "quota_max": 300, "quota_remaining": 297, **extra}


def _gz(status: int, body: Any):
    data = gzip.compress(json.dumps(body).encode())
    return status, {"Content-Type": "application/json; charset=utf-8",
                    "Content-Encoding": "gzip"}, data


def _error(error_id: int, name: str, message: str):
    return _gz(400, {"error_id": error_id, "error_name": name, "error_message": message})


def respond(path: str, query: dict[str, list[str]], headers: dict[str, str]):
    parts = [p for p in path.split("/") if p]
    if parts == ["filter", "create"]:
        include = (query.get("include") or [""])[0]
        return _gz(200, _wrap([{"filter": FILTER_ID, "filter_type": "safe",
                                "included_fields": include.split(";")}]))
    if (query.get("site") or [""])[0] != "stackoverflow":
        return _error(400, "bad_parameter", "site is required")
    if len(parts) < 2 or parts[0] != "users":
        return _error(404, "no_method", "this method cannot be found")
    ids = parts[1].split(";")
    if not all(i.isdigit() for i in ids):
        return _error(404, "no_method", "this method cannot be found")
    if len(ids) > 100:
        return _error(400, "bad_parameter", "ids: too many values (max 100)")
    if len(ids) > 1:
        if len(parts) > 2:
            return _error(404, "no_method", "this method cannot be found")
        # A vector of ids: the users that exist, in the API's default order (reputation).
        found = [dict(USERS[int(i)]) for i in dict.fromkeys(ids) if int(i) in USERS]
        for user in found:
            if (query.get("filter") or [""])[0] != FILTER_ID:
                user.pop("about_me", None)
        pagesize = int((query.get("pagesize") or ["30"])[0])
        found.sort(key=lambda u: -u["reputation"])
        return _gz(200, _wrap(found[:pagesize], has_more=len(found) > pagesize))
    uid = int(parts[1])
    rest = parts[2:]
    if not rest:
        if uid == 5020:
            return _error(502, "throttle_violation",
                          "too many requests from this IP, more requests available in "
                          "79641 seconds")
        if uid == 4000:
            return _error(400, "bad_parameter", "ids")
        user = USERS.get(uid)
        if user is None:
            return _gz(200, _wrap([]))
        user = dict(user)
        if (query.get("filter") or [""])[0] != FILTER_ID:
            user.pop("about_me", None)
        extra: dict[str, Any] = {}
        if uid == 7777:
            extra["backoff"] = 10
        if uid == 8888:
            extra["quota_remaining"] = 0
        return _gz(200, _wrap([user], **extra))
    if rest == ["answers"]:
        if uid == 5000:
            return 500, {"Content-Type": "text/html"}, b"<html>500</html>"
        return _gz(200, _wrap(ANSWERS.get(uid, [])))
    if rest == ["top-tags"]:
        return _gz(200, _wrap(TAGS.get(uid, [])))
    return _error(404, "no_method", "this method cannot be found")
