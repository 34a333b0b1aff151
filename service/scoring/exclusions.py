"""Anti-gaming exclusions (research note §7.8, issue 10). Each rule returns the amount it
removes and a plain reason; the caller records both in the breakdown under the rule's name.
Every rule is monotone: adding an item, a reaction or a follower never lowers what is
counted, so the score stays monotone too (property-tested)."""

from __future__ import annotations

import math
from collections import defaultdict

from service.networks.base import Observation
from service.scoring import aggregate, catalogue


def per_item_cap(items: dict[str, float], floor: float) -> tuple[float, float, str | None]:
    """Cap every item at ``per_item_share`` of the signal's total (never below ``floor``).

    Returns (counted, removed, reason). The cap grows with the total, so raising any item
    never lowers the counted amount.
    """
    share = catalogue.model()["per_item_share"]
    total = sum(items.values())
    cap = max(share * total, floor)
    counted = sum(min(v, cap) for v in items.values())
    removed = total - counted
    if removed <= 1e-9:
        return total, 0.0, None
    top = max(sorted(items), key=lambda k: items[k])
    reason = (
        f"one item dominates ({top or 'unnamed'}: {items[top]:.4g} of {total:.4g}); "
        f"no item counts for more than {share:.0%} of the total (at least {floor:g})"
    )
    return counted, removed, reason


def own_work_reason(network: str, owners: list[str], mine: frozenset[str]) -> str:
    orgs = sorted(o for o in owners if o in mine)
    where = f" ({', '.join(orgs)})" if orgs else ""
    return (f"own work: contributions to repositories owned by the person or by an "
            f"organisation they publicly belong to{where} do not count as work for others")


def star_spread_reason(repos: int, h: int) -> str:
    return (f"stars spread over many small repositories: only the stars of the {h} "
            f"repositories of the h-core count (h = {h}: {h} repositories with at least {h} "
            f"stars each; {repos} repositories in all)")


def saturate_by_repository(kept: list[tuple[Observation, float]]
                           ) -> tuple[float, list[tuple[str, float, str]]]:
    """Per-repository, then per-maintainer saturation of a count of contributions (merged
    PRs, reviews, issues). Volume into one repository counts at most ``repository.limit``;
    all repositories of one owner together at most ``maintainer.limit``; distinct
    repositories and distinct owners carry the weight. Observations without a repository
    share one bucket. Returns (counted, [(rule, removed, reason)])."""
    cfg = catalogue.model()["saturation"]
    rk, rl = cfg["repository"]["knee"], cfg["repository"]["limit"]
    ok, ol = cfg["maintainer"]["knee"], cfg["maintainer"]["limit"]
    repos: dict[tuple[str, str], float] = defaultdict(float)
    for o, v in kept:
        parsed = aggregate.repo_owner(o.item)
        repos[parsed if parsed else ("", "")] += v
    owners: dict[str, float] = defaultdict(float)
    after_repo = 0.0
    for (owner, _), x in repos.items():
        s = aggregate.saturate(x, rk, rl)
        owners[owner] += s
        after_repo += s
    total = sum(repos.values())
    counted = sum(aggregate.saturate(y, ok, ol) for y in owners.values())
    out = []
    if total - after_repo > 1e-9:
        busiest = max(sorted(repos), key=lambda k: repos[k])
        out.append(("repository_saturation", total - after_repo,
                    f"volume into one repository saturates ({busiest[1] or 'unnamed'}: "
                    f"{repos[busiest]:.4g}); one repository counts at most {rl:g}, "
                    f"linearly up to {rk:g}"))
    if after_repo - counted > 1e-9:
        busiest_owner = max(sorted(owners), key=lambda k: owners[k])
        out.append(("maintainer_saturation", after_repo - counted,
                    f"volume into one maintainer's repositories saturates "
                    f"({busiest_owner or 'unnamed'}); one owner counts at most {ol:g}, "
                    f"linearly up to {ok:g}"))
    return counted, out


