"""What the GitHub REST and GraphQL paths share: owner checks, windows, links, errors."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from service.networks.base import LinkedAccount, NetworkData, Observation
from service.networks.links import X_HANDLE, account_from_url
from service.upstream import UpstreamError

# 1-39 chars, alphanumeric or single inner hyphens; GitHub App accounts end in "[bot]".
LOGIN_RE = re.compile(r"^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){0,38}(?:\[bot\])?$")
YEAR_DAYS = 365  # merged PRs (search) and GraphQL's contributionsCollection: one year
# The public events timeline keeps 30 days (90 until 2025-01-30); REST signals drawn
# from it cover only that window, which the model must calibrate for.
EVENTS_WINDOW_DAYS = 30
EVENT_SIGNALS = ("reviews", "external_issues", "active_weeks")
# Which catalogue signals each call measures: a failed call's signals become unobserved.
SIGNALS_BY_PART: dict[str, tuple[str, ...]] = {
    "profile": ("followers", "following", "account_age_days"),
    "repos": ("stars_owned",),
    "events": EVENT_SIGNALS,
    "merged_prs": ("merged_external_prs",),
    "contributions": ("merged_external_prs", "reviews", "external_issues", "active_weeks"),
}


def date_of(ts: str | None) -> str | None:
    return ts[:10] if isinstance(ts, str) and len(ts) >= 10 else None


def parse_time(ts: str | None) -> datetime | None:
    if not ts or not isinstance(ts, str):
        return None
    try:
        when = datetime.fromisoformat(ts.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def repo_of_api_url(url: Any) -> str | None:
    """``https://api.github.com/repos/{owner}/{name}[/...]`` -> ``owner/name``."""
    if not isinstance(url, str) or "/repos/" not in url:
        return None
    parts = url.split("/repos/", 1)[1].split("/")
    if len(parts) < 2 or not parts[0] or not parts[1]:
        return None
    return f"{parts[0]}/{parts[1]}"


class Owners:
    """The accounts whose repositories are the person's own work: the person and every
    organisation they publicly belong to (issue 10.4). Comparison is case-insensitive,
    as GitHub logins are."""

    def __init__(self, login: str, orgs: Iterable[str] = ()):
        self.login = login.lower()
        self.orgs = {o.lower() for o in orgs if o}

    def owns(self, repo: str | None) -> bool:
        owner = (repo or "").partition("/")[0].lower()
        return bool(owner) and (owner == self.login or owner in self.orgs)

    def is_me(self, login: Any) -> bool:
        return isinstance(login, str) and login.lower() == self.login


def add_level(data: NetworkData, signal: str, value: float) -> None:
    data.observations.append(Observation(signal, float(value)))


def add_zero_if_missing(data: NetworkData, signals: Iterable[str]) -> None:
    """A call answered: the signals it measures that saw nothing are measured zeros."""
    seen = {o.signal for o in data.observations}
    for signal in signals:
        if signal not in seen:
            data.observations.append(Observation(signal, 0.0))


def mark_failed(data: NetworkData, part: str) -> None:
    if part not in data.partial:
        data.partial.append(part)
    for signal in SIGNALS_BY_PART.get(part, ()):
        if signal not in data.unobserved:
            data.unobserved.append(signal)


def account_age(data: NetworkData, created_at: Any, now: datetime) -> None:
    created = parse_time(created_at)
    if created:
        add_level(data, "account_age_days", max(0, (now - created).days))


def profile_links(data: NetworkData, twitter: Any, blog: Any,
                  social: Iterable[Mapping[str, Any]]) -> None:
    """Links exactly as REST names them: ``twitter_username``, ``blog``, social accounts."""
    if twitter and X_HANDLE.fullmatch(str(twitter)):
        add_link(data, f"x:{str(twitter).lstrip('@').lower()}", "github twitter_username")
    if blog:
        account = account_from_url(str(blog))
        if account:
            add_link(data, account, "github blog")
    for entry in social:
        if not isinstance(entry, Mapping):
            continue
        provider = str(entry.get("provider") or "").lower()  # GraphQL sends BLUESKY
        account = account_from_url(str(entry.get("url") or ""), provider)
        if account:
            add_link(data, account, "github social_accounts")


def add_link(data: NetworkData, account: str, how: str) -> None:
    # A GitHub profile pointing at a GitHub page links no other network (and github.com
    # paths such as /blog are not people: the published example's blog is github.com/blog).
    if account.startswith("github:"):
        return
    if all(link.account != account for link in data.links):
        data.links.append(LinkedAccount(account, how))


def retry_at(headers: Mapping[str, str]) -> float:
    """Epoch seconds when calls may resume: ``retry-after`` first, else the reset header."""
    now = datetime.now(UTC).timestamp()
    after = headers.get("retry-after")
    if after and after.isdigit():
        return now + int(after)
    reset = headers.get("x-ratelimit-reset")
    if reset and reset.isdigit() and float(reset) > now:
        return float(reset)
    return now + 60  # GitHub: without a hint, wait at least a minute


def refused(resp: Any) -> UpstreamError:
    """A 403/429 that Upstream let through: a rate limit by its message, else a refusal."""
    try:
        body = resp.json()
    except UpstreamError:
        body = None
    message = str(body.get("message", "")) if isinstance(body, dict) else ""
    if resp.headers.get("x-ratelimit-remaining") == "0" or "rate limit" in message.lower():
        return UpstreamError("rate_limited", "github rate limit exceeded",
                             status=resp.status, retry_at=retry_at(resp.headers))
    return UpstreamError("upstream_error", f"github refused the request ({resp.status})",
                         status=resp.status)
