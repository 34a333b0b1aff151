"""Builders of GitHub REST objects in their published shapes (``public-user``,
``simple-user``, ``minimal-repository``, ``organization-simple``, ``event`` with the trimmed
``pull-request-minimal``, ``issue-search-result-item``), for the fake in
:mod:`tests.fakes.github`. ``tests/contracts/github`` validates them against the vendored
description.
"""

from __future__ import annotations

from typing import Any

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
