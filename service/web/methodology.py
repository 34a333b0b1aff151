"""The public methodology, assembled from the model's own data files at request time.

Nothing here restates a number: every weight, threshold, source and version is read from
``service/scoring/data`` through the catalogue, so the page cannot drift from the model.
"""

from __future__ import annotations

from service.scoring import catalogue
from service.scoring.reference import breadth_scores
from service.scoring.tips import effect, tip_data

# Quantile points shown per published table: enough to read the shape, not 101 rows.
SUMMARY_PERCENTILES = (10, 25, 50, 75, 90, 99)
CURVE_FORMULAS = {
    "heavy": "percentile = 100 · x / (x + m)",
    "activity": "percentile = 100 · (1 − 2^(−x / m))",
    "quantiles": "piecewise-linear between the published quantiles (ties get the mid-rank)",
    "points": "piecewise-linear between the published points",
}


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _summary(spec: dict) -> list[tuple[str, str]]:
    """A few (percentile, value) points, or the declared median, of one calibration curve."""
    kind = spec["type"]
    if kind == "quantiles":
        q = spec["quantiles"]
        step = 100.0 / (len(q) - 1)
        return [(f"p{p}", _fmt(q[round(p / step)])) for p in SUMMARY_PERCENTILES]
    if kind == "points":
        return [(f"p{_fmt(p)}", _fmt(v)) for p, v in spec["points"]]
    return [("m (median)", _fmt(spec["median"]))]


def calibration_tables() -> list[dict]:
    out = []
    for network in catalogue.networks():
        cal = catalogue.calibration(network)
        out.append({
            "network": network,
            **{k: cal[k] for k in ("version", "source", "date", "population", "provisional")},
            "measures": cal.get("measures"),
            "signals": [
                {"name": name, "type": spec["type"], "formula": CURVE_FORMULAS.get(spec["type"]),
                 "interpolate": spec.get("interpolate"), "points": _summary(spec),
                 "note": spec.get("note"), "source_metric": spec.get("source_metric")}
                for name, spec in sorted(cal["signals"].items())
            ],
        })
    return out


def signal_rows() -> list[dict]:
    rows = []
    for network in catalogue.networks():
        for name, spec in sorted(catalogue.signals()[network].items()):
            stat = spec.get("stat") or ("sum" if spec.get("per_item") or
                                        spec["kind"] == "event" else "max")
            tip = tip_data()["signals"].get(network, {}).get(name)
            rows.append({"network": network, "name": name, **spec,
                         "tip": tip["text"] if tip else None,
                         "statistic": STATISTICS[stat].replace(
                             "best k", f"best {spec.get('k', 'k')}")})
    return rows


def role_rows() -> tuple[list[str], list[dict]]:
    networks = list(catalogue.networks())
    roles = []
    ref = catalogue.reference()["roles"]
    for name, spec in catalogue.roles()["roles"].items():
        roles.append({
            "name": name, "label": spec["label"], "ignores": spec["ignores"],
            "weights": [spec["networks"].get(n, 0.0) for n in networks],
            "signal_overrides": spec["signals"],
            "population": ref[name]["population"],
            "reference_points": [(p, c) for c, p in ref[name]["table"] if p % 25 == 0],
        })
    return networks, roles


STATISTICS = {
    "sum": "sum over items (events decayed)",
    "max": "the reported value",
    "h_index": "h-index: the largest h with h items of value at least h",
    "h_core": "stars of the h-core: the h items with at least h each",
    "top_k_mean": "mean of the best k items (missing ones count 0)",
}

# What the rules cannot see; the scoring README (§3) says the same.
NOT_DETECTABLE = [
    "Bought or sock-puppet stars and followers on GitHub: the stargazer and follower lists "
    "are not fetched, so only their spread over repositories is limited (star_spread).",
    "A ring of sock-puppet maintainers merging and reviewing on an old account looks like "
    "distinct real maintainers; only per-maintainer saturation limits it.",
    "Repeated reactions on posts outside the connector's sample of reactors; and a genuine "
    "loyal audience that reacts to everything is treated like a ring.",
    "The age and activity of the accounts that react, star or follow: the young-account "
    "ramp looks only at the person's own account.",
    "Friends reacting once each to each other's posts: that is indistinguishable from "
    "engagement.",
]