def young_account(age_days: float) -> tuple[float, str | None]:
    """Evidence from an account younger than ``ramp_days`` counts age / ramp_days."""
    days = catalogue.model()["young_account"]["ramp_days"]
    if age_days >= days:
        return 1.0, None
    factor = max(age_days, 0.0) / days
    return factor, (f"young account ({age_days:.0f} days old): evidence from accounts younger "
                    f"than {days:g} days counts age/{days:g} = {factor:.1%}")


def reciprocity(followers: float, following: float | None) -> tuple[float, str | None]:
    """Follow-back pattern, continuous (no cliff): up to min(followers, following) followers
    are presumed mutual with a weight that grows linearly with the number of accounts
    followed, reaching 1 at ``following_full``; presumed follow-backs count
    1 - ``discount``."""
    rule = catalogue.model()["reciprocity"]
    if following is None or following <= 0 or followers <= 0:
        return 0.0, None
    presumed = min(following / rule["following_full"], 1.0)
    mutual = min(followers, following)
    removed = rule["discount"] * presumed * mutual
    if removed <= 1e-9:
        return 0.0, None
    reason = (
        f"follow-back pattern (follows {following:g} accounts): {presumed:.0%} of up to "
        f"{mutual:g} followers are presumed follow-backs and count "
        f"{1 - rule['discount']:.0%}"
    )
    return removed, reason


def unique_engagement(total: float, reactors: dict[str, int], sampled: int) -> float:
    """Engagement with every repeat reaction in the sample removed: a reactor who reacted to
    n sampled items counts once. Adding a repeat reaction leaves it unchanged; a reaction
    from someone new raises it."""
    counts = [max(int(c), 0) for c in reactors.values()]
    in_sample = max(int(sampled), sum(counts))
    repeats = in_sample - sum(1 for c in counts if c > 0)
    return max(total - repeats, 0.0)


def engagement_ring(h: float, total: float, reactors: dict[str, int],
                    sampled: int) -> tuple[float, str | None]:
    """An engagement h-index of h needs h posts with h reactions each, about h² reactions
    from distinct people. With repeats counted once, h is capped at sqrt(unique reactions):
    the same few reactors over and over count once."""
    unique = unique_engagement(total, reactors, sampled)
    cap = math.sqrt(unique)
    if h <= cap + 1e-9:
        return h, None
    distinct = sum(1 for c in reactors.values() if c > 0)
    return cap, (f"engagement ring: {sampled} sampled reactions came from {distinct} "
                 f"accounts; counting each reactor once leaves {unique:.4g} reactions, which "
                 f"support an engagement h-index of at most {cap:.3g}")


def bought_audience(
    network: str, audience_raw: float, audience_now: float, engagement: float | None
) -> tuple[float, str | None]:
    """Audience far larger than its engagement supports (bought or ghost followers).

    The tier norm is the median engagement rate for an audience of ``audience_raw``; an
    engagement rate below ``flag_factor`` x norm (|log(ER/norm)| > 2) is anomalous, and
    followers beyond engagement / (flag_factor x norm) are not counted. The first
    ``protected_audience`` followers are never removed by this rule.
    """
    rule = catalogue.model()["bought_audience"]
    if engagement is None or audience_now <= rule["protected_audience"]:
        return 0.0, None
    norm = rule["tiers"][0][1]
    for threshold, er in rule["tiers"]:
        if audience_raw >= threshold:
            norm = er
    norm *= rule["network_scale"].get(network, 1.0)
    floor_rate = norm * rule["flag_factor"]
    supported = max(engagement / floor_rate, rule["protected_audience"])
    if audience_now <= supported:
        return 0.0, None
    removed = audience_now - supported
    reason = (
        f"engagement ({engagement:.4g} per post, mean of the best {rule['top_k']}) is far "
        f"below the norm for this audience size (median rate {norm:.2%}); audience beyond "
        f"the {supported:.0f} that engagement supports is not counted"
    )
    return removed, reason
