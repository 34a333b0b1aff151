"""Improvement tips for the candidate self-check.

Every signal with headroom that ``data/tips.json`` coaches gets a tip, zeros included. The
gain is what the model itself computes when the person's profile is re-scored at the
*next realistic step*:

- signals that count items (merged pull requests, reviews, accepted answers) while the
  counted value is below ``count_below``: one more item;
- otherwise the next decile: ten percentile points up, never more; within the top decile
  half the way to the 100th, at most the 99th.

The step is turned into the work a real profile would show (:func:`synthesize`): new items
dated today, in distinct repositories, spread over as many items as it takes for the
per-item cap, per-repository saturation and the h-index statistics to count the whole
target. The re-scoring then applies every cap and exclusion exactly as a real profile
meets them, and a tip whose target would still be cut is not shown.

Identity tips: an account that was found but not verified to be the person's gets the
backlink to publish, with the gain once it counts (re-scored with that account counted).
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import datetime
from functools import lru_cache

from service.networks.base import Observation
from service.scoring import aggregate, catalogue, reference
from service.scoring.calibration import curve
from service.scoring.network import score_network
from service.scoring.report import NetworkInput, build_report

NOT_CHANGED = (
    "This changes a percentile of public activity only; it is not a measure of your worth "
    "or skill, and it will not show the quality of your work or anything you do in private."
)
TIP_ITEM = "candor-tip"  # items the re-scoring adds are named "candor-tip-<k>/next-step"
DECILE = 10.0
TOP = 99.0


@lru_cache(maxsize=1)
def tip_data() -> dict:
    return catalogue._load("tips.json")


def coached(network: str, signal: str) -> dict | None:
    """The tip spec of a signal, or None when the model does not coach it (gameable, not
    scored, or no advice that rewards contribution rather than volume)."""
    spec = catalogue.signals().get(network, {}).get(signal)
    tip = tip_data()["signals"].get(network, {}).get(signal)
    if not spec or not tip or not spec.get("scored") or spec.get("gameable"):
        return None
    return tip


def effect(network: str, signal: str) -> str:
    """When a change shows, from the signal's window and decay (the model's own data)."""
    spec = catalogue.signals()[network][signal]
    source = catalogue.signals()[network].get(spec.get("from") or signal, spec)
    tip = tip_data()["signals"][network][signal]
    window = tip.get("window_days")
    reach = (f"Candor reads the last {_days(window)}" if window
             else "Candor reads what the network shows today")
    if source["kind"] == "event":
        return (f"Counts in full from the day it happens; its weight then halves every "
                f"{_days(source['half_life'])}. {reach}. Your report shows it at its next "
                "refresh (within a day).")
    return f"{reach}; your report shows it at its next refresh (within a day)."


def _days(n: float) -> str:
    n = int(n)
    if n % 365 == 0:
        years = n // 365
        return "year" if years == 1 else f"{years} years"
    return f"{n} days"


def next_step(network: str, signal: str, value: float, percentile: float) -> float | None:
    """The value one realistic step up, or None when the signal is at the top."""
    tip = tip_data()["signals"][network][signal]
    if tip["step"] == "item" and value < tip_data()["count_below"] - 1e-9:
        return round(value + 1.0, 4)
    # Ten percentile points up; within the top decile half the way to the top, so a
    # person at the 90th is pointed at the 95th, not at the 99th.
    target = min(TOP, percentile + min(DECILE, (100.0 - percentile) / 2.0))
    if target <= percentile + 1e-9:
        return None
    to = curve(network, signal).value_at(target)
    if _integral(network, signal):
        # Whole numbers (an h-index, a count of works): the largest one within the decile,
        # or the smallest step there is (one more) when none fits.
        to = max(math.floor(to + 1e-9), math.floor(value + 1e-9) + 1)
    if tip["step"] == "item":
        # Items come whole: as many as fit within the decile, at least one.
        return round(value + max(1, math.floor(to - value + 1e-9)), 4)
    if to <= value + 1e-9:
        return None
    return round(float(to), 4)


def _integral(network: str, signal: str) -> bool:
    """Signals that only take whole values: h-indices and plain counts."""
    spec = catalogue.signals()[network][signal]
    return spec.get("stat") in ("h_index",) or (
        spec["kind"] == "level" and not spec.get("per_item") and not spec.get("stat"))


def synthesize(n: NetworkInput, signal: str, frm: float, to: float, items: int,
               now: datetime) -> NetworkInput:
    """``n`` with the work that moves ``signal`` from ``frm`` to ``to``, spread over
    ``items`` new items (dated today, in distinct repositories); a plain level (a
    reputation, a citation count) is simply replaced."""
    specs = catalogue.signals()[n.network]
    spec = specs[signal]
    source = spec.get("from") or signal
    stat = spec.get("stat")
    obs = list(n.data.observations)
    at = now.date().isoformat() if specs[source]["kind"] == "event" else None
    if not spec.get("per_item") and spec["kind"] == "level" and not stat:
        obs = [o for o in obs if o.signal != source] + [Observation(source, to)]
        return replace(n, data=replace(n.data, observations=obs))
    mine = [o.value for o in obs if o.signal == source and not o.own]
    if stat == "h_index":
        each = float(math.ceil(to))
    elif stat == "h_core":
        h = int(aggregate.h_index(mine))
        each = float(max(math.ceil((to - frm) / items), h + items))
    elif stat == "top_k_mean":
        k = int(spec["k"])
        best = sorted(mine, reverse=True)[: max(k - items, 0)]
        each = float(max(math.ceil((to * k - sum(best)) / min(items, k)), 0))
    else:
        unit = _tip(n.network, signal).get("unit") or 1
        each = float(unit) if (to - frm) <= unit * items else (to - frm) / items
    new = [Observation(source, each, at=at, item=f"{TIP_ITEM}-{k}/next-step#{k}")
           for k in range(1, items + 1)]
    return replace(n, data=replace(n.data, observations=obs + new))


def _tip(network: str, signal: str) -> dict:
    """The tip spec, or how to add work for a signal without a tip (what-if): items for
    events and per-item signals, the value itself for levels."""
    tip = tip_data()["signals"].get(network, {}).get(signal)
    if tip is not None:
        return tip
    spec = catalogue.signals()[network][signal]
    counts = spec["kind"] == "event" and not spec.get("per_item")
    return {"step": "item" if counts else "decile", "unit": 1}


def _counted(n: NetworkInput, signal: str, role: str, now: datetime) -> float:
    """The signal's counted value as the model scores it, before the young-account ramp
    (which discounts the whole account, not the step)."""
    result = score_network(n.data, role, now)
    res = next(r for r in result.signals if r.name == signal)
    young = sum(amount for rule, _, amount in res.removals if rule == "young_account")
    return (res.value or 0.0) + young


def step_inputs(inputs: list[NetworkInput], index: int, signal: str, frm: float, to: float,
                role: str, now: datetime) -> list[NetworkInput] | None:
    """The inputs with the step applied so that the model counts all of ``to``; None when
    no realistic spread of new items reaches it (the tip would be cut by a cap)."""
    n = inputs[index]
    tip = _tip(n.network, signal)
    needed = max(1, math.ceil(to - frm)) if tip["step"] == "item" else 1
    limit = tip_data()["synthesis_max_items"]
    for items in range(min(needed, limit), limit + 1):
        moved = synthesize(n, signal, frm, to, items, now)
        # The report rounds values to 4 decimals, so ``frm`` may sit a hair off the model's.
        if _counted(moved, signal, role, now) >= to - 1e-3:
            return [moved if i == index else x for i, x in enumerate(inputs)]
    return None


def exact_score(report: dict) -> float | None:
    """The score before rounding to a whole point: 1 + 99 * percentile / 100."""
    if report["status"] != "scored":
        return None
    combined = report["computation"]["combined"]
    return 1.0 + 99.0 * reference.percentile_of(report["role"], combined) / 100.0


def tips_for(subject: str, role: str, networks: list[NetworkInput], *, now: datetime,
             withheld: list[NetworkInput] = ()) -> list[dict]:
    """Tips sorted by gain (largest first), then identity tips without a computable gain
    and link tips. ``withheld``: accounts found but not verified as the person's, with
    their fetched data, so the gain of verifying them can be computed (never counted)."""
    role = catalogue.resolve_role(role)
    inputs = sorted(networks, key=lambda n: (n.network, n.handle, n.linked_by, n.status))
    base = build_report(subject, role, inputs, now=now)
    tips = _signal_tips(subject, role, inputs, base, now) if base["status"] == "scored" else []
    tips += _identity_tips(subject, role, inputs, base, withheld, now)
    tips.sort(key=lambda t: (t["gain"] is None, -(t["gain"] or 0), t["network"] or "",
                             t["signal"] or ""))
    return tips + _link_tips(inputs)


def _signal_tips(subject, role, inputs, base, now) -> list[dict]:
    rows = {(r["network"], r["handle"]): r for r in base["networks"]}
    before = exact_score(base)
    out = []
    for i, n in enumerate(inputs):
        row = rows.get((n.network, n.handle))
        if row is None or n.status != "found" or n.data is None:
            continue
        for s in row["signals"]:
            tip = coached(n.network, s["name"])
            if tip is None or s["unobserved"] or s["value"] is None:
                continue
            to = next_step(n.network, s["name"], s["value"], s["percentile"])
            if to is None:
                continue
            moved = step_inputs(inputs, i, s["name"], s["value"], to, role, now)
            if moved is None:
                continue
            after = build_report(subject, role, moved, now=now)
            gain = round(exact_score(after) - before, 1)
            if gain <= 0:
                continue
            out.append({
                "kind": "contribution",
                "signal": s["name"],
                "network": n.network,
                "account": n.account,
                "text": tip["text"],
                "effect": effect(n.network, s["name"]),
                "step": "one more" if tip["step"] == "item" and to - s["value"] <= 1 + 1e-9
                else "next decile",
                "gain": gain,
                "score_after": after["score"],
                "from": s["value"],
                "to": to,
                "percentile_from": s["percentile"],
                "percentile_to": _percentile_of(after, n, s["name"]),
                "not_changed": NOT_CHANGED,
            })
    return out


def _percentile_of(report: dict, n: NetworkInput, signal: str) -> float | None:
    for row in report["networks"]:
        if (row["network"], row["handle"]) == (n.network, n.handle):
            for s in row["signals"]:
                if s["name"] == signal:
                    return s["percentile"]
    return None


def _identity_tips(subject, role, inputs, base, withheld, now) -> list[dict]:
    """Accounts found but not counted because nothing shows they are the person's."""
    data = {w.account: w for w in withheld if w.data is not None}
    before = exact_score(base)
    out = []
    for n in inputs:
        if n.status != "unverified" or not n.verifiable:
            continue  # nothing the person can do makes an unverifiable account count
        gain = score_after = None
        w = data.get(n.account)
        if w is not None and before is not None:
            counted = [replace(w, status="found", verified_by="tip re-scoring")
                       if x.account == n.account else x for x in inputs]
            after = build_report(subject, role, counted, now=now)
            if after["status"] == "scored":
                gain = round(exact_score(after) - before, 1)
                score_after = after["score"]
        out.append({
            "kind": "identity",
            "signal": None,
            "network": n.network,
            "account": n.account,
            "text": f"{n.account} is not counted yet: nothing shows it is yours. "
            f"{n.how_to_verify or 'Publish a link back to your main profile on it.'}",
            "effect": "Counts at your next check once the link is published.",
            "step": "verify",
            "gain": gain if gain is not None and gain > 0 else None,
            "score_after": score_after,
            "reason": None if gain is not None else
            "the gain is estimated once the account can be read",
            "from": None,
            "to": None,
            "not_changed": NOT_CHANGED,
        })
    return out


def _link_tips(inputs: list[NetworkInput]) -> list[dict]:
    """Accounts the person published on a counted profile that were not part of the check:
    a tip to include them (they count only if they link back, which the check then shows)."""
    included = {n.account for n in inputs}
    known = set(catalogue.signals())
    seen: set[str] = set()
    out = []
    for n in inputs:
        if n.data is None or n.status != "found":
            continue
        for link in sorted(n.data.links, key=lambda lk: lk.account):
            net = link.account.split(":", 1)[0]
            if link.account in included or link.account in seen or net not in known:
                continue
            seen.add(link.account)
            out.append({
                "kind": "link",
                "signal": None,
                "network": net,
                "account": link.account,
                "text": f"You published {link.account} on {n.account} ({link.linked_by}). "
                "Include it in your check; it counts once it links back to your profile.",
                "effect": "Counts at your next check once both sides link to each other.",
                "step": "include",
                "gain": None,
                "score_after": None,
                "reason": "the gain cannot be estimated before that account is fetched",
                "from": None,
                "to": None,
                "not_changed": NOT_CHANGED,
            })
    return out