def exclusion_rules() -> list[dict]:
    """The rules, in words, with their names (as in a report's ``exclusions[].rule``) and
    the thresholds as configured in model.json/signals.json."""
    m = catalogue.model()
    sig = catalogue.signals()

    def having(key: str) -> str:
        return ", ".join(f"{n}.{s}" for n in sorted(sig) for s, v in sorted(sig[n].items())
                         if v.get(key))

    floors = [f"{n}.{s} ≥ {_fmt(v['cap_floor'])}" for n in sorted(sig)
              for s, v in sorted(sig[n].items()) if v.get("cap_floor") is not None]
    h_core = ", ".join(f"{n}.{s}" for n in sorted(sig) for s, v in sorted(sig[n].items())
                       if v.get("stat") == "h_core")
    rec, bought, sat = m["reciprocity"], m["bought_audience"], m["saturation"]
    young = m["young_account"]["ramp_days"]
    return [
        {"name": "Own work", "code": "own_work",
         "rule": "Contributions to repositories owned by the person, or by an organisation "
                 "they publicly belong to (GitHub's public organisation memberships), do not "
                 "count on signals that measure work for others.",
         "thresholds": [f"external only: {having('external_only')}"]},
        {"name": "Volume into one repository or maintainer", "code":
            "repository_saturation, maintainer_saturation",
         "rule": "The decayed count into one repository saturates, then the sum over one "
                 "owner's repositories saturates again: sat(x; a, L) = x up to the knee a, "
                 "then a + (L − a)(1 − e^(−(x − a)/(L − a))), never above L. Distinct "
                 "repositories and maintainers carry the weight.",
         "thresholds": [
             f"per repository: knee {_fmt(sat['repository']['knee'])}, "
             f"limit {_fmt(sat['repository']['limit'])}",
             f"per maintainer: knee {_fmt(sat['maintainer']['knee'])}, "
             f"limit {_fmt(sat['maintainer']['limit'])}",
             f"applies to: {having('saturate')}"]},
        {"name": "Young account", "code": "young_account",
         "rule": "Evidence from an account younger than the ramp counts in proportion to its "
                 "age (every scored signal but the age itself); the report says so.",
         "thresholds": [f"ramp: age/{young:g} below {young:g} days"]},
        {"name": "Follow-back pattern", "code": "follow_back",
         "rule": "Continuous, without a threshold: up to min(followers, following) followers "
                 "are presumed follow-backs, with a weight growing linearly with the number "
                 "of accounts followed; presumed follow-backs count only in part.",
         "thresholds": [f"full weight at {rec['following_full']} accounts followed",
                        f"discount on presumed follow-backs: {rec['discount']:g}"]},
        {"name": "Stars spread over many small repositories", "code": "star_spread",
         "rule": "Only the stars of the h-core count: the h repositories that have at least "
                 "h stars each. 200 repositories with 3 stars each count 9 stars.",
         "thresholds": [f"applies to: {h_core}"]},
        {"name": "Engagement ring", "code": "engagement_ring",
         "rule": "Where the network lists who reacted (sampled within the call budget), "
                 "every repeat reaction in the sample is removed, so the same few accounts "
                 "reacting over and over count once; an engagement h-index is capped at the "
                 "square root of the remaining reactions.",
         "thresholds": [f"applies to: {having('ring')}"]},
        {"name": "One item dominating", "code": "item_cap",
         "rule": "On per-item sums no single item (for example one repository) counts for "
                 "more than a share of the signal's total; the cap never goes below a floor.",
         "thresholds": [f"share per item: {m['per_item_share']:g}", *floors]},
        {"name": "Bought audience", "code": "bought_audience",
         "rule": "When engagement per post (the mean of the best posts, missing ones 0) is "
                 "far below the norm for an audience of that size, followers beyond what the "
                 "engagement supports are not counted.",
         "thresholds": [
             f"applies to: {', '.join(sorted(bought['audience_signals']))}",
             f"engagement per post: mean of the best {bought['top_k']}",
             f"never removed: the first {bought['protected_audience']} followers",
             f"flag factor: {bought['flag_factor']:g} of the tier norm",
             "tier norms (audience ≥ n: median engagement rate): " + "; ".join(
                 f"{t}: {er:g}" for t, er in bought["tiers"]),
             "network scale: " + ", ".join(
                 f"{n} {v:g}" for n, v in sorted(bought["network_scale"].items())),
             f"source: {bought['source']}"]},
    ]


def breadth_rows() -> list[dict]:
    """The breadth effect, computed: the score of someone at the 50th percentile of each of
    the role's 1, 2 and 3 highest-weighted networks."""
    return [{"role": role, "scores": breadth_scores(role)} for role in catalogue.role_names()]


def model_parameters() -> list[tuple[str, str]]:
    return [(k, _fmt(v)) for k, v in catalogue.model().items()
            if not k.startswith("_") and not isinstance(v, dict | list)]


def tip_rows() -> list[dict]:
    """Every tip the self-check can give, from data/tips.json, with when it shows."""
    return [{"network": net, "signal": sig, "text": tip["text"], "step": tip["step"],
             "effect": effect(net, sig)}
            for net, sigs in sorted(tip_data()["signals"].items())
            for sig, tip in sorted(sigs.items())]


def methodology() -> dict:
    networks, roles = role_rows()
    caveats = catalogue.caveat_texts()
    return {
        "model_version": catalogue.model()["model_version"],
        "calibration_version": catalogue.model()["calibration_version"],
        "reference_version": catalogue.reference()["version"],
        "reference_provisional": catalogue.reference()["provisional"],
        "parameters": model_parameters(),
        "signals": signal_rows(),
        "networks": networks,
        "roles": roles,
        "default_role": catalogue.roles()["default"],
        "calibration": calibration_tables(),
        "exclusions": exclusion_rules(),
        "not_detectable": NOT_DETECTABLE,
        "breadth": breadth_rows(),
        "tips": tip_rows(),
        "statistics": STATISTICS,
        "general_caveats": caveats["general"],
        "specific_caveats": sorted(caveats["specific"].items()),
    }
