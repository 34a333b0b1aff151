"""dev.to (Forem): ``/users/by_username`` then one page of the user's published articles.

dev.to exposes no follower count publicly, so the evidence is what articles drew.
``joined_at`` is a human string such as ``"Jan  4, 2017"`` (as the Forem API returns it).
``github_username``/``twitter_username`` come from identities the user connected through
OAuth, so they are recorded as links the person published.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from statistics import median

from service.networks import base
from service.networks.base import InvalidHandle, LinkedAccount, NetworkData, Observation
from service.networks.mastodon import age_days, iso, parse_time, secondary_failed
from service.upstream import UpstreamError

# Forem: usernames are letters, digits and underscores, 2-30 long, stored lowercase.
USER_RE = re.compile(r"^[a-z0-9_]{2,30}$")
ACCEPT = {"Accept": "application/vnd.forem.api-v1+json"}
ARTICLES_PAGE = 100
# Articles are long-form and rarer than posts: "recent" is the last year, not 90 days.
RECENT_DAYS = 365
MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
JOINED_RE = re.compile(r"^([A-Za-z]{3})\s+(\d{1,2}),\s*(\d{4})$")


class Connector(base.Connector):
    network = "devto"

    def validate(self, handle: str) -> str:
        raw = handle if isinstance(handle, str) else ""
        text = raw.strip().removeprefix("@").lower()
        if not USER_RE.match(text):
            raise InvalidHandle(self.network, raw, "2-30 letters, digits or _")
        return text

    def fetch(self, handle: str, *, now: datetime) -> NetworkData:
        root = self.settings.api_url("DEVTO")
        data = NetworkData(self.network, handle, profile_url=f"https://dev.to/{handle}")
        resp = self.upstream.get(f"{root}/users/by_username", network=self.network,
                                 params={"url": handle}, headers=ACCEPT)
        if resp.status == 404:
            data.status = "not_found"
            return data
        user = resp.json() if resp.status == 200 else None
        if not isinstance(user, dict) or not user.get("username"):
            raise UpstreamError("bad_response", f"devto user answered {resp.status}",
                                status=resp.status)
        data.display_name = user.get("name") or handle
        data.bio = user.get("summary") or None
        created = parse_joined(user.get("joined_at"))
        if created:
            data.created_at = iso(created)
            data.observations.append(Observation("account_age_days", age_days(created, now)))
        # Verified by the network: Forem fills github_username/twitter_username only from a
        # connected sign-in (app/services/authentication/providers/github.rb and twitter.rb
        # set them from the OAuth nickname), its profile form does not accept them
        # (app/policies/user_policy.rb#permitted_attributes), and removing the identity
        # clears them (UsersController#remove_identity). forem/forem, read 2026-12-01.
        for field, network in (("github_username", "github"), ("twitter_username", "x")):
            value = str(user.get(field) or "").strip()
            if value:
                data.links.append(LinkedAccount(f"{network}:{value.lower()}", f"devto {field}",
                                                verified=True))
        try:
            self._articles(data, root, handle, now)
        except UpstreamError as exc:
            if not secondary_failed(exc):
                raise
            data.partial.append("articles")
            data.unobserved += ["article_reactions", "articles_recent", "engagement_per_article"]
        return data

    def _articles(self, data: NetworkData, root: str, handle: str, now: datetime) -> None:
        resp = self.upstream.get(f"{root}/articles", network=self.network, headers=ACCEPT,
                                 params={"username": handle, "per_page": ARTICLES_PAGE})
        body = resp.json() if resp.status == 200 else None
        if not isinstance(body, list):
            data.partial.append("articles")
            data.unobserved += ["article_reactions", "articles_recent", "engagement_per_article"]
            return
        recent = 0
        engagements: list[float] = []
        for article in body:
            if not isinstance(article, dict):
                continue
            published = parse_time(article.get("published_at") or
                                   article.get("published_timestamp"))
            reactions = float(article.get("public_reactions_count") or 0)
            engagements.append(reactions + float(article.get("comments_count") or 0))
            # Per article, for the model's h-index (one more article never lowers it).
            data.observations.append(Observation(
                "article_engagement", engagements[-1], item=str(article.get("id") or "") or None,
                at=published.date().isoformat() if published else None))
            data.observations.append(Observation(
                "article_reactions", reactions, item=str(article.get("id") or "") or None,
                at=published.date().isoformat() if published else None))
            if published and published >= now - timedelta(days=RECENT_DAYS):
                recent += 1
            if reactions > 0:
                for tag in _tags(article.get("tag_list")):
                    data.topics[tag] = data.topics.get(tag, 0.0) + reactions
        data.observations.append(Observation("articles_recent", float(recent)))
        # Measured: an answered empty list is zero articles and zero reactions, not a gap.
        if not engagements:
            data.observations.append(Observation("article_reactions", 0.0))
        data.observations.append(Observation(
            "engagement_per_article", median(engagements) if engagements else 0.0))


def parse_joined(value: object) -> datetime | None:
    """``"Jan  4, 2017"`` (``%b %e, %Y``, English month names) to midnight UTC."""
    match = JOINED_RE.match(" ".join(str(value or "").split()))
    if not match or match.group(1).lower() not in MONTHS:
        return None
    try:
        return datetime(int(match.group(3)), MONTHS[match.group(1).lower()],
                        int(match.group(2)), tzinfo=UTC)
    except ValueError:
        return None


def _tags(tag_list: object) -> list[str]:
    # The list endpoint sends a JSON array; single-article responses send "a, b, c".
    items = tag_list.split(",") if isinstance(tag_list, str) else tag_list
    if not isinstance(items, list):
        return []
    return [str(t).strip().lower() for t in items if str(t).strip()]
