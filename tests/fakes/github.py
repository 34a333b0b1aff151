"""Fake GitHub REST v3 (api.github.com), recorded-shape JSON with real field names.

Handles served (dates are around 2026-11; tests pass ``now=2026-11-20``):

- ``octocat``: active user. 4 owned repos (one fork), events over 3 weeks (reviews,
  issues on others' repos), merged PRs in the search index (two external, one own),
  social_accounts linking ``bluesky:octocat.bsky.social``, ``x:octocat`` (twitter),
  ``hackernews:octocat`` and ``devto:octocat`` (generic), LinkedIn; ``blog`` is a plain
  website (not a profile) and ``twitter_username`` is ``octocat``.
- ``newbie``: created last week, no repos, no events, nothing linked (insufficient data).
- ``hostile``: ``<img src=x onerror=alert(1)>`` and a ``<script>`` in name and bio.
- ``dependabot-like``: ``type: "Bot"``.
- ``followback``: following ~ followers, both large (follow-back pattern), little else.
- ``onehit``: one repo holds almost all stars.
- ``flaky``: profile fine, ``/events/public`` answers 500 (partial failure).
- ``ratelimited``: ``/users/ratelimited`` answers the 403 primary rate-limit shape.
- ``secondarylimit``: 403 "secondary rate limit" message, no Retry-After, quota left.
- ``forbidden``: 403 without rate-limit markers (e.g. blocked by policy).
- ``octocat`` repos page 1 links to page 2 through the ``Link`` header.

- ``bench-<n>`` (digits): generated plain users, no repos or events (benchmarks).

Anything else: the real 404 body ``{"message": "Not Found", ...}``.
"""

from __future__ import annotations

import time
from typing import Any

DOC = "https://docs.github.com/rest"
RATE = {"x-ratelimit-limit": "60", "x-ratelimit-remaining": "59", "x-ratelimit-used": "1",
        "x-ratelimit-reset": "1795000000", "x-ratelimit-resource": "core"}


def _user(login: str, uid: int, **fields: Any) -> dict[str, Any]:
    base = {
        "login": login, "id": uid, "node_id": f"MDQ6VXNlcj{uid}",
        "avatar_url": f"https://avatars.githubusercontent.com/u/{uid}?v=4",
        "html_url": f"https://github.com/{login}", "type": "User", "user_view_type": "public",
        "site_admin": False, "name": None, "company": None, "blog": "", "location": None,
        "email": None, "hireable": None, "bio": None, "twitter_username": None,
        "public_repos": 0, "public_gists": 0, "followers": 0, "following": 0,
        "created_at": "2020-01-01T00:00:00Z", "updated_at": "2026-11-01T00:00:00Z",
    }
    base.update(fields)
    return base


USERS: dict[str, dict[str, Any]] = {
    "octocat": _user("octocat", 583231, name="The Octocat", company="@github",
                     blog="https://octocat.example", location="San Francisco",
                     bio="Mascot. Reviews pull requests for fun.", twitter_username="octocat",
                     public_repos=4, public_gists=8, followers=9000, following=9,
                     created_at="2011-01-25T18:44:36Z"),
    "newbie": _user("newbie", 9100001, name="New Bie", created_at="2026-11-13T10:00:00Z"),
    "hostile": _user("hostile", 9100002, name="<img src=x onerror=alert(1)>",
                     bio="<script>alert('bio')</script><img src=x onerror=alert(1)>",
                     blog="javascript:alert(1)", public_repos=0, followers=3, following=1,
                     created_at="2019-05-05T05:05:05Z"),
    "dependabot-like": _user("dependabot-like", 9100003, type="Bot", name="Dependabot-like",
                             public_repos=0, followers=0, created_at="2017-05-26T00:00:00Z"),
    "followback": _user("followback", 9100004, name="Follow Back",
                        bio="f4f! follow me, I follow back",
                        public_repos=1, followers=48200, following=47950,
                        created_at="2022-02-02T00:00:00Z"),
    "onehit": _user("onehit", 9100005, name="One Hit", public_repos=3, followers=800,
                    following=2, created_at="2015-03-03T00:00:00Z"),
    "flaky": _user("flaky", 9100006, name="Flaky Events", public_repos=0, followers=12,
                   following=3, created_at="2018-08-08T00:00:00Z"),
}


