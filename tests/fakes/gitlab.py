"""Fake GitLab.com REST v4 (gitlab.com/api/v4), recorded-shape JSON with real field names.

Usernames served (``/users?username=`` is case-insensitive and returns an array;
tests pass ``now=2026-11-20``):

- ``jdoe``: active: 3 owned projects + 1 fork, languages, merged MRs (two into others'
  projects, one into their own), events over 4 weeks, ``twitter``/``linkedin``/
  ``website_url`` set (website is a dev.to profile).
- ``newbie``: created last week, nothing else (insufficient data).
- ``hostile``: ``<img src=x onerror=alert(1)>`` in name and a ``<script>`` in bio.
- ``gitlab-bot-like``: ``"bot": true``.
- ``followback``: followers ~ following, both large.
- ``onehit``: one project holds almost all stars.
- ``flaky``: ``/users/:id/events`` answers 500 (partial failure).
- ``blockeduser``: ``state: "blocked"``.
- ``privateuser``: private profile: no ``followers``/``following``/``created_at``.
- ``throttled``: the lookup answers Rack::Attack's 429 ``Retry later`` (plain text).
- anything else: ``[]`` from the lookup; ``/users/:id`` for unknown ids is
  ``404 {"message": "404 User Not Found"}``.

Authentication as on gitlab.com: ``/users/:id`` without a ``PRIVATE-TOKEN`` (or Bearer)
header is ``403 {"message": "403 Forbidden - Not authorized!"}``; ``/users/:id/projects``
without one answers the "simple" representation (no ``visibility``, ``owner``,
``forked_from_project``), whatever ``simple=`` says.
"""

from __future__ import annotations

from typing import Any

PAGING = {"x-page": "1", "x-per-page": "100", "x-next-page": "", "x-prev-page": "",
          "x-total": "0", "x-total-pages": "1"}


def _user(uid: int, username: str, **fields: Any) -> dict[str, Any]:
    base = {
        "id": uid, "username": username, "name": username.title(), "state": "active",
        "locked": False, "avatar_url": f"https://gitlab.com/uploads/-/system/user/avatar/{uid}/a.png",
        "web_url": f"https://gitlab.com/{username}", "created_at": "2016-03-01T09:00:00.000Z",
        "bio": "", "location": "", "public_email": "", "skype": "", "linkedin": "",
        "twitter": "", "discord": "", "website_url": "", "organization": "", "job_title": "",
        "pronouns": None, "bot": False, "work_information": None, "followers": 0,
        "following": 0, "is_followed": False, "local_time": None,
    }
    base.update(fields)
    return base


USERS: dict[str, dict[str, Any]] = {u["username"]: u for u in [
    _user(42, "jdoe", name="J Doe", bio="SRE. I review merge requests.", followers=120,
          following=15, twitter="jdoe", linkedin="https://www.linkedin.com/in/jdoe",
          website_url="https://dev.to/jdoe", organization="ACME", job_title="SRE"),
    _user(43, "newbie", created_at="2026-11-13T08:00:00.000Z"),
    _user(44, "hostile", name="<img src=x onerror=alert(1)>",
          bio="<script>alert(1)</script><img src=x onerror=alert(1)>",
          website_url="javascript:alert(1)"),
    _user(45, "gitlab-bot-like", bot=True, name="GitLab Bot-like"),
    _user(46, "followback", followers=31000, following=30800),
    _user(47, "onehit", followers=400, following=3),
    _user(48, "flaky", followers=9, following=2),
    _user(49, "blockeduser", state="blocked"),
]}
_private = _user(50, "privateuser", bio="")
for _key in ("followers", "following", "created_at"):
    _private.pop(_key)
USERS["privateuser"] = _private
BY_ID = {u["id"]: u for u in USERS.values()}


def _project(pid: int, path: str, stars: int, fork_of: str | None = None) -> dict[str, Any]:
    owner = USERS.get(path.split("/")[0]) or {"id": 1, "username": path.split("/")[0]}
    name = path.split("/")[-1]
    project = {"id": pid, "description": None, "name": name,
               "name_with_namespace": f"{owner['username']} / {name}", "path": name,
               "path_with_namespace": path, "created_at": "2020-01-01T00:00:00.000Z",
               "default_branch": "main", "tag_list": [], "topics": [],
               "ssh_url_to_repo": f"git@gitlab.com:{path}.git",
               "http_url_to_repo": f"https://gitlab.com/{path}.git",
               "web_url": f"https://gitlab.com/{path}",
               "readme_url": f"https://gitlab.com/{path}/-/blob/main/README.md",
               "avatar_url": None, "star_count": stars, "forks_count": stars // 10,
               "last_activity_at": "2026-11-01T00:00:00.000Z",
               "namespace": {"id": owner["id"], "name": owner["username"],
                             "path": owner["username"], "kind": "user",
                             "full_path": owner["username"], "parent_id": None,
                             "web_url": f"https://gitlab.com/{owner['username']}"},
               # full representation only (API::Entities::Project)
               "visibility": "public", "open_issues_count": 1, "creator_id": owner["id"],
               "owner": {"id": owner["id"], "username": owner["username"]}}
    if fork_of:
        project["forked_from_project"] = {"id": pid + 1000, "path_with_namespace": fork_of}
    return project


