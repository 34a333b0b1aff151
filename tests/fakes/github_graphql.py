"""Fake ``POST https://api.github.com/graphql``: executes the query with graphql-core
against the vendored subset of GitHub's published schema
(``tests/contracts/github/schema.graphql``), so aliases, fragments, variables and
validation errors behave as a GraphQL server's do, and every answer has the schema's shape.

Data comes from the REST personas in :mod:`tests.fakes.github`. Errors as GitHub sends them:
an unknown login is ``data.<alias>: null`` plus ``{"type": "NOT_FOUND", "path": [alias]}``;
no token, or ``CANDOR-BAD-TOKEN``, is HTTP 401; ``flaky``'s contributions time out (a
field error that nulls the user); ``CANDOR-RATE-LIMITED`` as token (or a spent budget)
answers 200 with ``{"type": "RATE_LIMITED"}`` and ``x-ratelimit-remaining: 0``. Budget:
5,000 points an hour per token, charged by the query's cost as GitHub computes it
(connection requests / 100).
"""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from graphql import GraphQLError, build_schema, graphql_sync, parse
from graphql.language import ast

from tests.fakes import github as rest

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "contracts" / "github" / "schema.graphql"
LIMIT = 5000
RATE_LIMITED_TOKEN = "CANDOR-RATE-LIMITED"
BAD_TOKEN = "CANDOR-BAD-TOKEN"
_spent: dict[str, int] = {}
_lock = threading.Lock()
queries: list[dict[str, Any]] = []  # every body received, for tests that inspect them


class NotFound(Exception):
    pass


@cache
def schema():
    return build_schema(SCHEMA_PATH.read_text(encoding="utf-8"))


def reset() -> None:
    with _lock:
        _spent.clear()
        queries.clear()


def _headers(remaining: int, reset: int) -> dict[str, str]:
    return {"x-ratelimit-limit": str(LIMIT), "x-ratelimit-remaining": str(max(0, remaining)),
            "x-ratelimit-used": str(LIMIT - max(0, remaining)),
            "x-ratelimit-reset": str(reset), "x-ratelimit-resource": "graphql"}


def respond(body: bytes, headers: dict[str, str]):
    auth = headers.get("Authorization", "")
    if not auth.startswith("Bearer "):
        return 401, {}, {"message": "This endpoint requires you to be authenticated.",
                         "documentation_url": "https://docs.github.com/graphql/guides/"
                                              "forming-calls-with-graphql#authenticating-with-graphql",
                         "status": "401"}
    token = auth.removeprefix("Bearer ")
    if token == BAD_TOKEN:  # a revoked or mistyped token: GitHub's 401 body
        return 401, {}, {"message": "Bad credentials",
                         "documentation_url": "https://docs.github.com/graphql",
                         "status": "401"}
    reset = int(time.time()) + 3600
    try:
        request = json.loads(body)
        source, variables = request["query"], request.get("variables") or {}
    except (ValueError, KeyError, TypeError):
        return 400, {}, {"message": "Problems parsing JSON",
                         "documentation_url": "https://docs.github.com/graphql"}
    with _lock:
        queries.append(request)
        spent = _spent.get(token, 0)
    if token == RATE_LIMITED_TOKEN or spent >= LIMIT:
        return 200, _headers(0, reset), {"errors": [{
            "type": "RATE_LIMITED",
            "message": "API rate limit exceeded for user ID 1. If you reach out to GitHub "
                       "Support for help, please include the request ID."}]}
    try:
        cost = max(1, round(_connection_requests(source) / 100))
    except GraphQLError:
        cost = 1
    result = graphql_sync(schema(), source, root_value={"cost": cost},
                          variable_values=variables, field_resolver=_resolve)
    with _lock:
        _spent[token] = spent + cost
        remaining = LIMIT - _spent[token]
    answer: dict[str, Any] = {}
    if result.errors:
        answer["errors"] = [_format(e) for e in result.errors]
    if result.data is not None or not result.errors:
        answer["data"] = result.data
    return 200, _headers(remaining, reset), answer


def _format(error: GraphQLError) -> dict[str, Any]:
    out: dict[str, Any] = dict(error.formatted)
    if isinstance(error.original_error, NotFound):
        out["type"] = "NOT_FOUND"
    return out