def _repo(owner: str, name: str, stars: int, language: str | None, fork: bool = False,
          pushed: str = "2026-11-10T00:00:00Z") -> dict[str, Any]:
    return {
        "id": sum(map(ord, owner + name)) * 1000 + stars % 1000, "name": name,
        "full_name": f"{owner}/{name}",
        "private": False, "owner": {"login": owner, "type": "User"},
        "html_url": f"https://github.com/{owner}/{name}", "fork": fork,
        "stargazers_count": stars, "watchers_count": stars, "forks_count": stars // 10,
        "open_issues_count": 1, "language": language, "topics": [], "archived": False,
        "pushed_at": pushed, "created_at": "2016-01-01T00:00:00Z", "license": None,
    }


REPOS: dict[str, list[list[dict[str, Any]]]] = {  # pages
    "octocat": [
        [_repo("octocat", "Hello-World", 2500, "Python"),
         _repo("octocat", "linguist", 600, "Ruby", fork=True),
         _repo("octocat", "Spoon-Knife", 1200, "HTML")],
        [_repo("octocat", "octo-tools", 300, "Python", pushed="2025-01-01T00:00:00Z")],
    ],
    "followback": [[_repo("followback", "dotfiles", 4, "Shell")]],
    "onehit": [[_repo("onehit", "viral-lib", 41000, "Rust"),
                _repo("onehit", "notes", 3, "Markdown"),
                _repo("onehit", "scratch", 0, None)]],
}


def _event(eid: int, kind: str, repo: str, at: str, payload: dict[str, Any],
           actor: str = "octocat") -> dict[str, Any]:
    return {"id": str(eid), "type": kind,
            "actor": {"id": 583231, "login": actor, "display_login": actor,
                      "avatar_url": "https://avatars.githubusercontent.com/u/583231?"},
            "repo": {"id": eid % 1000, "name": repo, "url": f"https://api.github.com/repos/{repo}"},
            "payload": payload, "public": True, "created_at": at}


def _pr(author: str) -> dict[str, Any]:
    return {"pull_request": {"number": 7, "user": {"login": author}, "state": "open"}}


EVENTS: dict[str, list[dict[str, Any]]] = {
    "octocat": [
        _event(1, "PushEvent", "octocat/Hello-World", "2026-11-18T09:00:00Z",
               {"repository_id": 1, "push_id": 11, "ref": "refs/heads/main", "head": "a",
                "before": "b"}),
        _event(2, "PullRequestReviewEvent", "rails/rails", "2026-11-17T10:00:00Z",
               {"action": "created", "review": {"state": "approved"}, **_pr("dhh")}),
        _event(3, "PullRequestReviewEvent", "octocat/Hello-World", "2026-11-10T10:00:00Z",
               {"action": "created", "review": {"state": "commented"}, **_pr("octocat")}),
        _event(4, "IssuesEvent", "python/cpython", "2026-11-04T08:00:00Z",
               {"action": "opened", "issue": {"number": 1}}),
        _event(5, "IssuesEvent", "octocat/Spoon-Knife", "2026-11-03T08:00:00Z",
               {"action": "opened", "issue": {"number": 2}}),
        _event(6, "IssuesEvent", "python/cpython", "2026-11-03T09:00:00Z",
               {"action": "closed", "issue": {"number": 1}}),
    ],
    "onehit": [_event(7, "WatchEvent", "rust-lang/rust", "2026-11-01T00:00:00Z",
                      {"action": "started"}, actor="onehit")],
}


def _search_item(number: int, repo: str, merged_at: str, author: str) -> dict[str, Any]:
    return {"url": f"https://api.github.com/repos/{repo}/issues/{number}",
            "repository_url": f"https://api.github.com/repos/{repo}",
            "html_url": f"https://github.com/{repo}/pull/{number}", "number": number,
            "title": "Fix things", "user": {"login": author}, "state": "closed",
            "closed_at": merged_at, "created_at": "2026-06-01T00:00:00Z",
            "pull_request": {"url": f"https://api.github.com/repos/{repo}/pulls/{number}",
                             "merged_at": merged_at}}


