"""Per-signal percentiles: raw value -> percentile (0-100) in the signal's reference population.

Three curve types, all declared in ``data/calibration/<network>.json``:

* ``quantiles`` / ``points``: a published quantile table, piecewise-linear between points
  (in log(1+x) when the table says ``"interpolate": "log1p"``, for sparse tables). A value
  that several quantiles share gets the **mid-rank** of those quantiles, so "0 reviews",
  which 81 % of the GitHub sample share, is the 40th percentile, not the 0th.
* ``heavy``: x / (x + m) for heavy-tailed counts (stars, followers), m = declared median.
* ``activity``: 1 - 2^(-x/m) for activity counts, m = declared median.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from service.scoring import catalogue


@dataclass(frozen=True)
class Curve:
    kind: str  # "points", "heavy" or "activity"
    points: tuple[tuple[float, float], ...] = ()  # (percentile, value), value nondecreasing
    log: bool = False
    median: float = 0.0

    def percentile(self, x: float) -> float:
        """Percentile 0-100 of value ``x``; nondecreasing in ``x``."""
        if self.kind == "heavy":
            return 0.0 if x <= 0 else 100.0 * x / (x + self.median)
        if self.kind == "activity":
            return 0.0 if x <= 0 else 100.0 * (1.0 - 2.0 ** (-x / self.median))
        pts = self.points
        if x < pts[0][1]:
            return 0.0
        if x > pts[-1][1]:
            return 100.0
        tied = [p for p, v in pts if v == x]
        if tied:
            return (tied[0] + tied[-1]) / 2.0  # mid-rank over ties
        for (p0, v0), (p1, v1) in zip(pts, pts[1:], strict=False):
            if v0 < x < v1:
                t = self._frac(x, v0, v1)
                return p0 + t * (p1 - p0)
        return 100.0  # unreachable: x lies inside the table

    def value_at(self, pct: float) -> float:
        """The smallest value whose percentile reaches ``pct`` (used by tips)."""
        pct = min(max(pct, 0.0), 99.999)
        if self.kind == "heavy":
            return self.median * pct / (100.0 - pct)
        if self.kind == "activity":
            return -self.median * math.log2(1.0 - pct / 100.0)
        # Tables have ties (mid-rank jumps), so invert by bisection on the monotone percentile.
        lo, hi = self.points[0][1], self.points[-1][1]
        if self.percentile(lo) >= pct:
            return lo
        for _ in range(80):
            mid = (lo + hi) / 2.0
            if self.percentile(mid) >= pct:
                hi = mid
            else:
                lo = mid
        return hi

    def _frac(self, x: float, v0: float, v1: float) -> float:
        if self.log:
            return (math.log1p(x) - math.log1p(v0)) / (math.log1p(v1) - math.log1p(v0))
        return (x - v0) / (v1 - v0)


def _curve(spec: dict) -> Curve:
    kind = spec["type"]
    if kind == "quantiles":
        q = spec["quantiles"]
        step = 100.0 / (len(q) - 1)
        pts = tuple((i * step, float(v)) for i, v in enumerate(q))
        return Curve("points", pts, spec.get("interpolate") == "log1p")
    if kind == "points":
        pts = tuple((float(p), float(v)) for p, v in spec["points"])
        return Curve("points", pts, spec.get("interpolate") == "log1p")
    if kind in ("heavy", "activity"):
        return Curve(kind, median=float(spec["median"]))
    raise ValueError(f"unknown curve type {kind!r}")


_CURVES: dict[tuple[str, str], Curve] = {}


def curve(network: str, signal: str) -> Curve:
    key = (network, signal)
    if key not in _CURVES:
        _CURVES[key] = _curve(catalogue.calibration(network)["signals"][signal])
    return _CURVES[key]


def table_info(network: str) -> dict:
    """Source, date, population and provisional flag of a network's tables."""
    cal = catalogue.calibration(network)
    return {k: cal[k] for k in ("version", "source", "date", "population", "provisional")}