def _connection_requests(source: str) -> int:
    """GitHub's rule, for the shapes the connector sends: each ``first: N`` connection
    needs one request per parent item (parents: the enclosing connections' ``first``)."""
    doc = parse(source)
    fragments = {d.name.value: d for d in doc.definitions
                 if isinstance(d, ast.FragmentDefinitionNode)}

    def walk(selection_set: Any, parents: int) -> int:
        total = 0
        for sel in selection_set.selections if selection_set else []:
            if isinstance(sel, ast.FragmentSpreadNode):
                total += walk(fragments[sel.name.value].selection_set, parents)
                continue
            if isinstance(sel, ast.InlineFragmentNode):
                total += walk(sel.selection_set, parents)
                continue
            first = next((a.value for a in sel.arguments or [] if a.name.value == "first"),
                         None)
            child = parents
            if first is not None or sel.name.value in ("followers", "following"):
                total += parents  # one request per parent item to fill this connection
                if isinstance(first, ast.IntValueNode):
                    child = parents * int(first.value)
            total += walk(sel.selection_set, child)
        return total

    ops = [d for d in doc.definitions if isinstance(d, ast.OperationDefinitionNode)]
    return sum(walk(op.selection_set, 1) for op in ops)


# --- resolvers ---------------------------------------------------------------------------
def _resolve(source: Any, info: Any, **args: Any) -> Any:
    name = info.field_name
    if info.parent_type.name == "Query":
        if name == "user":
            user = _person(str(args.get("login", "")).lower())
            if user is None:
                raise NotFound(f"Could not resolve to a User with the login of "
                               f"'{args.get('login')}'.")
            return user
        if name == "rateLimit":
            cost = int((info.root_value or {}).get("cost", 1))
            return {"cost": cost, "limit": LIMIT, "nodeCount": 0, "remaining": LIMIT - cost,
                    "used": cost, "resetAt": _iso(datetime.now(UTC) + timedelta(hours=1))}
        return None
    value = source.get(name) if isinstance(source, dict) else getattr(source, name, None)
    if callable(value):
        value = value(**args)
    if isinstance(value, dict) and "nodes" in value:
        nodes = value["nodes"]
        if name == "repositories":
            if args.get("isFork") is False:
                nodes = [n for n in nodes if not n["isFork"]]
            if (args.get("orderBy") or {}).get("field") == "STARGAZERS":
                nodes = sorted(nodes, key=lambda n: -n["stargazerCount"])
        first = args.get("first")
        value = {**value, "totalCount": value.get("totalCount", len(nodes)),
                 "nodes": nodes[:first] if isinstance(first, int) else nodes}
    return value


def _iso(when: datetime) -> str:
    return when.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _repo_node(full: str, stars: int = 0, language: str | None = None,
               fork: bool = False) -> dict[str, Any]:
    owner, _, name = full.partition("/")
    return {"__typename": "Repository", "nameWithOwner": full, "name": name, "isFork": fork,
            "stargazerCount": stars, "isPrivate": False,
            "primaryLanguage": {"name": language} if language else None,
            "owner": {"__typename": "User", "login": owner}}


def _person(login: str) -> dict[str, Any] | None:
    user = rest.USERS.get(login) or rest.generated(login)
    if user is None or user.get("type") != "User":
        return None  # organisations and bots are not Users to GraphQL
    repos = [r for page in rest.REPOS.get(login, []) for r in page]
    return {
        "__typename": "User", "login": user["login"], "name": user["name"],
        "bio": user["bio"], "createdAt": user["created_at"], "url": user["html_url"],
        "websiteUrl": user["blog"] or None, "twitterUsername": user["twitter_username"],
        "company": user["company"], "isSiteAdmin": False,
        "followers": {"totalCount": user["followers"], "nodes": []},
        "following": {"totalCount": user["following"], "nodes": []},
        "repositories": {"nodes": [_repo_node(r["full_name"], r["stargazers_count"],
                                              r["language"], r["fork"]) for r in repos]},
        "organizations": {"nodes": [{"__typename": "Organization", "login": o}
                                    for o in rest.ORGS.get(login, [])]},
        "socialAccounts": {"nodes": [
            {"provider": s["provider"].upper() if s["provider"].upper() in _PROVIDERS
             else "GENERIC", "url": s["url"], "displayName": s["url"]}
            for s in rest.SOCIAL.get(login, [])]},
        "contributionsCollection": (_timeout if login == "flaky" else
                                    lambda **a: _collection(login, a.get("from"), a.get("to"))),
    }


