"""Improvement tips for the candidate self-check.

Each tip names one signal and an **estimated gain**: the person is re-scored with that
signal moved to a realistic next step (the next decile of its reference table) and the
difference in score is reported. Only signals with a declared ``tip`` text that are not
``gameable`` get tips, and never a signal an exclusion applied to: tips reward real
contribution (reviews, answers, writing for a topic community), not volume, follow-back or
bought audiences. A tip to link accounts the person already published has no gain estimate.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import datetime

from service.networks.base import Observation
from service.scoring import catalogue
from service.scoring.calibration import curve
from service.scoring.report import NetworkInput, build_report

NOT_CHANGED = (
    "This changes a percentile of public activity only; it is not a measure of your worth "
    "or skill, and it will not show the quality of your work or anything you do in private."
)
TIP_ITEM = "tip:next-step"


SECOND_STEP_MAX = 90.0  # a second decile is tried only up to here: the top is not "next"


def next_step(network: str, signal: str, value: float, percentile: float,
              steps: int = 1) -> float | None:
    """The value at the ``steps``-th decile above ``percentile`` (capped at the 99th),
    rounded up to a whole number; None when there is no realistic next step."""
    target = min(99.0, (math.floor(percentile / 10.0) + steps) * 10.0)
    if target <= percentile:
        return None
    to = math.ceil(curve(network, signal).value_at(target) - 1e-9)
    if to <= value:
        to = math.floor(value) + 1
    return float(to)


def moved(networks: list[NetworkInput], index: int, signal: str, frm: float, to: float):
    """The inputs with one signal raised from ``frm`` to ``to``: a level is replaced, an
    event or per-item signal gets one new undated observation of the difference."""
    n = networks[index]
    spec = catalogue.signals()[n.network][signal]
    obs = list(n.data.observations)
    if spec["kind"] == "level" and not spec.get("per_item"):
        obs = [o for o in obs if o.signal != signal] + [Observation(signal, to)]
    else:
        obs.append(Observation(signal, to - frm, item=TIP_ITEM))
    data = replace(n.data, observations=obs)
    return [replace(x, data=data) if i == index else x for i, x in enumerate(networks)]


def tips_for(subject: str, role: str, networks: list[NetworkInput], *, now: datetime) -> list:
    base = build_report(subject, role, networks, now=now)
    tips: list[dict] = []
    if base["status"] == "scored":
        tips.extend(_signal_tips(subject, role, networks, base, now))
    tips.sort(key=lambda t: (-t["gain"], t["network"], t["signal"]))
    return tips + _link_tips(networks)


def _signal_tips(subject, role, networks, base, now) -> list[dict]:
    inputs = sorted(networks, key=lambda n: (n.network, n.handle, n.linked_by, n.status))
    rows = {(r["network"], r["handle"]): r for r in base["networks"]}
    out = []
    for i, n in enumerate(inputs):
        row = rows.get((n.network, n.handle))
        if row is None or n.status != "found" or n.data is None or not row["signals"]:
            continue
        specs = catalogue.signals()[n.network]
        for s in row["signals"]:
            spec = specs[s["name"]]
            if not s["scored"] or spec.get("gameable") or not spec.get("tip"):
                continue
            if s["excluded"] or not s["observed"]:
                continue
            to, gain = _gain(subject, role, inputs, i, s, base, now)
            if to is None or gain <= 0:
                continue
            out.append({
                "signal": s["name"],
                "network": n.network,
                "text": spec["tip"],
                "gain": gain,
                "from": s["value"],
                "to": to,
                "not_changed": NOT_CHANGED,
            })
    return out


def _gain(subject, role, inputs, i, s, base, now) -> tuple[float | None, int]:
    """Re-score with the signal at the next decile; when a decile a hair away moves nothing
    (29.9th -> 30th), try the one after, but never past SECOND_STEP_MAX."""
    to, gain = None, 0
    for steps in (1, 2):
        step = next_step(inputs[i].network, s["name"], s["value"], s["percentile"], steps)
        if step is None or (steps == 2 and step > curve(
                inputs[i].network, s["name"]).value_at(SECOND_STEP_MAX) + 1):
            break
        after = build_report(subject, role, moved(inputs, i, s["name"], s["value"], step),
                             now=now)
        if after["score"] is None:
            break
        to, gain = step, after["score"] - base["score"]
        if gain > 0:
            break
    return to, gain


def _link_tips(networks: list[NetworkInput]) -> list[dict]:
    """Accounts the person published on a found profile that were not part of the lookup."""
    included = {n.account for n in networks}
    known = set(catalogue.signals())
    seen: set[str] = set()
    out = []
    for n in sorted(networks, key=lambda n: (n.network, n.handle)):
        if n.data is None:
            continue
        for link in sorted(n.data.links, key=lambda lk: lk.account):
            net = link.account.split(":", 1)[0]
            if link.account in included or link.account in seen or net not in known:
                continue
            seen.add(link.account)
            out.append({
                "signal": None,
                "network": net,
                "text": f"Include {link.account}, which you published on {n.account} "
                f"({link.linked_by}), in your check so its public work is counted.",
                "gain": None,
                "reason": "the gain cannot be estimated before that account is fetched",
                "from": None,
                "to": None,
                "not_changed": NOT_CHANGED,
            })
    return out
