"""Fake GitHub (api.github.com): REST v3 with recorded-shape JSON, and ``POST /graphql``
answering from the same personas (see :mod:`tests.fakes.github_graphql`).

Shapes follow GitHub's OpenAPI description (``tests/contracts/github`` validates every
answer here against the vendored schemas). Events are served in the shape GitHub has sent
since 2025-10-07: ``payload.pull_request`` trimmed to ``{url, id, number, head, base}``;
the ``legacy`` persona keeps the old shape (with ``user``) for compatibility tests.

Handles (dates around 2026-11; tests pass ``now=2026-11-20``):

- ``octocat``: member of the ``octo-org`` organisation. 4 owned repos (one fork, two
  pages through ``Link``), merged PRs (two external, one into its own repo, one into
  ``octo-org/tools``), events over 3 weeks with reviews of: an external PR (rails, from
  dhh's fork), a PR in its own repo, its own PR #102 in cpython (same-repo branch: known
  only from the search), its own PR from its fork ``octocat/django`` and a PR in
  ``octo-org/tools``; issues opened on cpython (external) and its own Spoon-Knife.
  social_accounts link ``bluesky:octocat.bsky.social``, ``x:octocat``,
  ``hackernews:octocat``, ``devto:octocat`` and LinkedIn; ``twitter_username`` is octocat.
  GraphQL additionally sees older contributions (an issue in nodejs/node in April) that
  the 30-day REST timeline cannot.
- ``legacy``: pre-2025-10 event shapes (``payload.pull_request.user``).
- ``zero``: answered everything, all empty: two forked repos only, no events, no PRs.
- ``prolific``: 250 merged PRs in the year: the search pages (100 a page, ``Link``).
- ``newbie``: created last week, no repos, no events, nothing linked.
- ``hostile``: ``<img src=x onerror=alert(1)>`` and a ``<script>`` in name and bio.
- ``dependabot-like``: ``type: "Bot"`` (GraphQL: not a ``User``, so ``NOT_FOUND``).
- ``followback``: following ~ followers, both large (follow-back pattern), little else.
- ``onehit``: one repo holds almost all stars.
- ``flaky``: profile fine, ``/events/public`` answers 500 (partial failure).
- ``ratelimited``: ``/users/ratelimited`` answers the 403 primary rate-limit shape.
- ``secondarylimit``: 403 "secondary rate limit" message, no Retry-After, quota left.
- ``forbidden``: 403 without rate-limit markers (e.g. blocked by policy).
- ``bench-<n>`` (digits): generated plain users, no repos or events (benchmarks).

Anything else: the real 404 body ``{"message": "Not Found", ...}``.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote

DOC = "https://docs.github.com/rest"
RATE = {"x-ratelimit-limit": "60", "x-ratelimit-remaining": "59", "x-ratelimit-used": "1",
        "x-ratelimit-reset": "1795000000", "x-ratelimit-resource": "core"}
API = "https://api.github.com"


def _user(login: str, uid: int, **fields: Any) -> dict[str, Any]:
    base = {
        "login": login, "id": uid, "node_id": f"MDQ6VXNlcj{uid}",
        "avatar_url": f"https://avatars.githubusercontent.com/u/{uid}?v=4",
        "gravatar_id": "", "url": f"{API}/users/{login}",
        "html_url": f"https://github.com/{login}",
        "followers_url": f"{API}/users/{login}/followers",
        "following_url": f"{API}/users/{login}/following{{/other_user}}",
        "gists_url": f"{API}/users/{login}/gists{{/gist_id}}",
        "starred_url": f"{API}/users/{login}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{API}/users/{login}/subscriptions",
        "organizations_url": f"{API}/users/{login}/orgs",
        "repos_url": f"{API}/users/{login}/repos",
        "events_url": f"{API}/users/{login}/events{{/privacy}}",
        "received_events_url": f"{API}/users/{login}/received_events",
        "type": "User", "user_view_type": "public",
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
    "legacy": _user("legacy", 9100010, name="Old Shapes", public_repos=0, followers=40,
                    following=4, created_at="2014-04-04T00:00:00Z"),
    "zero": _user("zero", 9100011, name="Answered Zero", public_repos=2, followers=5,
                  following=5, created_at="2016-06-06T00:00:00Z"),
    "prolific": _user("prolific", 9100012, name="Many PRs", public_repos=0, followers=300,
                      following=20, created_at="2013-03-03T00:00:00Z"),
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

ORGS: dict[str, list[str]] = {"octocat": ["octo-org"], "prolific": ["prolific-hq"]}


def org_entry(login: str) -> dict[str, Any]:
    uid = 7000000 + sum(map(ord, login))
    return {"login": login, "id": uid, "node_id": f"MDEyOk9yZ2FuaXphdGlvbj{uid}",
            "url": f"{API}/orgs/{login}", "repos_url": f"{API}/orgs/{login}/repos",
            "events_url": f"{API}/orgs/{login}/events", "hooks_url": f"{API}/orgs/{login}/hooks",
            "issues_url": f"{API}/orgs/{login}/issues",
            "members_url": f"{API}/orgs/{login}/members{{/member}}",
            "public_members_url": f"{API}/orgs/{login}/public_members{{/member}}",
            "avatar_url": f"https://avatars.githubusercontent.com/u/{uid}?v=4",
            "description": None}


def simple_user(login: str, uid: int = 583231, kind: str = "User") -> dict[str, Any]:
    """The ``simple-user`` shape GitHub nests in repositories, search items and events."""
    full = _user(login, uid, type=kind)
    keys = ("login", "id", "node_id", "avatar_url", "gravatar_id", "url", "html_url",
            "followers_url", "following_url", "gists_url", "starred_url", "subscriptions_url",
            "organizations_url", "repos_url", "events_url", "received_events_url", "type",
            "user_view_type", "site_admin")
    return {k: full[k] for k in keys}


# Repository URL fields GitHub always sends (``minimal-repository`` requires them).
_REPO_URLS = {
    "archive_url": "/{archive_format}{/ref}", "assignees_url": "/assignees{/user}",
    "blobs_url": "/git/blobs{/sha}", "branches_url": "/branches{/branch}",
    "collaborators_url": "/collaborators{/collaborator}", "comments_url": "/comments{/number}",
    "commits_url": "/commits{/sha}", "compare_url": "/compare/{base}...{head}",
    "contents_url": "/contents/{+path}", "contributors_url": "/contributors",
    "deployments_url": "/deployments", "downloads_url": "/downloads", "events_url": "/events",
    "forks_url": "/forks", "git_commits_url": "/git/commits{/sha}",
    "git_refs_url": "/git/refs{/sha}", "git_tags_url": "/git/tags{/sha}", "hooks_url": "/hooks",
    "issue_comment_url": "/issues/comments{/number}",
    "issue_events_url": "/issues/events{/number}", "issues_url": "/issues{/number}",
    "keys_url": "/keys{/key_id}", "labels_url": "/labels{/name}", "languages_url": "/languages",
    "merges_url": "/merges", "milestones_url": "/milestones{/number}",
    "notifications_url": "/notifications{?since,all,participating}",
    "pulls_url": "/pulls{/number}", "releases_url": "/releases{/id}",
    "stargazers_url": "/stargazers", "statuses_url": "/statuses/{sha}",
    "subscribers_url": "/subscribers", "subscription_url": "/subscription", "tags_url": "/tags",
    "teams_url": "/teams", "trees_url": "/git/trees{/sha}",
}


def _repo(owner: str, name: str, stars: int, language: str | None, fork: bool = False,
          pushed: str = "2026-11-10T00:00:00Z") -> dict[str, Any]:
    full = f"{owner}/{name}"
    uid = sum(map(ord, owner + name)) * 1000 + stars % 1000
    api = f"{API}/repos/{full}"
    return {
        "id": uid, "node_id": f"MDEwOlJlcG9zaXRvcnk{uid}", "name": name, "full_name": full,
        "private": False, "owner": simple_user(owner),
        "html_url": f"https://github.com/{full}", "description": None, "fork": fork,
        "url": api, **{k: api + v for k, v in _REPO_URLS.items()},
        "git_url": f"git://github.com/{full}.git", "ssh_url": f"git@github.com:{full}.git",
        "clone_url": f"https://github.com/{full}.git", "svn_url": f"https://github.com/{full}",
        "mirror_url": None, "homepage": None,
        "stargazers_count": stars, "watchers_count": stars, "forks_count": stars // 10,
        "open_issues_count": 1, "language": language, "size": 120, "default_branch": "main",
        "topics": [], "archived": False, "disabled": False, "visibility": "public",
        "pushed_at": pushed, "created_at": "2016-01-01T00:00:00Z",
        "updated_at": "2026-11-10T00:00:00Z", "license": None,
        "forks": stars // 10, "open_issues": 1, "watchers": stars,
    }


REPOS: dict[str, list[list[dict[str, Any]]]] = {  # pages
    "octocat": [
        [_repo("octocat", "Hello-World", 2500, "Python"),
         _repo("octocat", "linguist", 600, "Ruby", fork=True),
         _repo("octocat", "Spoon-Knife", 1200, "HTML")],
        [_repo("octocat", "octo-tools", 300, "Python", pushed="2025-01-01T00:00:00Z")],
    ],
    "zero": [[_repo("zero", "rails", 0, "Ruby", fork=True),
              _repo("zero", "linux", 0, "C", fork=True)]],
    "followback": [[_repo("followback", "dotfiles", 4, "Shell")]],
    "onehit": [[_repo("onehit", "viral-lib", 41000, "Rust"),
                _repo("onehit", "notes", 3, "Markdown"),
                _repo("onehit", "scratch", 0, None)]],
}


def _event(eid: int, kind: str, repo: str, at: str, payload: dict[str, Any],
           actor: str = "octocat") -> dict[str, Any]:
    return {"id": str(eid), "type": kind,
            "actor": {"id": 583231, "login": actor, "display_login": actor, "gravatar_id": "",
                      "url": f"{API}/users/{actor}",
                      "avatar_url": "https://avatars.githubusercontent.com/u/583231?"},
            "repo": {"id": eid % 1000, "name": repo, "url": f"{API}/repos/{repo}"},
            "payload": payload, "public": True, "created_at": at}


def _ref(repo: str, ref: str) -> dict[str, Any]:
    return {"ref": ref, "sha": "6dcb09b5b57875f334f61aebed695e2e4193db5e",
            "repo": {"id": sum(map(ord, repo)), "url": f"{API}/repos/{repo}",
                     "name": repo.partition("/")[2]}}


def review(eid: int, repo: str, at: str, number: int, author: str, head: str,
           actor: str = "octocat", legacy: bool = False) -> dict[str, Any]:
    """A PullRequestReviewEvent. ``author`` is who opened the PR: GitHub stopped sending
    it (2025-10-07), so only the legacy shape and the GraphQL view carry it."""
    pr: dict[str, Any] = {"url": f"{API}/repos/{repo}/pulls/{number}",
                          "id": 900000 + eid, "number": number,
                          "head": _ref(head, "feature"), "base": _ref(repo, "main")}
    if legacy:
        pr.update({"user": {"login": author}, "state": "open", "title": "Fix things"})
    event = _event(eid, "PullRequestReviewEvent", repo, at, {
        "action": "created", "review": {"id": 800000 + eid, "state": "approved"},
        "pull_request": pr}, actor=actor)
    event["_author"] = author  # fake-only bookkeeping, stripped before serving
    return event


def _issue(eid: int, repo: str, at: str, action: str, number: int,
           actor: str = "octocat") -> dict[str, Any]:
    return _event(eid, "IssuesEvent", repo, at, {"action": action, "issue": {
        "number": number, "url": f"{API}/repos/{repo}/issues/{number}"}}, actor=actor)


EVENTS: dict[str, list[dict[str, Any]]] = {
    "octocat": [
        _event(1, "PushEvent", "octocat/Hello-World", "2026-11-18T09:00:00Z",
               {"repository_id": 1, "push_id": 11, "ref": "refs/heads/main", "head": "a",
                "before": "b"}),
        review(2, "rails/rails", "2026-11-17T10:00:00Z", 77, "dhh", "dhh/rails"),
        review(3, "octocat/Hello-World", "2026-11-10T10:00:00Z", 3, "someone",
               "someone/Hello-World"),
        review(8, "python/cpython", "2026-11-11T10:00:00Z", 102, "octocat", "python/cpython"),
        review(9, "django/django", "2026-11-12T10:00:00Z", 55, "octocat", "octocat/django"),
        review(10, "octo-org/tools", "2026-11-12T11:00:00Z", 13, "hubot", "octo-org/tools"),
        _issue(4, "python/cpython", "2026-11-04T08:00:00Z", "opened", 1),
        _issue(5, "octocat/Spoon-Knife", "2026-11-03T08:00:00Z", "opened", 2),
        _issue(6, "python/cpython", "2026-11-03T09:00:00Z", "closed", 1),
    ],
    "legacy": [
        review(20, "rails/rails", "2026-11-16T10:00:00Z", 80, "dhh", "dhh/rails",
               actor="legacy", legacy=True),
        review(21, "torvalds/linux", "2026-11-15T10:00:00Z", 81, "legacy", "torvalds/linux",
               actor="legacy", legacy=True),
    ],
    "onehit": [_event(7, "WatchEvent", "rust-lang/rust", "2026-11-01T00:00:00Z",
                      {"action": "started"}, actor="onehit")],
}

# Contributions older than the events timeline's 30 days: only GraphQL's year sees them.
YEAR_ISSUES: dict[str, list[tuple[str, str]]] = {
    "octocat": [("nodejs/node", "2026-04-02T08:00:00Z")],
}


def _search_item(number: int, repo: str, merged_at: str, author: str) -> dict[str, Any]:
    return {"url": f"{API}/repos/{repo}/issues/{number}",
            "repository_url": f"{API}/repos/{repo}",
            "labels_url": f"{API}/repos/{repo}/issues/{number}/labels{{/name}}",
            "comments_url": f"{API}/repos/{repo}/issues/{number}/comments",
            "events_url": f"{API}/repos/{repo}/issues/{number}/events",
            "html_url": f"https://github.com/{repo}/pull/{number}", "id": 700000 + number,
            "node_id": f"PR_kwDO{number}", "number": number, "title": "Fix things",
            "user": simple_user(author),
            "labels": [], "state": "closed", "locked": False, "assignee": None,
            "assignees": [], "milestone": None, "comments": 1,
            "created_at": "2026-06-01T00:00:00Z", "updated_at": merged_at,
            "closed_at": merged_at, "author_association": "CONTRIBUTOR", "body": "Fixes the thing.",
            "score": 1.0,
            "pull_request": {"url": f"{API}/repos/{repo}/pulls/{number}",
                             "html_url": f"https://github.com/{repo}/pull/{number}",
                             "diff_url": f"https://github.com/{repo}/pull/{number}.diff",
                             "patch_url": f"https://github.com/{repo}/pull/{number}.patch",
                             "merged_at": merged_at}}


MERGED: dict[str, list[dict[str, Any]]] = {
    "octocat": [_search_item(101, "rails/rails", "2026-10-01T12:00:00Z", "octocat"),
                _search_item(102, "python/cpython", "2026-06-15T12:00:00Z", "octocat"),
                _search_item(5, "octocat/Hello-World", "2026-09-09T12:00:00Z", "octocat"),
                _search_item(12, "octo-org/tools", "2026-08-01T12:00:00Z", "octocat")],
    "onehit": [_search_item(9, "onehit/viral-lib", "2026-08-08T08:00:00Z", "onehit")],
    "prolific": [_search_item(1000 + i, f"lib{i % 7}/core",
                              f"2026-{1 + i % 10:02d}-{1 + i % 27:02d}T12:00:00Z", "prolific")
                 for i in range(250)],
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


def generated(login: str) -> dict[str, Any] | None:
    """``bench-<n>``: plain users made up on demand (benchmarks need many distinct ones)."""
    if not login.startswith("bench-") or not login[6:].isdigit():
        return None
    return _user(login, 9200000 + int(login[6:]), followers=int(login[6:]) % 50,
                 created_at="2019-01-01T00:00:00Z")


_generated = generated  # the old private name, used by benchmarks


def served_events(login: str) -> list[dict[str, Any]]:
    return [{k: v for k, v in e.items() if not k.startswith("_")}
            for e in EVENTS.get(login, [])]


def _paged(items: list[Any], query: dict[str, list[str]], link_base: str
           ) -> tuple[list[Any], dict[str, str]]:
    per_page = min(100, int((query.get("per_page") or ["30"])[0]))
    page = int((query.get("page") or ["1"])[0])
    chunk = items[(page - 1) * per_page: page * per_page]
    last = max(1, -(-len(items) // per_page))
    hdrs: dict[str, str] = {}
    if page < last:
        hdrs["Link"] = (f'<{link_base}&per_page={per_page}&page={page + 1}>; rel="next", '
                        f'<{link_base}&per_page={per_page}&page={last}>; rel="last"')
    return chunk, hdrs


def respond(path: str, query: dict[str, list[str]], headers: dict[str, str]):
    parts = [p for p in path.split("/") if p]
    host = headers.get("Host", "127.0.0.1")
    if parts[:2] == ["search", "issues"]:
        q = (query.get("q") or [""])[0]
        author = next((t.split(":", 1)[1] for t in q.split() if t.startswith("author:")), "")
        items = MERGED.get(author.lower(), [])
        chunk, hdrs = _paged(items, query, f"http://{host}/github/search/issues?q={quote(q)}")
        return 200, {**RATE, "x-ratelimit-resource": "search", **hdrs}, {
            "total_count": len(items), "incomplete_results": False, "items": chunk}
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
    user = USERS.get(login) or generated(login)
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
            hdrs["Link"] = (f'<http://{host}/github/users/{login}/repos?type=owner&sort=pushed'
                            f'&per_page=100&page={page + 1}>; rel="next", '
                            f'<http://{host}/github/users/{login}/repos?page={len(pages)}>; '
                            f'rel="last"')
        return 200, hdrs, pages[page - 1] if page <= len(pages) else []
    if rest == ["orgs"]:
        return 200, dict(RATE), [org_entry(o) for o in ORGS.get(login, [])]
    if rest == ["events", "public"]:
        if login == "flaky":
            return 500, {}, b'{"message":"Server Error"}'
        return 200, {**RATE, "X-Poll-Interval": "60"}, served_events(login)
    if rest == ["social_accounts"]:
        return 200, dict(RATE), SOCIAL.get(login, [])
    return _not_found()


def respond_post(path: str, query: dict[str, list[str]], headers: dict[str, str],
                 body: bytes):
    if path.strip("/") != "graphql":
        return _not_found()
    from tests.fakes import github_graphql

    return github_graphql.respond(body, headers)


def graphql_cost(body: bytes) -> int:
    """Points a ``POST /graphql`` body costs by GitHub's rule: the hook through which
    ``tests/fakes/quotas.py`` counts GraphQL units when a benchmark enforces quotas."""
    import json

    from tests.fakes import github_graphql

    try:
        return max(1, round(github_graphql._connection_requests(json.loads(body)["query"])
                            / 100))
    except Exception:  # noqa: BLE001 - a malformed query costs what GitHub charges: 1
        return 1