PROJECTS: dict[int, list[dict[str, Any]]] = {
    42: [_project(901, "jdoe/terraform-kit", 420), _project(902, "jdoe/fork-of-gitlab", 90,
                                                            fork_of="gitlab-org/gitlab"),
         _project(903, "jdoe/dotfiles", 12), _project(904, "jdoe/notes", 0)],
    46: [_project(911, "followback/hello", 2)],
    47: [_project(921, "onehit/big-hit", 9000), _project(922, "onehit/small", 1)],
}
LANGUAGES: dict[int, dict[str, float]] = {
    901: {"HCL": 75.0, "Go": 25.0}, 903: {"Shell": 100.0},
    921: {"Rust": 100.0}, 922: {"Python": 100.0}, 911: {"Ruby": 100.0},
}


def _brief(user: dict[str, Any]) -> dict[str, Any]:
    return {k: user[k] for k in ("id", "username", "name", "state", "locked", "avatar_url",
                                 "web_url")}


def _mr(iid: int, project: str, merged_at: str, author: str) -> dict[str, Any]:
    return {"id": 7000 + iid, "iid": iid, "project_id": 1, "title": "Improve docs",
            "state": "merged", "created_at": "2026-05-01T00:00:00.000Z",
            "updated_at": merged_at, "merged_at": merged_at,
            "author": _brief(USERS[author]), "references": {
                "short": f"!{iid}", "relative": f"!{iid}", "full": f"{project}!{iid}"},
            "web_url": f"https://gitlab.com/{project}/-/merge_requests/{iid}"}


MERGED: dict[int, list[dict[str, Any]]] = {
    42: [_mr(1, "gitlab-org/gitlab", "2026-10-10T10:00:00.000Z", "jdoe"),
         _mr(2, "fdroid/fdroidclient", "2026-03-03T10:00:00.000Z", "jdoe"),
         _mr(3, "jdoe/terraform-kit", "2026-09-09T10:00:00.000Z", "jdoe")],
}


def _event(eid: int, at: str, action: str = "pushed to") -> dict[str, Any]:
    return {"id": eid, "project_id": 901, "action_name": action, "target_id": None,
            "target_iid": None, "target_type": None, "author_id": 42, "target_title": None,
            "created_at": at, "author": _brief(USERS["jdoe"]), "author_username": "jdoe",
            "imported": False, "imported_from": "none"}


EVENTS: dict[int, list[dict[str, Any]]] = {
    42: [_event(1, "2026-11-18T10:00:00.000Z"), _event(2, "2026-11-17T10:00:00.000Z"),
         _event(3, "2026-11-05T10:00:00.000Z", "opened"),
         _event(4, "2026-10-20T10:00:00.000Z", "commented on"),
         _event(5, "2026-09-01T10:00:00.000Z", "accepted")],
}


# Fields of GitLab's simple project entity (API::Entities::BasicProjectDetails), per the
# projects API docs' "simple" example.
SIMPLE_KEYS = ("id", "description", "name", "name_with_namespace", "path",
               "path_with_namespace", "created_at", "default_branch", "tag_list", "topics",
               "ssh_url_to_repo", "http_url_to_repo", "web_url", "readme_url", "forks_count",
               "avatar_url", "star_count", "last_activity_at", "namespace")


def _signed_in(headers: dict[str, str]) -> bool:
    lower = {k.lower(): v for k, v in headers.items()}
    return bool(lower.get("private-token") or
                lower.get("authorization", "").startswith("Bearer "))


def respond(path: str, query: dict[str, list[str]], headers: dict[str, str]):
    parts = [p for p in path.split("/") if p]
    arg = (query.get("username") or [""])[0].lower()
    if parts == ["users"]:
        if arg == "throttled":
            return 429, {"Retry-After": "60", "Content-Type": "text/plain"}, b"Retry later\n"
        user = USERS.get(arg)
        return 200, dict(PAGING), [_brief(user)] if user else []
    if parts == ["merge_requests"]:
        if (query.get("scope") or [""])[0] != "all":
            return 401, {}, {"message": "401 Unauthorized"}
        author = int((query.get("author_id") or ["0"])[0])
        return 200, dict(PAGING), MERGED.get(author, [])
    if len(parts) == 3 and parts[0] == "projects" and parts[2] == "languages":
        return 200, {}, LANGUAGES.get(int(parts[1]), {})
    if len(parts) >= 2 and parts[0] == "users" and parts[1].isdigit():
        uid = int(parts[1])
        user = BY_ID.get(uid)
        if user is None:
            return 404, {}, {"message": "404 User Not Found"}
        rest = parts[2:]
        if not rest:
            if not _signed_in(headers):
                return 403, {}, {"message": "403 Forbidden - Not authorized!"}
            return 200, {}, user
        if rest == ["projects"]:
            items = sorted(PROJECTS.get(uid, []), key=lambda p: -p["star_count"])
            simple = (query.get("simple") or ["false"])[0] == "true"
            if simple or not _signed_in(headers):
                items = [{k: p[k] for k in SIMPLE_KEYS if k in p} for p in items]
            return 200, dict(PAGING), items
        if rest == ["events"]:
            if user["username"] == "flaky":
                return 500, {"Content-Type": "text/html"}, b"<html>500</html>"
            return 200, dict(PAGING), EVENTS.get(uid, [])
    return 404, {}, {"error": "404 Not Found"}
