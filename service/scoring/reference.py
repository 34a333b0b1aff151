"""The reference distribution G_ref(role): combined score C -> percentile in the role's
reference population (research note §7.7).

We have no population sample of C yet, so ``data/reference.json`` holds a declared,
provisional table *derived* from the calibration tables by a stated assumption, computed by
:func:`derive_table` below (a test checks the file matches):

* a member of the role's reference population at population quantile q sits at quantile q
  on every signal of the networks they use (comonotone), so each such network scores q;
* everyone has the role's highest-weighted network; a share ``second_share`` also has the
  second-highest-weighted one.

Then C(q) = (1 - φ)·r1·q + φ·acc(r1·q, r2·q), and G_ref is its inverse: a person whose C
equals C(q) is at percentile q of the reference population.
"""

from __future__ import annotations

import math

from service.scoring import catalogue

STEPS = 20
SECOND_SHARE = 0.5


def accumulate(values: list[float], beta: float) -> tuple[float, list[float]]:
    """C = u1 + β(1-u1)u2 + β²(1-u1)(1-u2)u3 + …, u sorted descending. Returns (C, terms)
    with terms in the order of ``values``. Adding a value never lowers C."""
    order = sorted(range(len(values)), key=lambda i: (-values[i], i))
    terms = [0.0] * len(values)
    remaining = 1.0
    for rank, i in enumerate(order):
        terms[i] = (beta**rank) * remaining * values[i]
        remaining *= 1.0 - values[i]
    return sum(terms), terms


def derive_table(role: str) -> list[list[float]]:
    beta = catalogue.model()["beta"]
    weights = sorted(catalogue.roles()["roles"][role]["networks"].values(), reverse=True)
    r1, r2 = weights[0], weights[1]
    table = []
    for i in range(STEPS + 1):
        q = i / STEPS
        both, _ = accumulate([r1 * q, r2 * q], beta)
        c = (1 - SECOND_SHARE) * r1 * q + SECOND_SHARE * both
        table.append([round(c, 6), round(100.0 * q, 2)])
    return table


def percentile_of(role: str, combined: float) -> float:
    """G_ref(role)(C) in 0-100, piecewise-linear in the declared table; nondecreasing."""
    table = catalogue.reference()["roles"][role]["table"]
    if combined <= table[0][0]:
        return table[0][1]
    for (c0, p0), (c1, p1) in zip(table, table[1:], strict=False):
        if combined <= c1:
            return p0 + (combined - c0) / (c1 - c0) * (p1 - p0)
    return table[-1][1]


def breadth_scores(role: str, q: float = 0.5, upto: int = 3) -> list[int]:
    """The breadth effect: the final score of someone at quantile ``q`` of each of the
    role's 1, 2, ... ``upto`` highest-weighted networks (same per-network percentile, more
    networks). Shown on /methodology."""
    beta = catalogue.model()["beta"]
    weights = sorted(catalogue.roles()["roles"][role]["networks"].values(), reverse=True)
    out = []
    for n in range(1, upto + 1):
        combined, _ = accumulate([w * q for w in weights[:n]], beta)
        out.append(1 + math.floor(99 * percentile_of(role, combined) / 100.0 + 0.5))
    return out
