"""GitLab.com connector (REST v4, needs ``CANDOR_GITLAB_TOKEN``).

``GET /users/:id`` requires a signed-in user (GitLab's ``lib/api/users.rb``:
``forbidden!('Not authorized!') unless current_user``; the docs: "You must be signed in"),
so without a token GitLab is ``not_configured``, not a failure. The token (read_user/read_api
scope) goes in the ``PRIVATE-TOKEN`` header.

Calls: ``/users?username=`` (primary: resolves the numeric id; ``[]`` means not found) and
``/users/{id}`` (primary: followers, bio, dates), then the secondary
``/users/{id}/projects`` (most-starred first), ``/projects/{id}/languages`` for the three
most-starred projects (GitLab's project list carries no language), ``/merge_requests`` for
the person's merged MRs (``scope=all`` returns public MRs) and ``/users/{id}/events`` for
active weeks. A failed secondary call is named in ``partial`` and the signals it would have
given in ``unobserved``; a call that answered emits its signals, zero when empty.

Forks: only the full project representation carries ``forked_from_project`` (and only for
forks). Anonymous callers always get the "simple" representation (the docs: ``simple`` "is a
no-op without authentication where only simple fields are returned"), which cannot tell a
fork from an original, so a simple list is not counted (its stars could be someone else's).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from service.networks.base import Connector as BaseConnector
from service.networks.base import (
    InvalidHandle,
    LinkedAccount,
    NetworkData,
    Observation,
    window_start,
)
from service.networks.links import account_from_url
from service.upstream import UpstreamError

# GitLab's namespace rule: letters, digits, "_", "-", "."; cannot start with "-", cannot end
# in ".", ".git" or ".atom"; at most 255 characters.
USERNAME_RE = re.compile(r"[a-z0-9_.][a-z0-9_.-]{0,253}[a-z0-9_-]|[a-z0-9_]")
# Top-level routes GitLab reserves, so they can never be usernames.
RESERVED = frozenset({"-", "admin", "api", "dashboard", "explore", "groups", "help", "projects",
                      "public", "search", "users", "uploads", "assets", "s", "snippets"})
LANGUAGE_PROJECTS = 3
MR_WINDOW_DAYS = 365
EVENT_WINDOW_DAYS = 90
MAX_EVENT_PAGES = 3
# Catalogue signals each secondary call measures (unobserved when the call fails).
SIGNALS_OF = {"projects": ["stars_owned"], "merge_requests": ["merged_external_mrs"],
              "events": ["active_weeks"], "languages": []}
# Keys only the full (non-simple) project representation has (GitLab's
# API::Entities::Project over BasicProjectDetails).
FULL_PROJECT_KEYS = ("visibility", "owner", "open_issues_count", "creator_id")


def _parse_time(ts: Any) -> datetime | None:
    if not isinstance(ts, str) or not ts:
        return None
    try:
        return datetime.fromisoformat(ts.replace("Z", "+00:00"))
    except ValueError:
        return None


class Connector(BaseConnector):
    network = "gitlab"
    required_credential = "gitlab_token"

    def validate(self, handle: str) -> str:
        if not isinstance(handle, str):
            raise InvalidHandle(self.network, str(handle), "not a string")
        text = handle.strip().removeprefix("@").lower()
        if not USERNAME_RE.fullmatch(text) or text.endswith((".git", ".atom")):
            raise InvalidHandle(self.network, handle, "GitLab usernames use letters, digits, "
                                "'_', '-' and '.', cannot start with '-' or end in '.'")
        if text in RESERVED:
            raise InvalidHandle(self.network, handle, "reserved GitLab path")
        return text

    def _get(self, path: str, params: dict[str, Any] | None = None) -> tuple[int, Any, Any]:
        headers = {"Accept": "application/json"}
        token = self.settings.credentials.get("gitlab_token")
        if token:
            headers["PRIVATE-TOKEN"] = token
        resp = self.upstream.get(self.settings.api_url("GITLAB") + path, network=self.network,
                                 params=params, headers=headers)
        if resp.status == 404:
            return 404, None, resp.headers
        if resp.status in (401, 403):
            raise UpstreamError("upstream_error", f"gitlab refused the request ({resp.status})",
                                status=resp.status)
        if resp.status != 200:
            raise UpstreamError("bad_response", f"gitlab answered {resp.status}",
                                status=resp.status)
        return 200, resp.json(), resp.headers

    def fetch(self, handle: str, *, now: datetime) -> NetworkData:
        username = self.validate(handle)
        data = NetworkData(network=self.network, handle=username)
        _, found, _ = self._get("/users", {"username": username})
        match = found[0] if isinstance(found, list) and found else None
        if not isinstance(match, dict) or match.get("id") is None:
            data.status = "not_found"
            return data
        uid = int(match["id"])
        status, user, _ = self._get(f"/users/{uid}")
        if status != 200 or not isinstance(user, dict):
            data.status = "not_found"
            return data
        self._profile(data, user, now)
        if data.status != "found":
            return data
        name = str(user.get("username") or username).lower()
        for part, call in (("projects", lambda: self._projects(data, uid)),
                           ("merge_requests", lambda: self._merged(data, uid, name, now)),
                           ("events", lambda: self._events(data, uid, now))):
            try:
                call()
            except UpstreamError as exc:
                if exc.kind == "deadline":
                    raise
                _failed(data, part)
        return data

    def _profile(self, data: NetworkData, user: dict[str, Any], now: datetime) -> None:
        data.display_name = user.get("name") or user.get("username")
        data.profile_url = user.get("web_url") or f"https://gitlab.com/{data.handle}"
        data.bio = user.get("bio") or None
        data.created_at = user.get("created_at")
        if user.get("bot"):
            data.flags.append("bot")
        state = user.get("state")
        if state in ("blocked", "banned", "blocked_pending_approval"):
            data.flags.append("suspended")
            data.status = "suspended"
            return
        if state == "deactivated":
            data.status = "deactivated"
            return
        obs = data.observations
        # followers/following/created_at are absent for private profiles: no value, not zero.
        if "followers" in user:
            obs.append(Observation("followers", float(user.get("followers") or 0)))
            obs.append(Observation("following", float(user.get("following") or 0)))
        else:
            data.flags.append("private_profile")
        created = _parse_time(user.get("created_at"))
        if created:
            obs.append(Observation("account_age_days", float(max(0, (now - created).days))))
        twitter = str(user.get("twitter") or "").strip()
        if twitter:
            account = account_from_url(twitter) if "/" in twitter else None
            if account is None and re.fullmatch(r"@?[A-Za-z0-9_]{1,15}", twitter):
                account = f"x:{twitter.lstrip('@').lower()}"
            self._link(data, account, "gitlab twitter")
        linkedin = str(user.get("linkedin") or "").strip()
        if linkedin:
            if "/" not in linkedin and re.fullmatch(r"[A-Za-z0-9-]{3,100}", linkedin):
                linkedin = f"https://www.linkedin.com/in/{linkedin}"
            self._link(data, account_from_url(linkedin), "gitlab linkedin")
        website = str(user.get("website_url") or "").strip()
        if website:
            self._link(data, account_from_url(website), "gitlab website_url")

    def _link(self, data: NetworkData, account: str | None, how: str) -> None:
        if account and account != f"gitlab:{data.handle}" and all(
                link.account != account for link in data.links):
            data.links.append(LinkedAccount(account, how))

    def _projects(self, data: NetworkData, uid: int) -> None:
        _, projects, _ = self._get(f"/users/{uid}/projects", {
            "order_by": "star_count", "sort": "desc", "per_page": 100, "simple": "false"})
        if not isinstance(projects, list):
            raise UpstreamError("bad_response", "gitlab projects list missing")
        listed = [p for p in projects if isinstance(p, dict)]
        if any(not any(k in p for k in FULL_PROJECT_KEYS) for p in listed):
            # The simple representation: forks are indistinguishable, so count nothing.
            raise UpstreamError("bad_response", "gitlab sent simple project fields")
        owned = [p for p in listed if not p.get("forked_from_project")]
        if not owned:
            data.observations.append(Observation("stars_owned", 0.0))
        for project in owned:
            data.observations.append(Observation(
                "stars_owned", float(project.get("star_count") or 0),
                item=project.get("path_with_namespace")))
        starred = sorted((p for p in owned if (p.get("star_count") or 0) > 0),
                         key=lambda p: -int(p.get("star_count") or 0))[:LANGUAGE_PROJECTS]
        for project in starred:
            try:
                _, shares, _ = self._get(f"/projects/{int(project['id'])}/languages")
            except UpstreamError as exc:
                if exc.kind == "deadline":
                    raise
                if "languages" not in data.partial:
                    _failed(data, "languages")
                continue
            # {"Python": 80.5, "Shell": 19.5}: percentages of the code base.
            for language, share in (shares or {}).items():
                weight = float(project["star_count"]) * float(share) / 100.0
                data.topics[language] = data.topics.get(language, 0.0) + weight

    def _merged(self, data: NetworkData, uid: int, username: str, now: datetime) -> None:
        # A whole-day bound keeps the URL revalidatable (window_start); the merge dates
        # before the exact window are dropped below.
        since = window_start(now, MR_WINDOW_DAYS).isoformat()
        _, mrs, _ = self._get("/merge_requests", {
            "author_id": uid, "state": "merged", "scope": "all", "updated_after": since,
            "per_page": 100})
        if not isinstance(mrs, list):
            raise UpstreamError("bad_response", "gitlab merge requests list missing")
        counted = 0
        for mr in mrs:
            if not isinstance(mr, dict):
                continue
            merged = _parse_time(mr.get("merged_at"))
            if merged and merged < now - timedelta(days=MR_WINDOW_DAYS):
                continue
            # references.full is "group/sub/project!12"
            project = str((mr.get("references") or {}).get("full") or "").partition("!")[0]
            data.observations.append(Observation(
                "merged_external_mrs", 1.0, at=merged.date().isoformat() if merged else None,
                item=project or None, own=project.partition("/")[0].lower() == username))
            counted += 1
        if not counted:  # measured: an answered list with no merged MRs is a zero, not a gap
            data.observations.append(Observation("merged_external_mrs", 0.0))

    def _events(self, data: NetworkData, uid: int, now: datetime) -> None:
        after = (now - timedelta(days=EVENT_WINDOW_DAYS)).date().isoformat()
        weeks: set[tuple[int, int]] = set()
        for page in range(1, MAX_EVENT_PAGES + 1):
            _, events, headers = self._get(f"/users/{uid}/events",
                                           {"after": after, "per_page": 100, "page": page})
            if not isinstance(events, list):
                raise UpstreamError("bad_response", "gitlab events list missing")
            for event in events:
                when = _parse_time(event.get("created_at")) if isinstance(event, dict) else None
                if when:
                    iso = when.isocalendar()
                    weeks.add((iso.year, iso.week))
            if not headers.get("x-next-page"):
                break
        data.observations.append(Observation("active_weeks", float(len(weeks))))


def _failed(data: NetworkData, part: str) -> None:
    data.partial.append(part)
    data.unobserved += [s for s in SIGNALS_OF.get(part, []) if s not in data.unobserved]
