"""Score one network: observations -> per-signal values (exclusions, decay) -> percentiles
-> weighted mean -> confidence and shrinkage (research note §7.4, §7.5)."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

from service.networks.base import NetworkData, Observation
from service.scoring import catalogue, exclusions
from service.scoring.calibration import curve


@dataclass
class SignalResult:
    name: str
    kind: str
    scored: bool
    raw: float | None  # as emitted (sum for events and per-item signals); None: not observed
    decayed: float | None = None  # events: decayed sum before exclusions
    excluded: float = 0.0  # removed by exclusions, in the units of ``value``
    removals: list[tuple[str, float]] = field(default_factory=list)  # (reason, amount)
    value: float | None = None  # counted value after exclusions and decay
    percentile: float = 50.0
    weight: float = 0.0
    evidence: float = 0.0


@dataclass
class NetworkResult:
    network: str
    signals: list[SignalResult]
    exclusions: list[dict]
    score_raw: float  # weighted mean of percentiles, 0-1
    score: float  # after shrinkage, 0-1
    evidence: float
    confidence: float


def parse_at(at: str | None) -> datetime | None:
    if not at:
        return None
    try:
        dt = datetime.fromisoformat(at.replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def decay_factor(at: str | None, half_life: float, now: datetime) -> float:
    """2^(-age/h); undated or future events are not decayed."""
    when = parse_at(at)
    if when is None:
        return 1.0
    age_days = max((now - when).total_seconds() / 86400.0, 0.0)
    return 2.0 ** (-age_days / half_life)


def _signal(network: str, name: str, spec: dict, obs: list[Observation], now: datetime):
    res = SignalResult(name, spec["kind"], bool(spec.get("scored")), None)
    if not obs:
        return res
    per_item = spec.get("per_item", False)
    res.raw = sum(o.value for o in obs) if per_item or spec["kind"] == "event" else max(
        o.value for o in obs
    )
    own_reason = "activity on the person's own items (self-dealing) does not count"
    if spec["kind"] == "event":
        weights = [decay_factor(o.at, spec["half_life"], now) for o in obs]
        res.decayed = sum(o.value * w for o, w in zip(obs, weights, strict=True))
        kept = [(o, o.value * w) for o, w in zip(obs, weights, strict=True)]
    else:
        kept = [(o, o.value) for o in obs]
    base = res.decayed if res.decayed is not None else res.raw
    if spec.get("external_only"):
        own = sum(v for o, v in kept if o.own)
        if own > 0:
            _remove(res, own, own_reason)
        kept = [(o, v) for o, v in kept if not o.own]
    counted = sum(v for _, v in kept) if (per_item or spec["kind"] == "event") else base
    if spec.get("external_only") and not per_item and spec["kind"] != "event":
        counted = max((v for _, v in kept), default=0.0)
    if per_item:
        items: dict[str, float] = defaultdict(float)
        for o, v in kept:
            items[o.item or ""] += v
        counted, removed, reason = exclusions.per_item_cap(dict(items), spec.get("cap_floor", 0))
        if reason:
            _remove(res, removed, reason)
    res.value = max(counted, 0.0)
    return res


def score_network(data: NetworkData, role: str, now: datetime) -> NetworkResult:
    net = data.network
    catalogue_specs = catalogue.signals()[net]
    grouped: dict[str, list[Observation]] = defaultdict(list)
    for o in sorted(data.observations, key=_obs_key):
        # Unknown names and non-finite values are ignored: they cannot be scored honestly.
        if o.signal in catalogue_specs and math.isfinite(o.value):
            grouped[o.signal].append(o)
    results = {
        name: _signal(net, name, spec, grouped.get(name, []), now)
        for name, spec in sorted(catalogue_specs.items())
    }
    _audience_rules(net, results)

    weights = catalogue.signal_weights(role, net)
    total = 0.0
    evidence = 0.0
    for name, res in results.items():
        if not res.scored:
            continue
        spec = catalogue_specs[name]
        res.weight = weights[name]
        # A signal the network did not report counts as zero: we never assume evidence we
        # did not see (and reporting it can then only raise the score). A caveat names it.
        res.percentile = curve(net, name).percentile(res.value or 0.0)
        if res.value is not None:
            unit = spec.get("evidence_unit")
            if unit:
                res.evidence = min(1.0, res.value / unit)
                evidence += res.evidence
        total += res.weight * res.percentile / 100.0
    cfg = catalogue.model()
    confidence = min(1.0, evidence / cfg["evidence_full"])
    # One-sided shrinkage: thin evidence cannot lift a network above the median. Pulling a
    # below-median score *up* would make the score fall as evidence grows (non-monotone);
    # the insufficient-data rule withholds the number instead when evidence is too thin.
    shrunk = total if total <= 0.5 else 0.5 + confidence * (total - 0.5)
    excl = [
        {"network": net, "signal": r.name, "amount": amount, "reason": reason}
        for r in results.values()
        for reason, amount in r.removals
    ]
    return NetworkResult(net, list(results.values()), excl, total, shrunk, evidence, confidence)


def _remove(res: SignalResult, amount: float, reason: str) -> None:
    res.excluded += amount
    res.removals.append((reason, amount))


def _obs_key(o: Observation) -> tuple:
    return (o.signal, o.item or "", o.at or "", o.value, o.own)


def _audience_rules(net: str, results: dict[str, SignalResult]) -> None:
    """Reciprocity discount and bought-audience check on the follower-like signal."""
    rule = catalogue.model()["bought_audience"]
    audience_name, engagement_name = rule["audience_signals"].get(net, ("followers", None))
    audience = results.get(audience_name)
    if audience is None or audience.value is None:
        return
    following = results.get("following")
    removed, reason = exclusions.reciprocity(
        audience.value, following.raw if following is not None else None
    )
    if reason:
        audience.value -= removed
        _remove(audience, removed, reason)
    engagement = results.get(engagement_name) if engagement_name else None
    eng_value = engagement.value if engagement is not None else None
    removed, reason = exclusions.bought_audience(
        net, audience.raw or 0.0, audience.value, eng_value
    )
    if reason:
        audience.value -= removed
        _remove(audience, removed, reason)
