"""Statistics over items (posts, videos, articles, answers, repositories) that one more item,
or a larger value on any item, can never lower.

A median or a mean of per-post engagement falls when someone posts once more without
reactions; Candor promises the opposite, so every statistic here is *monotone*: raising any
input or adding an input never lowers the result (property-tested in tests/scoring).
"""

from __future__ import annotations

import math
from collections.abc import Iterable


def h_index(values: Iterable[float]) -> float:
    """The largest h such that h items have a value of at least h (Hirsch's index, applied
    to reactions per post or score per answer). One viral item counts as one; a hundred
    items without reactions count nothing, and neither can lower it."""
    ranked = sorted((max(v, 0.0) for v in values), reverse=True)
    h = 0
    for i, v in enumerate(ranked, start=1):
        if v >= i:
            h = i
        else:
            break
    return float(h)


def h_core_sum(values: Iterable[float]) -> tuple[float, int]:
    """Sum of the h largest values, h = h_index(values): the stars of a person's h-core of
    repositories. Many tiny repositories with a few stars each raise h only to the number
    of stars each holds, so 200 repositories with 3 stars count 9 stars, not 600."""
    ranked = sorted((max(v, 0.0) for v in values), reverse=True)
    h = int(h_index(ranked))
    return sum(ranked[:h]), h


def top_k_mean(values: Iterable[float], k: int) -> float:
    """Sum of the k largest values divided by k (missing items count 0): "the mean of the
    best k". Unlike a mean over all items, one more weak item can never lower it."""
    ranked = sorted((max(v, 0.0) for v in values), reverse=True)
    return sum(ranked[:k]) / float(k)


def saturate(x: float, knee: float, limit: float) -> float:
    """Identity up to ``knee``, then concave towards ``limit``:
    knee + (limit - knee)·(1 - e^(-(x - knee)/(limit - knee))). Continuous with slope 1 at
    the knee, nondecreasing, never above ``limit``."""
    if x <= knee:
        return max(x, 0.0)
    span = limit - knee
    return knee + span * (1.0 - math.exp(-(x - knee) / span))


def repo_owner(item: str | None) -> tuple[str, str] | None:
    """``owner/repo`` (optionally followed by ``#number``) -> (owner, owner/repo), lower
    case; None when the item does not name a repository."""
    if not item:
        return None
    path = item.split("#", 1)[0].strip().lower()
    owner, sep, name = path.partition("/")
    if not sep or not owner or not name:
        return None
    return owner, f"{owner}/{name}"
