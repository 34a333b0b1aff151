"""Assemble the report: per-network results -> accumulation across networks -> final score
in the role's reference population, with confidence band, exclusions, topics and caveats."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime

from service.networks.base import NetworkData
from service.scoring import catalogue, reference
from service.scoring.calibration import table_info
from service.scoring.network import NetworkResult, parse_at, score_network

NO_DATA_STATUSES = (
    "not_found", "not_configured", "suspended", "deactivated", "hidden", "failed",
)


@dataclass(frozen=True)
class NetworkInput:
    """One account of the subject as the lookup resolved it. ``data`` is present only for
    status "found"; ``reason`` explains a "failed" fetch."""

    data: NetworkData | None
    network: str
    handle: str
    linked_by: str
    status: str
    reason: str | None = None
    # Identity (service/identity.py): how this account was shown to be the subject's, or,
    # for status "unverified" (never counted, no data), what would verify it.
    verified_by: str | None = None
    how_to_verify: str | None = None
    # False when the network offers no link Candor can read and no claim: the person cannot
    # make it count (no tip promises a gain for it).
    verifiable: bool = True
    # For reason "rate_limited": when the network's quota resets (ISO 8601, UTC).
    retry_at: str | None = None

    @property
    def account(self) -> str:
        return f"{self.network}:{self.handle}"


def r4(x: float | None) -> float | None:
    """Round for the report: fixed precision, no negative zero, no float noise."""
    if x is None:
        return None
    return round(x, 4) + 0.0


def iso_z(dt: datetime) -> str:
    dt = dt if dt.tzinfo else dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _usable(n: NetworkInput) -> bool:
    return (
        n.status == "found"
        and n.data is not None
        and n.network in catalogue.signals()
    )


def build_report(subject: str, role: str, networks: list[NetworkInput], *, now: datetime) -> dict:
    role = catalogue.resolve_role(role)
    now = now if now.tzinfo else now.replace(tzinfo=UTC)
    cfg = catalogue.model()
    inputs = sorted(networks, key=lambda n: (n.network, n.handle, n.linked_by, n.status))
    results: dict[int, NetworkResult] = {
        i: score_network(n.data, role, now) for i, n in enumerate(inputs) if _usable(n)
    }
    order = sorted(results)
    u = [catalogue.role_weight(role, inputs[i].network) * results[i].score for i in order]
    combined, terms = reference.accumulate(u, cfg["beta"])
    contribution = dict(zip(order, terms, strict=True))
    evidence = sum(results[i].evidence for i in order)

    confidence = _confidence(results, contribution)
    if inputs and all(n.status == "not_found" for n in inputs):
        status = "not_found"
    elif not results or evidence < cfg["min_evidence"]:
        status = "insufficient_data"
    else:
        status = "scored"
    score = band = percentile = None
    if status == "scored":
        # From the published (rounded) combined value, so a reader recomputes it exactly.
        pct = reference.percentile_of(role, r4(combined))
        percentile = round(pct, 1) + 0.0
        score = _score(pct)
        half = round(cfg["band_min"] + cfg["band_spread"] * (1.0 - confidence))
        # Unobserved signals (a failed call): the band also covers them being anywhere from
        # the 0th to the 100th percentile, so a failure widens the band instead of moving
        # the number.
        low_c, _ = reference.accumulate(
            [catalogue.role_weight(role, inputs[i].network) * results[i].score_low
             for i in order], cfg["beta"])
        high_c, _ = reference.accumulate(
            [catalogue.role_weight(role, inputs[i].network) * results[i].score_high
             for i in order], cfg["beta"])
        band = {
            "low": max(1, min(score - half, _score(reference.percentile_of(role, low_c)))),
            "high": min(100, max(score + half, _score(reference.percentile_of(role, high_c)))),
        }

    net_rows = [
        _network_row(n, results.get(i), role, contribution.get(i)) for i, n in enumerate(inputs)
    ]
    excl = [
        {**e, "amount": r4(e["amount"])}
        for i in order
        for e in results[i].exclusions
    ]
    return {
        "subject": subject,
        "status": status,
        "score": score,
        "band": band,
        "percentile": percentile,
        "population": catalogue.reference()["roles"][role]["population"],
        "confidence": r4(confidence) if results else 0.0,
        "role": role,
        "networks": net_rows,
        "exclusions": excl,
        "unobserved": [
            {"network": inputs[i].network, "signals": results[i].unobserved,
             "failed_calls": results[i].failed_calls}
            for i in order if results[i].unobserved
        ],
        "topics": _topics(inputs, results, role),
        "caveats": _caveats(inputs, results, role, status, confidence, excl, now),
        "tips": [],
        "model_version": cfg["model_version"],
        "calibration_version": cfg["calibration_version"],
        "computed_at": iso_z(now),
        "stale": None,
        "degraded": [
            {"network": n.network, "reason": n.reason or "upstream failed",
             **({"retry_at": n.retry_at} if n.retry_at else {})}
            for n in inputs
            if n.status == "failed"
        ],
        "computation": {
            "combined": r4(combined),
            "beta": cfg["beta"],
            "evidence": r4(evidence),
            "min_evidence": cfg["min_evidence"],
            "reference_version": catalogue.reference()["version"],
            "formula": "score = 1 + round(99 * G_ref(role)(combined) / 100); "
            "combined = sum of network contributions",
            # Breadth: G_ref assumes everyone has the role's top network and half also the
            # second, so the same per-network percentile on more networks scores higher
            # (documented on /methodology with the numbers).
            "breadth": "networks accumulate: the same per-network percentile on more networks "
            "gives a higher combined value and score",
        },
    }


def _score(pct: float) -> int:
    return 1 + math.floor(99 * pct / 100.0 + 0.5)


def _confidence(results: dict[int, NetworkResult], contribution: dict[int, float]) -> float:
    """Network confidences averaged by contribution (plain mean when nothing contributes)."""
    if not results:
        return 0.0
    total = sum(contribution.values())
    if total <= 0:
        return sum(r.confidence for r in results.values()) / len(results)
    return sum(results[i].confidence * contribution[i] for i in results) / total


def _network_row(n: NetworkInput, res: NetworkResult | None, role: str, contrib: float | None):
    rw = catalogue.role_weight(role, n.network)
    row = {
        "network": n.network,
        "handle": n.handle,
        "account": n.account,
        "status": n.status,
        "linked_by": n.linked_by,
        "verified_by": n.verified_by,
        "how_to_verify": n.how_to_verify,
        "signals": [],
        "network_score": None,
        "network_score_raw": None,
        "confidence": None,
        "evidence": None,
        "role_weight": rw,
        "weighted": None,
        "contribution": None,
        "fetched_at": n.data.fetched_at if n.data is not None else None,
        "flags": sorted(n.data.flags) if n.data is not None else [],
        "calibration": table_info(n.network) if n.network in catalogue.signals() else None,
    }
    if res is None:
        return row
    row["signals"] = [
        {
            "name": s.name,
            "scored": s.scored,
            "observed": not s.unobserved or s.raw is not None,
            "raw": r4(s.raw),
            "decayed": r4(s.decayed),
            "excluded": r4(s.excluded),
            "exclusion_reason": "; ".join(reason for _, reason, _ in s.removals) or None,
            "exclusion_rules": sorted({rule for rule, _, _ in s.removals}),
            "statistic": s.statistic,
            "before": r4(s.before),
            "unobserved": s.unobserved,
            "window_days": s.window_days,
            "projected": r4(s.projected),
            "value": r4(s.value),
            "percentile": round(s.percentile, 1) + 0.0 if s.scored else None,
            "weight": r4(s.weight) if s.scored else None,
        }
        for s in res.signals
    ]
    row.update(
        network_score=round(100 * res.score, 2) + 0.0,
        network_score_raw=round(100 * res.score_raw, 2) + 0.0,
        confidence=r4(res.confidence),
        evidence=r4(res.evidence),
        weighted=round(100 * rw * res.score, 2) + 0.0,
        contribution=round(100 * (contrib or 0.0), 2) + 0.0,
    )
    return row


def _topics(inputs: list[NetworkInput], results: dict[int, NetworkResult], role: str) -> list:
    """Merge each network's topics (normalised to its own total) weighted by the role
    weight of the network; keep the top N."""
    merged: dict[str, float] = {}
    for i in sorted(results):
        data = inputs[i].data
        topics = {k.strip().lower(): v for k, v in data.topics.items() if v > 0 and k.strip()}
        total = sum(topics.values())
        rw = catalogue.role_weight(role, inputs[i].network)
        for name in sorted(topics):
            merged[name] = merged.get(name, 0.0) + rw * topics[name] / total
    top = sorted(merged.items(), key=lambda kv: (-kv[1], kv[0]))[: catalogue.model()["topics_top"]]
    norm = sum(v for _, v in top) or 1.0
    return [{"name": k, "weight": r4(v / norm)} for k, v in top]


def _caveats(inputs, results, role, status, confidence, excl, now) -> list[dict]:
    texts = catalogue.caveat_texts()
    spec = texts["specific"]
    out = [dict(c) for c in texts["general"]]

    def add(code: str, **kw) -> None:
        out.append({"code": code, "text": spec[code].format(**kw)})

    for i, n in enumerate(inputs):
        if n.status == "not_found":
            add("network_not_found", account=n.account)
        elif n.status == "not_configured":
            add("network_not_configured", account=n.account)
        elif n.status == "failed":
            reason = n.reason or "upstream failed"
            if n.retry_at:
                reason = f"{reason}: our quota for it resets at {n.retry_at}"
            add("network_failed", account=n.account, reason=reason)
        elif n.status == "unverified":
            add("not_verified", account=n.account, how=n.how_to_verify or "")
        elif n.status != "found":
            add("network_unavailable", account=n.account, status=n.status)
        if i not in results:
            continue
        data = n.data
        res = results[i]
        if res.unobserved:
            add("signals_imputed", account=n.account,
                calls=", ".join(res.failed_calls) or "a call",
                signals=", ".join(res.unobserved))
        elif data.partial:
            add("partial_data", account=n.account, parts=", ".join(sorted(data.partial)))
        if res.windows:
            days = sorted(set(res.windows.values()))
            add("short_window", account=n.account,
                signals=", ".join(sorted(res.windows)),
                days=" and ".join(str(d) for d in days))
        if res.young_factor < 1.0:
            add("young_account", account=n.account, factor=f"{res.young_factor:.0%}",
                days=catalogue.model()["young_account"]["ramp_days"])
        fetched = parse_at(data.fetched_at)
        if fetched is not None:
            days = (now - fetched).total_seconds() / 86400.0
            if days > catalogue.model()["stale_after_days"]:
                add("stale_data", account=n.account, days=int(days))
        if data.flags:
            add("flagged", account=n.account, flags=", ".join(sorted(data.flags)))
    unreachable = [n for n in inputs if n.status == "failed"]
    if status == "insufficient_data" and not results and unreachable:
        # Nothing was read because the networks failed: say so, and blame no one's profile.
        add("networks_unreachable", accounts=", ".join(n.account for n in unreachable))
    elif status == "insufficient_data":
        add("insufficient_data")
    elif status == "scored" and confidence < catalogue.model()["low_confidence"]:
        add("low_confidence", confidence=f"{confidence:.2f}")
    if excl:
        add("exclusions_applied", count=len(excl))
    for account in sorted({f"{e['network']}" for e in excl if e.get("rule") == "engagement_ring"}):
        ring = [n.account for n in inputs if n.network == account]
        add("engagement_ring", account=", ".join(ring) or account)
    if results:
        add("provisional_calibration", version=catalogue.model()["calibration_version"])
    add("role_weighting", role=role, ignores=catalogue.roles()["roles"][role]["ignores"])
    return out