MERGED: dict[str, list[dict[str, Any]]] = {
    "octocat": [_search_item(101, "rails/rails", "2026-10-01T12:00:00Z", "octocat"),
                _search_item(102, "python/cpython", "2026-06-15T12:00:00Z", "octocat"),
                _search_item(5, "octocat/Hello-World", "2026-09-09T12:00:00Z", "octocat")],
    "onehit": [_search_item(9, "onehit/viral-lib", "2026-08-08T08:00:00Z", "onehit")],
}

SOCIAL: dict[str, list[dict[str, str]]] = {
    "octocat": [
        {"provider": "bluesky", "url": "https://bsky.app/profile/octocat.bsky.social"},
        {"provider": "twitter", "url": "https://twitter.com/octocat"},
        {"provider": "generic", "url": "https://news.ycombinator.com/user?id=octocat"},
        {"provider": "generic", "url": "https://dev.to/octocat"},
        {"provider": "linkedin", "url": "https://www.linkedin.com/in/octocat"},
        {"provider": "generic", "url": "https://octocat.example/about"},
    ],
    "hostile": [{"provider": "generic", "url": "javascript:alert(1)"}],
}


def _not_found() -> tuple[int, dict[str, str], Any]:
    return 404, dict(RATE), {"message": "Not Found",
                             "documentation_url": f"{DOC}/users/users#get-a-user",
                             "status": "404"}


def _generated(login: str) -> dict[str, Any] | None:
    """``bench-<n>``: plain users made up on demand (benchmarks need many distinct ones)."""
    if not login.startswith("bench-") or not login[6:].isdigit():
        return None
    return _user(login, 9200000 + int(login[6:]), followers=int(login[6:]) % 50,
                 created_at="2019-01-01T00:00:00Z")


def respond(path: str, query: dict[str, list[str]], headers: dict[str, str]):
    parts = [p for p in path.split("/") if p]
    if parts[:2] == ["search", "issues"]:
        q = (query.get("q") or [""])[0]
        author = next((t.split(":", 1)[1] for t in q.split() if t.startswith("author:")), "")
        items = MERGED.get(author.lower(), [])
        return 200, {**RATE, "x-ratelimit-resource": "search"}, {
            "total_count": len(items), "incomplete_results": False, "items": items}
    if len(parts) < 2 or parts[0] != "users":
        return _not_found()
    login = parts[1].lower()
    if login == "ratelimited":
        # The quota resets 30 minutes from now (epoch seconds, as GitHub sends it).
        return 403, {**RATE, "x-ratelimit-remaining": "0", "x-ratelimit-used": "60",
                     "x-ratelimit-reset": str(int(time.time()) + 1800)}, {
            "message": "API rate limit exceeded for 203.0.113.9. (But here's the good news: "
                       "Authenticated requests get a higher rate limit.)",
            "documentation_url": f"{DOC}/overview/rate-limits-for-the-rest-api"}
    if login == "secondarylimit":
        # Secondary limits may come without Retry-After; the message is the only marker.
        return 403, dict(RATE), {
            "message": "You have exceeded a secondary rate limit. Please wait a few minutes "
                       "before you try again.",
            "documentation_url": f"{DOC}/overview/rate-limits-for-the-rest-api"}
    if login == "forbidden":
        return 403, dict(RATE), {"message": "Resource protected by organization SAML enforcement.",
                                 "documentation_url": DOC}
    user = USERS.get(login) or _generated(login)
    if user is None:
        return _not_found()
    rest = parts[2:]
    if not rest:
        return 200, dict(RATE), user
    if rest == ["repos"]:
        pages = REPOS.get(login, [[]])
        page = int((query.get("page") or ["1"])[0])
        hdrs = dict(RATE)
        if page < len(pages):
            host = headers.get("Host", "127.0.0.1")
            hdrs["Link"] = (f'<http://{host}/github/users/{login}/repos?type=owner&sort=pushed'
                            f'&per_page=100&page={page + 1}>; rel="next", '
                            f'<http://{host}/github/users/{login}/repos?page={len(pages)}>; '
                            f'rel="last"')
        return 200, hdrs, pages[page - 1] if page <= len(pages) else []
    if rest == ["events", "public"]:
        if login == "flaky":
            return 500, {}, b'{"message":"Server Error"}'
        return 200, {**RATE, "X-Poll-Interval": "60"}, EVENTS.get(login, [])
    if rest == ["social_accounts"]:
        return 200, dict(RATE), SOCIAL.get(login, [])
    return _not_found()
