"""The self-check issue's profiles as the connectors emit them (pure model inputs).

Values follow the calibration tables' medians (median engineer), a first-year graduate,
the 90th percentile (P90 engineer with Stack Overflow), a writer on HN and dev.to, and an
octocat-like profile with five linked networks.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from service.networks.base import LinkedAccount, NetworkData, Observation
from service.scoring import NetworkInput

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def ago(days: float) -> str:
    return (NOW - timedelta(days=days)).date().isoformat()


def _found(data: NetworkData, linked_by: str = "primary", verified_by: str | None = None):
    return NetworkInput(data, data.network, data.handle, linked_by, "found",
                        verified_by=verified_by or ("primary" if linked_by == "primary" else
                                                    "both profiles link to each other"))


def _github(login: str, *, followers: int, following: int, stars: list[int], prs: int,
            reviews: int, issues: int, weeks: int, age_days: int, owners: int = 3,
            links: list[LinkedAccount] | None = None) -> NetworkData:
    obs = [Observation("followers", followers), Observation("following", following),
           Observation("active_weeks", weeks), Observation("account_age_days", age_days)]
    obs += [Observation("stars_owned", s, item=f"{login}/repo{k}") for k, s in enumerate(stars)]
    if not stars:
        obs.append(Observation("stars_owned", 0, item=f"{login}/dotfiles"))
    for k in range(prs):
        obs.append(Observation("merged_external_prs", 1, at=ago(20 + 9 * k),
                               item=f"org{k % owners}/proj{k % (owners * 2)}#{k}"))
    for k in range(reviews):
        obs.append(Observation("reviews", 1, at=ago(15 + 11 * k),
                               item=f"org{k % owners}/proj{k % owners}#{100 + k}"))
    for k in range(issues):
        obs.append(Observation("external_issues", 1, at=ago(30 + 13 * k),
                               item=f"lib{k % owners}/core#{200 + k}"))
    if not prs:
        obs.append(Observation("merged_external_prs", 0))
    if not reviews:
        obs.append(Observation("reviews", 0))
    if not issues:
        obs.append(Observation("external_issues", 0))
    return NetworkData("github", login, observations=obs, links=links or [],
                       created_at=ago(age_days) + "T00:00:00Z")


def median_engineer() -> list[NetworkInput]:
    """GitHub only, no merged PRs elsewhere and no reviews (the issue's first row)."""
    return [_found(_github("median", followers=14, following=20, stars=[4, 2, 1], prs=0,
                           reviews=0, issues=4, weeks=12, age_days=2200))]


def new_graduate() -> list[NetworkInput]:
    return [_found(_github("grad", followers=5, following=30, stars=[1], prs=0, reviews=0,
                           issues=1, weeks=6, age_days=700))]


def p90_engineer() -> list[NetworkInput]:
    gh = _github("ninety", followers=88, following=40, stars=[60, 40, 30, 14, 10], prs=99,
                 reviews=6, issues=60, weeks=40, age_days=3600, owners=12)
    so = NetworkData("stackoverflow", "9090", observations=[
        Observation("reputation", 1350), Observation("reputation_year", 450),
        Observation("account_age_days", 3000),
        *[Observation("accepted_answers", 1, at=ago(40 * k)) for k in range(7)],
        *[Observation("answer_score", s, at=ago(20 * k), item=f"a{k}")
          for k, s in enumerate([12, 9, 7, 5, 4, 3, 2, 2, 1])]])
    return [_found(gh), _found(so, "github profile link")]


def writer() -> list[NetworkInput]:
    hn = NetworkData("hackernews", "writes", observations=[
        Observation("karma", 900), Observation("comments_recent", 30),
        Observation("account_age_days", 3000),
        *[Observation("story_points", p, at=ago(60 * k), item=f"s{k}")
          for k, p in enumerate([80, 40, 30, 12, 6, 3])]])
    dev = NetworkData("devto", "writes", observations=[
        Observation("articles_recent", 6), Observation("account_age_days", 1500),
        *[Observation("article_engagement", e, item=f"d{k}")
          for k, e in enumerate([30, 12, 8, 5, 3, 1])],
        *[Observation("article_reactions", e, at=ago(30 * k), item=f"d{k}")
          for k, e in enumerate([25, 10, 7, 4, 2, 1])]])
    return [_found(hn), _found(dev, "hackernews about")]


def octocat() -> list[NetworkInput]:
    gh = _github("octocat", followers=900, following=9, stars=[80, 30, 20, 12, 8, 5], prs=10,
                 reviews=2, issues=8, weeks=20, age_days=5000, owners=4)
    so = NetworkData("stackoverflow", "583", observations=[
        Observation("reputation", 400), Observation("reputation_year", 60),
        Observation("account_age_days", 4000),
        Observation("accepted_answers", 1, at=ago(100)),
        *[Observation("answer_score", s, at=ago(50 * k), item=f"a{k}")
          for k, s in enumerate([6, 3, 1])]])
    bsky = NetworkData("bluesky", "octocat.bsky.social", observations=[
        Observation("followers", 300), Observation("following", 50),
        Observation("posts_recent", 12), Observation("account_age_days", 600),
        *[Observation("post_engagement", e, item=f"p{k}") for k, e in enumerate([9, 5, 3, 1])]])
    masto = NetworkData("mastodon", "octocat@hachyderm.io", observations=[
        Observation("followers", 120), Observation("following", 80),
        Observation("posts_recent", 8), Observation("account_age_days", 900),
        *[Observation("post_engagement", e, item=f"m{k}") for k, e in enumerate([4, 2, 1])]])
    dev = NetworkData("devto", "octocat", observations=[
        Observation("articles_recent", 2), Observation("account_age_days", 800),
        *[Observation("article_engagement", e, item=f"d{k}") for k, e in enumerate([6, 2])],
        *[Observation("article_reactions", e, at=ago(90 * k), item=f"d{k}")
          for k, e in enumerate([5, 2])]])
    return [_found(gh), _found(so, "github blog"), _found(bsky, "github social_accounts"),
            _found(masto, "github social_accounts"), _found(dev, "github social_accounts")]


PROFILES = {
    "median engineer": median_engineer,
    "new graduate": new_graduate,
    "P90 engineer with Stack Overflow": p90_engineer,
    "HN + dev.to writer": writer,
    "octocat with five linked networks": octocat,
}
