"""GitHub over GraphQL (needs ``CANDOR_GITHUB_TOKEN``): one query for many people.

One ``POST /graphql`` carries up to ``BATCH_SIZE`` users as aliases ``u0``, ``u1``, ...,
each asking for the profile, owned non-fork repositories with stars and language, public
organisations, social accounts and a full year of contributions (pull requests, reviews
and issues with their repository and owner; the contribution calendar for active weeks).

Cost, by GitHub's published rule (requests needed by every connection, /100, min 1 point):
a user costs 8 connection requests (followers, following, repositories, organizations,
socialAccounts and the three flat contribution connections; nothing is nested inside a
per-item connection), so a batch of 12 users is 96 requests = **1 point** of the 5,000 an
hour, and a single user is 1 point. The ``...ByRepository`` lists are avoided on purpose:
each of their ``contributions`` connections costs one request per repository.

Caps, named: 100 repositories by stars, 100 organisations, 100 of each contribution kind
a year (the model saturates per repository well before). A PR counts as merged when it was
opened in the year and is merged now; ``at`` is its merge date.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from service.networks.base import NetworkData, Observation
from service.networks.github.common import (
    YEAR_DAYS,
    Owners,
    account_age,
    add_level,
    add_zero_if_missing,
    date_of,
    mark_failed,
    profile_links,
)

BATCH_SIZE = 12
CONNECTION_REQUESTS_PER_USER = 8

PERSON_FRAGMENT = """
fragment Person on User {
  login name bio createdAt url websiteUrl twitterUsername
  followers { totalCount }
  following { totalCount }
  repositories(first: 100, ownerAffiliations: [OWNER], isFork: false, privacy: PUBLIC,
               orderBy: {field: STARGAZERS, direction: DESC}) {
    totalCount
    nodes { nameWithOwner isFork stargazerCount primaryLanguage { name } }
  }
  organizations(first: 100) { nodes { login } }
  socialAccounts(first: 25) { nodes { provider url } }
  contributionsCollection(from: $from, to: $to) {
    totalPullRequestContributions totalPullRequestReviewContributions totalIssueContributions
    contributionCalendar { weeks { contributionDays { date contributionCount } } }
    pullRequestContributions(first: 100) {
      nodes { occurredAt pullRequest { number merged mergedAt author { login }
              repository { nameWithOwner owner { login } } } }
    }
    pullRequestReviewContributions(first: 100) {
      nodes { occurredAt pullRequest { number author { login }
              repository { nameWithOwner owner { login } } } }
    }
    issueContributions(first: 100) {
      nodes { occurredAt issue { repository { nameWithOwner owner { login } } } }
    }
  }
}
"""


def build_query(logins: list[str], now: datetime) -> dict[str, Any]:
    """The request body: logins travel as variables, never spliced into the text."""
    params = ", ".join(f"$l{i}: String!" for i in range(len(logins)))
    aliases = "\n".join(f"  u{i}: user(login: $l{i}) {{ ...Person }}"
                        for i in range(len(logins)))
    text = (f"query CandorPeople($from: DateTime!, $to: DateTime!, {params}) {{\n"
            f"  rateLimit {{ cost remaining resetAt }}\n{aliases}\n}}\n{PERSON_FRAGMENT}")
    variables: dict[str, Any] = {f"l{i}": login for i, login in enumerate(logins)}
    variables["from"] = _iso(now - timedelta(days=YEAR_DAYS))
    variables["to"] = _iso(now)
    return {"query": text, "variables": variables}


def _iso(when: datetime) -> str:
    return when.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def failed_parts(errors: list[Mapping[str, Any]], alias: str) -> set[str]:
    """Field errors under one alias (``path: [alias, "contributionsCollection", ...]``)
    name the part whose signals are then unobserved."""
    parts: set[str] = set()
    for error in errors:
        path = error.get("path") or []
        if len(path) >= 2 and path[0] == alias:
            parts.add(str(path[1]))
    return parts


def parse_user(login: str, user: Mapping[str, Any], now: datetime,
               failed: set[str] = frozenset()) -> NetworkData:  # type: ignore[assignment]
    """One alias's ``User`` into NetworkData (the published example shapes included)."""
    me = str(user.get("login") or login)
    data = NetworkData(network="github", handle=login)
    data.display_name = user.get("name") or me
    data.profile_url = user.get("url") or f"https://github.com/{me}"
    data.bio = user.get("bio")
    data.created_at = user.get("createdAt")
    add_level(data, "followers", _count(user.get("followers")))
    add_level(data, "following", _count(user.get("following")))
    account_age(data, user.get("createdAt"), now)

    orgs = [n.get("login") for n in _nodes(user.get("organizations")) if n.get("login")]
    data.member_of = [str(o) for o in orgs]
    if "organizations" in failed:
        mark_failed(data, "orgs")
    owners = Owners(me, data.member_of)

    if "repositories" in failed:
        mark_failed(data, "repos")
    else:
        for repo in _nodes(user.get("repositories")):
            if repo.get("isFork"):
                continue  # asked with isFork: false; a fork slipping through is still out
            stars = int(repo.get("stargazerCount") or 0)
            data.observations.append(Observation("stars_owned", float(stars),
                                                 item=repo.get("nameWithOwner")))
            language = (repo.get("primaryLanguage") or {}).get("name")
            if language and stars > 0:
                data.topics[language] = data.topics.get(language, 0.0) + stars
        add_zero_if_missing(data, ["stars_owned"])

    collection = user.get("contributionsCollection")
    if "contributionsCollection" in failed or not isinstance(collection, Mapping):
        mark_failed(data, "contributions")
    else:
        _contributions(data, collection, owners)
        data.windows = {}  # GraphQL's collection covers the model's full year

    if "socialAccounts" in failed:
        mark_failed(data, "social_accounts")
    profile_links(data, user.get("twitterUsername"), user.get("websiteUrl"),
                  _nodes(user.get("socialAccounts")))
    return data


