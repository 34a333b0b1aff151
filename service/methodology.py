"""The public methodology, assembled from the model's own data files at request time.

Nothing here restates a number: every weight, threshold, source and version is read from
``service/scoring/data`` through the catalogue, so the page cannot drift from the model.
"""

from __future__ import annotations

from service.scoring import catalogue

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
            rows.append({"network": network, "name": name, **spec})
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


def exclusion_rules() -> list[dict]:
    """The rules, in words, with the thresholds as configured in model.json/signals.json."""
    m = catalogue.model()
    sig = catalogue.signals()
    external = [f"{n}.{s}" for n in sorted(sig) for s, v in sorted(sig[n].items())
                if v.get("external_only")]
    floors = [f"{n}.{s} ≥ {_fmt(v['cap_floor'])}" for n in sorted(sig)
              for s, v in sorted(sig[n].items()) if v.get("per_item")]
    rec, bought = m["reciprocity"], m["bought_audience"]
    return [
        {"name": "Self-dealing",
         "rule": "Contributions to your own projects do not count on signals that measure "
                 "work for others.",
         "thresholds": [f"external only: {', '.join(external)}"]},
        {"name": "One item dominating",
         "rule": "On per-item signals no single item (for example one repository) counts for "
                 "more than a share of the signal's total; the cap never goes below a floor.",
         "thresholds": [f"share per item: {m['per_item_share']:g}", *floors]},
        {"name": "Follow-back pattern",
         "rule": "An account that follows many accounts has followers presumed mutual up to "
                 "min(followers, following); those count only in part.",
         "thresholds": [f"following at least {rec['following_min']}",
                        f"discount on presumed follow-backs: {rec['discount']:g}"]},
        {"name": "Bought audience",
         "rule": "When engagement is far below the norm for an audience of that size, "
                 "followers beyond what the engagement supports are not counted.",
         "thresholds": [
             f"applies to: {', '.join(sorted(bought['audience_signals']))}",
             f"never removed: the first {bought['protected_audience']} followers",
             f"flag factor: {bought['flag_factor']:g} of the tier norm",
             "tier norms (audience ≥ n: median engagement rate): " + "; ".join(
                 f"{t}: {er:g}" for t, er in bought["tiers"]),
             "network scale: " + ", ".join(
                 f"{n} {v:g}" for n, v in sorted(bought["network_scale"].items())),
             f"source: {bought['source']}"]},
    ]


def model_parameters() -> list[tuple[str, str]]:
    return [(k, _fmt(v)) for k, v in catalogue.model().items()
            if not k.startswith("_") and not isinstance(v, dict | list)]


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
        "general_caveats": caveats["general"],
        "specific_caveats": sorted(caveats["specific"].items()),
    }