def _timeout(**_args: Any) -> Any:
    # What GitHub answers when one part of a query times out; the field is non-null, so
    # the whole user comes back null (``path: [alias, "contributionsCollection"]``).
    raise RuntimeError("Something went wrong while executing your query. This may be the "
                       "result of a timeout, or it could be a GitHub bug.")


_PROVIDERS = {"BLUESKY", "FACEBOOK", "GENERIC", "HOMETOWN", "INSTAGRAM", "LINKEDIN",
              "MASTODON", "NPM", "REDDIT", "TWITCH", "TWITTER", "YOUTUBE"}


def _collection(login: str, start: Any, end: Any) -> dict[str, Any]:
    to = rest_time(end) or datetime.now(UTC)
    since = rest_time(start) or to - timedelta(days=365)

    def inside(ts: str) -> bool:
        when = rest_time(ts)
        return when is not None and since <= when <= to

    prs = [{"occurredAt": i["created_at"], "pullRequest": {
        "number": i["number"], "merged": True, "mergedAt": i["pull_request"]["merged_at"],
        "author": {"__typename": "User", "login": login},
        "repository": _repo_node(i["repository_url"].split("/repos/", 1)[1])}}
        for i in rest.MERGED.get(login, []) if inside(i["created_at"])]
    events = [e for e in rest.EVENTS.get(login, []) if inside(e["created_at"])]
    reviews = [{"occurredAt": e["created_at"], "pullRequest": {
        "number": e["payload"]["pull_request"]["number"],
        "author": {"__typename": "User", "login": e["_author"]},
        "repository": _repo_node(e["repo"]["name"])}}
        for e in events if e["type"] == "PullRequestReviewEvent"]
    issues = [{"occurredAt": e["created_at"],
               "issue": {"repository": _repo_node(e["repo"]["name"])}}
              for e in events if e["type"] == "IssuesEvent" and e["payload"]["action"] == "opened"]
    issues += [{"occurredAt": at, "issue": {"repository": _repo_node(repo)}}
               for repo, at in rest.YEAR_ISSUES.get(login, []) if inside(at)]
    days: dict[date, int] = {}
    for ts in [e["created_at"] for e in events] + [p["occurredAt"] for p in prs] + \
              [i["occurredAt"] for i in issues]:
        when = rest_time(ts)
        if when:
            days[when.date()] = days.get(when.date(), 0) + 1
    return {
        "totalPullRequestContributions": len(prs),
        "totalPullRequestReviewContributions": len(reviews),
        "totalIssueContributions": len(issues),
        "contributionCalendar": _calendar(since.date(), to.date(), days),
        "pullRequestContributions": {"nodes": prs},
        "pullRequestReviewContributions": {"nodes": reviews},
        "issueContributions": {"nodes": issues},
    }


def _calendar(start: date, end: date, counts: dict[date, int]) -> dict[str, Any]:
    """Weeks from the Sunday on or before ``start``, as github.com draws them."""
    day = start - timedelta(days=(start.weekday() + 1) % 7)
    weeks: list[dict[str, Any]] = []
    total = 0
    while day <= end:
        days = []
        for _ in range(7):
            if start <= day <= end:
                n = counts.get(day, 0)
                total += n
                days.append({"date": day.isoformat(), "contributionCount": n,
                             "weekday": (day.weekday() + 1) % 7, "color": "#ebedf0",
                             "contributionLevel": "NONE" if n == 0 else "FIRST_QUARTILE"})
            day += timedelta(days=1)
        weeks.append({"firstDay": days[0]["date"] if days else day.isoformat(),
                      "contributionDays": days})
    return {"totalContributions": total, "weeks": weeks, "colors": [], "months": [],
            "isHalloween": False}


def rest_time(ts: Any) -> datetime | None:
    if not isinstance(ts, str):
        return None
    try:
        when = datetime.fromisoformat(ts.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)