def _contributions(data: NetworkData, collection: Mapping[str, Any], owners: Owners) -> None:
    obs = data.observations
    for node in _nodes(collection.get("pullRequestContributions")):
        pr = node.get("pullRequest") or {}
        if not pr.get("merged"):
            continue
        repo = _repo(pr)
        obs.append(Observation("merged_external_prs", 1.0,
                               at=date_of(pr.get("mergedAt") or node.get("occurredAt")),
                               item=repo, own=owners.owns(repo)))
    for node in _nodes(collection.get("pullRequestReviewContributions")):
        pr = node.get("pullRequest") or {}
        repo = _repo(pr)
        own = owners.owns(repo) or owners.is_me((pr.get("author") or {}).get("login"))
        obs.append(Observation("reviews", 1.0, at=date_of(node.get("occurredAt")),
                               item=repo, own=own))
    for node in _nodes(collection.get("issueContributions")):
        repo = _repo(node.get("issue") or {})
        obs.append(Observation("external_issues", 1.0, at=date_of(node.get("occurredAt")),
                               item=repo, own=owners.owns(repo)))
    weeks = 0
    calendar = collection.get("contributionCalendar") or {}
    for week in calendar.get("weeks") or []:
        days = (week.get("contributionDays") or []) if isinstance(week, Mapping) else []
        if any(isinstance(d, Mapping) and int(d.get("contributionCount") or 0) > 0
               for d in days):
            weeks += 1
    add_level(data, "active_weeks", weeks)
    add_zero_if_missing(data, ["merged_external_prs", "reviews", "external_issues"])


def _repo(node: Mapping[str, Any]) -> str | None:
    repo = node.get("repository") or {}
    name = repo.get("nameWithOwner") if isinstance(repo, Mapping) else None
    return str(name) if name else None


def _nodes(connection: Any) -> list[Mapping[str, Any]]:
    if not isinstance(connection, Mapping):
        return []
    return [n for n in connection.get("nodes") or [] if isinstance(n, Mapping)]


def _count(connection: Any) -> int:
    if isinstance(connection, Mapping):
        return int(connection.get("totalCount") or 0)
    return 0
