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

from tests.fakes.github_shapes import (  # noqa: F401 - re-exported for tests and benchmarks
    API,
    _event,
    _issue,
    _ref,
    _repo,
    _search_item,
    _user,
    org_entry,
    review,
    simple_user,
)

DOC = "https://docs.github.com/rest"
RATE = {"x-ratelimit-limit": "60", "x-ratelimit-remaining": "59", "x-ratelimit-used": "1",
        "x-ratelimit-reset": "1795000000", "x-ratelimit-resource": "core"}


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
