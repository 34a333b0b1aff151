"""Anti-gaming exclusions (research note §7.8). Each rule returns the amount it removes and
a plain reason; the caller records both in the breakdown. Every rule is monotone: raising a
scored input never lowers what is counted, so the score stays monotone too."""

from __future__ import annotations

from service.scoring import catalogue


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


def reciprocity(followers: float, following: float | None) -> tuple[float, str | None]:
    """Follow-back pattern: an account following ``following_min`` or more accounts has
    up to min(followers, following) followers presumed mutual; they count 25 %."""
    rule = catalogue.model()["reciprocity"]
    if following is None or following < rule["following_min"] or followers <= 0:
        return 0.0, None
    mutual = min(followers, following)
    removed = rule["discount"] * mutual
    reason = (
        f"mass following (follows {following:g} accounts): up to {mutual:g} followers are "
        f"presumed follow-backs and count {1 - rule['discount']:.0%}"
    )
    return removed, reason


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
        f"engagement ({engagement:.4g} per post) is far below the norm for this audience size "
        f"(median rate {norm:.2%}); audience beyond the {supported:.0f} that engagement "
        "supports is not counted"
    )
    return removed, reason
