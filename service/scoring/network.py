"""Score one network: observations -> per-signal values (statistic, exclusions, decay) ->
percentiles -> weighted mean -> confidence and shrinkage (research note §7.4, §7.5).

Measured versus unobserved (issue 10): a catalogue signal without observations is a
*measured zero* unless the connector listed it in ``NetworkData.unobserved`` (a call in
``partial`` failed). Unobserved signals are imputed at the network's mean percentile over
the signals that were measured, so a failed call never lowers the score; the report's band
is widened to cover the signal being anywhere from the 0th to the 100th percentile.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

from service.networks.base import NetworkData, Observation
from service.scoring import aggregate, catalogue, exclusions
from service.scoring.calibration import curve

# The window every calibration table counts (a year); a shorter one is projected to it.
YEAR_DAYS = 365


@dataclass
class SignalResult:
    name: str
    kind: str
    scored: bool
    raw: float | None  # as emitted (sum for events and per-item signals); None: unobserved
    decayed: float | None = None  # events: decayed sum before exclusions
    statistic: str = "value"  # how the items become one value (see signals.json "stat")
    before: float | None = None  # the statistic before exclusions (value + excluded)
    excluded: float = 0.0  # removed by exclusions, in the units of ``value``
    removals: list[tuple[str, str, float]] = field(default_factory=list)  # (rule, reason, amount)
    value: float | None = None  # counted value after exclusions and decay
    unobserved: bool = False  # a failed call left it unmeasured (imputed)
    emitted: bool = False  # the connector sent observations (not only an implied zero)
    percentile: float = 50.0
    weight: float = 0.0
    evidence: float = 0.0
    items: dict[str, float] = field(default_factory=dict)  # per-item values (after own work)
    # A signal the network only shows over a shorter window than the calibration's year
    # (GitHub's keyless events: 30 days): the window, and the value projected to a year at
    # the same pace, which is what the percentile is read from.
    window_days: int | None = None
    projected: float | None = None
    percentile_unprojected: float | None = None


@dataclass
class NetworkResult:
    network: str
    signals: list[SignalResult]
    exclusions: list[dict]
    score_raw: float  # weighted mean of percentiles, 0-1 (unobserved signals imputed)
    score: float  # after shrinkage, 0-1
    evidence: float
    confidence: float
    # The network's score (after shrinkage) with every unobserved signal at the 0th and at
    # the 100th percentile: the band of the report covers both.
    score_low: float = 0.0
    score_high: float = 0.0
    unobserved: list[str] = field(default_factory=list)
    failed_calls: list[str] = field(default_factory=list)
    young_factor: float = 1.0
    windows: dict[str, int] = field(default_factory=dict)  # signal -> days, when < a year


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


@dataclass(frozen=True)
class _Context:
    network: str
    mine: frozenset[str]  # the person's login and public organisations (own work)
    now: datetime
    unobserved: frozenset[str]
    reactors: dict[str, int]
    reactions_sampled: int


def _unobserved_names(data: NetworkData, specs: dict[str, dict],
                      grouped: dict[str, list[Observation]]) -> frozenset[str]:
    """Signals the connector could not measure. A connector that reports failed calls
    (``partial``) without naming the signals they carry predates ``unobserved``: then every
    scored signal it did not emit is taken as unobserved, never as a zero."""
    listed = set(data.unobserved)
    if data.partial and not listed:
        listed = {n for n, s in specs.items() if s.get("scored") and not _source_obs(n, s, grouped)}
    out = set()
    for name, spec in specs.items():
        names = {name, spec.get("from") or name, *spec.get("aliases", [])}
        if names & listed:
            out.add(name)
    return frozenset(out)


def _source_obs(name: str, spec: dict, grouped: dict[str, list[Observation]]):
    return grouped.get(spec.get("from") or name, [])


def _signal(ctx: _Context, name: str, spec: dict, obs: list[Observation]) -> SignalResult:
    stat = spec.get("stat") or ("sum" if spec.get("per_item") or spec["kind"] == "event"
                                else "max")
    res = SignalResult(name, spec["kind"], bool(spec.get("scored")), None, statistic=stat)
    res.unobserved = name in ctx.unobserved
    res.emitted = bool(obs)
    if not obs:
        if not res.unobserved:
            res.raw = res.before = res.value = 0.0  # measured zero: the network answered
            if spec["kind"] == "event":
                res.decayed = 0.0
        return res
    # No item counts below zero: a downvoted answer adds nothing rather than subtracting,
    # so answering once more can never lower the score.
    values = [max(o.value, 0.0) for o in obs]
    res.raw = sum(values) if stat != "max" else max(values)
    if spec["kind"] == "event":
        weights = [decay_factor(o.at, spec["half_life"], ctx.now) for o in obs]
        kept = [(o, v * w) for o, v, w in zip(obs, values, weights, strict=True)]
        res.decayed = sum(v for _, v in kept)
    else:
        kept = list(zip(obs, values, strict=True))
    base = res.decayed if res.decayed is not None else res.raw
    if spec.get("external_only"):
        own = [(o, v) for o, v in kept if _is_own(o, ctx.mine)]
        if own:
            _remove(res, "own_work", sum(v for _, v in own), exclusions.own_work_reason(
                ctx.network, sorted({_owner(o) for o, _ in own if _owner(o)}), ctx.mine))
        kept = [(o, v) for o, v in kept if not _is_own(o, ctx.mine)]
    counted = sum(v for _, v in kept)
    if stat == "max":
        counted = max((v for _, v in kept), default=0.0)
    items: dict[str, float] = defaultdict(float)
    for o, v in kept:
        items[o.item or ""] += v
    res.items = dict(items)
    if stat in ("sum", "h_core") and spec.get("per_item"):
        if stat == "h_core":
            core, h = aggregate.h_core_sum(items.values())
            if counted - core > 1e-9:
                _remove(res, "star_spread", counted - core,
                        exclusions.star_spread_reason(len(items), h))
            top = sorted(items, key=lambda k: (-items[k], k))[:h]
            items = {k: items[k] for k in top}
        counted, removed, reason = exclusions.per_item_cap(dict(items), spec.get("cap_floor", 0))
        if reason:
            _remove(res, "item_cap", removed, reason)
    elif stat == "sum" and spec.get("saturate"):
        counted, removals = exclusions.saturate_by_repository(kept)
        for rule, amount, reason in removals:
            _remove(res, rule, amount, reason)
    elif stat == "h_index":
        counted = aggregate.h_index(items.values())
        res.before = counted
        if spec.get("ring") and ctx.reactions_sampled > 0:
            capped, reason = exclusions.engagement_ring(
                counted, sum(items.values()), ctx.reactors, ctx.reactions_sampled)
            if reason:
                _remove(res, "engagement_ring", counted - capped, reason)
                counted = capped
    elif stat == "top_k_mean":
        counted = aggregate.top_k_mean(items.values(), int(spec["k"]))
        res.before = counted
    if res.before is None:
        res.before = base
    res.value = max(counted, 0.0)
    return res


def _owner(o: Observation) -> str | None:
    parsed = aggregate.repo_owner(o.item)
    return parsed[0] if parsed else None


def _is_own(o: Observation, mine: frozenset[str]) -> bool:
    """Own work: the connector says so, or the item's repository belongs to the person or to
    an organisation they publicly belong to (checked here too, so no connector can miss it)."""
    return o.own or (_owner(o) or "\0") in mine


def score_network(data: NetworkData, role: str, now: datetime) -> NetworkResult:
    net = data.network
    specs = catalogue.signals()[net]
    grouped: dict[str, list[Observation]] = defaultdict(list)
    known = set(specs) | {s["from"] for s in specs.values() if s.get("from")}
    invalid: set[str] = set()
    for o in sorted(data.observations, key=_obs_key):
        # Unknown names are ignored; a non-finite value cannot be scored honestly, so its
        # signal counts as unobserved (imputed), never as a zero.
        if o.signal not in known:
            continue
        if math.isfinite(o.value):
            grouped[o.signal].append(o)
        else:
            invalid.add(o.signal)
    invalid -= set(grouped)
    unobserved = _unobserved_names(data, specs, grouped) | {
        n for n, s in specs.items() if {n, s.get("from")} & invalid}
    ctx = _Context(
        net, frozenset({data.handle.lower(), *(m.lower() for m in data.member_of)}), now,
        unobserved, dict(data.reactors), int(data.reactions_sampled))
    results = {name: _signal(ctx, name, spec, _source_obs(name, spec, grouped))
               for name, spec in sorted(specs.items())}
    _audience_rules(net, results, ctx)
    young = _young_account(results)

    weights = catalogue.signal_weights(role, net)
    evidence = 0.0
    measured_w = measured_sum = 0.0
    for name, res in results.items():
        if not res.scored:
            continue
        spec = specs[name]
        res.weight = weights[name]
        table = curve(net, name)
        res.percentile = table.percentile(res.value or 0.0)
        window = data.windows.get(name) or data.windows.get(spec.get("from") or name)
        if window and 0 < window < YEAR_DAYS and res.value is not None and not res.unobserved:
            # The calibration counts a year; a shorter window is compared at the same pace
            # (value x 365 / window). The band's low end keeps the unprojected value, so
            # the guess widens the band instead of hiding in the number.
            res.window_days = int(window)
            res.projected = res.value * YEAR_DAYS / window
            res.percentile_unprojected = res.percentile
            res.percentile = table.percentile(res.projected)
        if res.value is not None:
            unit = spec.get("evidence_unit")
            if unit:
                res.evidence = min(1.0, res.value / unit)
                evidence += res.evidence
        if not res.unobserved:
            measured_w += res.weight
            measured_sum += res.weight * res.percentile
    # Imputation: an unobserved signal sits at the mean percentile of what was measured (at
    # least at what its partial observations show), so the failure cannot lower the score.
    neutral = measured_sum / measured_w if measured_w > 0 else 50.0
    total = low = high = 0.0
    for res in results.values():
        if not res.scored:
            continue
        if res.unobserved:
            shown = res.percentile if res.value is not None else 0.0
            low += res.weight * shown / 100.0
            high += res.weight
            res.percentile = max(shown, neutral)
        else:
            floor = (res.percentile_unprojected if res.percentile_unprojected is not None
                     else res.percentile)
            low += res.weight * floor / 100.0
            high += res.weight * res.percentile / 100.0
        total += res.weight * res.percentile / 100.0
    cfg = catalogue.model()
    confidence = min(1.0, evidence / cfg["evidence_full"])
    excl = [
        {"network": net, "signal": r.name, "rule": rule, "amount": amount, "reason": reason}
        for r in results.values()
        for rule, reason, amount in r.removals
    ]
    unobserved = sorted(n for n, r in results.items() if r.scored and r.unobserved)
    return NetworkResult(
        net, list(results.values()), excl, total, _shrink(total, confidence), evidence,
        confidence, _shrink(low, confidence), _shrink(high, confidence), unobserved,
        sorted(set(data.partial) | ({"invalid value"} if invalid else set())), young,
        {r.name: r.window_days for r in results.values() if r.window_days})


def _shrink(total: float, confidence: float) -> float:
    """One-sided shrinkage: thin evidence cannot lift a network above the median. Pulling a
    below-median score *up* would make the score fall as evidence grows (non-monotone); the
    insufficient-data rule withholds the number instead when evidence is too thin."""
    return total if total <= 0.5 else 0.5 + confidence * (total - 0.5)


def _remove(res: SignalResult, rule: str, amount: float, reason: str) -> None:
    res.excluded += amount
    res.removals.append((rule, reason, amount))


def _obs_key(o: Observation) -> tuple:
    return (o.signal, o.item or "", o.at or "", o.value, o.own)


def _young_account(results: dict[str, SignalResult]) -> float:
    """Young-account ramp: evidence from an account younger than ``young_account.ramp_days``
    counts in proportion to its age (the account's own age signal is not discounted)."""
    age = results.get("account_age_days")
    if age is None or not age.emitted or age.unobserved:
        return 1.0  # an age nobody reported is not a young age
    factor, reason = exclusions.young_account(age.raw or 0.0)
    if reason is None:
        return 1.0
    for res in results.values():
        if res.name == "account_age_days" or not res.scored or not res.value:
            continue
        removed = res.value * (1.0 - factor)
        res.value -= removed
        _remove(res, "young_account", removed, reason)
    return factor


def _audience_rules(net: str, results: dict[str, SignalResult], ctx: _Context) -> None:
    """Reciprocity discount and bought-audience check on the follower-like signal."""
    rule = catalogue.model()["bought_audience"]
    audience_name, engagement_name = rule["audience_signals"].get(net, ("followers", None))
    audience = results.get(audience_name)
    if audience is None or audience.value is None or audience.unobserved:
        return
    following = results.get("following")
    removed, reason = exclusions.reciprocity(
        audience.value, following.raw if following is not None and not following.unobserved
        else None)
    if reason:
        audience.value -= removed
        _remove(audience, "follow_back", removed, reason)
    engagement = results.get(engagement_name) if engagement_name else None
    if engagement is None or engagement.value is None or engagement.unobserved:
        return
    # Engagement per post for this rule: the mean of the best k posts (a statistic one more
    # post cannot lower), no higher than the reactions that remain when repeats are counted
    # once.
    k = int(rule["top_k"])
    per_post = aggregate.top_k_mean(engagement.items.values(), k)
    if ctx.reactions_sampled > 0:
        per_post = min(per_post, exclusions.unique_engagement(
            sum(engagement.items.values()), ctx.reactors, ctx.reactions_sampled) / k)
    removed, reason = exclusions.bought_audience(net, audience.raw or 0.0, audience.value,
                                                 per_post)
    if reason:
        audience.value -= removed
        _remove(audience, "bought_audience", removed, reason)
