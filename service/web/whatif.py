"""What-if for the self-check: re-score the *same fetched inputs* with a signal changed.

A self-check keeps its model inputs for a short while (``TTL`` seconds) in the report
cache, under a random id and the subject's name, so an opt-out purge of the subject drops
them too. A what-if loads them, applies the new values the way a real profile would show
them (new items dated today, spread as the tips' re-scoring does), and scores both with the
pure model: no upstream call is made.
"""

from __future__ import annotations

import json
import secrets
import zlib
from dataclasses import asdict, replace
from datetime import UTC, datetime

from service import scoring
from service.networks.base import LinkedAccount, NetworkData, Observation
from service.scoring import catalogue
from service.scoring.network import score_network
from service.scoring.tips import exact_score, step_inputs

TTL = 1800.0
KEY_PREFIX = "whatif:"
MAX_CHANGES = 20


class WhatIfError(ValueError):
    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


def encode(subject: str, role: str, inputs: list[scoring.NetworkInput], now: datetime) -> bytes:
    doc = {"subject": subject, "role": role, "now": now.isoformat(),
           "inputs": [asdict(n) for n in inputs]}
    return zlib.compress(json.dumps(doc, separators=(",", ":")).encode())


def decode(blob: bytes) -> tuple[str, str, list[scoring.NetworkInput], datetime]:
    doc = json.loads(zlib.decompress(blob))
    inputs = []
    for n in doc["inputs"]:
        data = n.pop("data")
        if data is not None:
            data["observations"] = [Observation(**o) for o in data["observations"]]
            data["links"] = [LinkedAccount(**lk) for lk in data["links"]]
            data = NetworkData(**data)
        inputs.append(scoring.NetworkInput(data=data, **n))
    return doc["subject"], doc["role"], inputs, datetime.fromisoformat(doc["now"])


def save(backend, subject: str, role: str, inputs: list[scoring.NetworkInput],
         now: datetime) -> str | None:
    """Keep the inputs for what-ifs; the id, or None when the cache cannot keep them."""
    check_id = secrets.token_urlsafe(18)
    try:
        backend.set(KEY_PREFIX + check_id, subject, encode(subject, role, inputs, now), TTL)
    except Exception:  # a what-if is a convenience: the self-check itself never fails on it
        return None
    return check_id


def load(backend, check_id: str, subject: str):
    if not isinstance(check_id, str) or not 8 <= len(check_id) <= 64 or not all(
            c.isalnum() or c in "-_" for c in check_id):
        raise WhatIfError("invalid_check_id", "That is not a self-check id.")
    try:
        blob = backend.get(KEY_PREFIX + check_id, subject[:300])
    except Exception as exc:  # the cache is down: say so, never a 500
        raise WhatIfError("cache_unavailable", "What-ifs are unavailable right now; try "
                          "again in a minute.", 503) from exc
    if blob is None:
        raise WhatIfError("check_expired", "This self-check has expired (they are kept for "
                          f"{int(TTL // 60)} minutes); run the check again.", 404)
    return decode(blob)


def editable(report: dict) -> list[dict]:
    """Per counted network, the scored signals and their current values (the form)."""
    out = []
    for row in report["networks"]:
        if row["status"] != "found" or not row["signals"]:
            continue
        specs = catalogue.signals()[row["network"]]
        fields = [{"signal": s["name"],
                   "value": s["raw"] if _plain(specs[s["name"]]) else s["value"],
                   "percentile": s["percentile"]}
                  for s in row["signals"] if s["scored"] and not s["unobserved"]]
        if fields:
            out.append({"account": row["account"], "network": row["network"],
                        "signals": fields})
    return out


def apply(inputs: list[scoring.NetworkInput], role: str, changes: list[dict],
          now: datetime, applied: list[dict] | None = None) -> list[scoring.NetworkInput]:
    """The inputs with every change applied; raises WhatIfError for a change that names no
    counted signal, lowers a value (a what-if only adds work) or cannot be reached."""
    if not changes:
        raise WhatIfError("no_change", "Change at least one value.")
    applied = [] if applied is None else applied
    if len(changes) > MAX_CHANGES:
        raise WhatIfError("too_many_changes", f"At most {MAX_CHANGES} changes at once.")
    role = catalogue.resolve_role(role)
    inputs = sorted(inputs, key=lambda n: (n.network, n.handle, n.linked_by, n.status))
    for change in changes:
        account, signal, value = change["account"], change["signal"], float(change["value"])
        index = next((i for i, n in enumerate(inputs)
                      if n.account == account and n.status == "found" and n.data), None)
        if index is None:
            raise WhatIfError("unknown_account", f"{account[:80]} is not counted in this check.")
        spec = catalogue.signals()[inputs[index].network].get(signal)
        if not spec or not spec.get("scored"):
            raise WhatIfError("unknown_signal", f"{signal[:60]!r} is not a scored signal of "
                              f"{inputs[index].network}.")
        if _plain(spec):
            # A plain level (followers, reputation): the value as the network would show
            # it; the model's rules (follow-back, bought audience) then apply as they would.
            source = spec.get("from") or signal
            shown = [o.value for o in inputs[index].data.observations if o.signal == source]
            if shown and abs(max(shown) - value) < 1e-3:
                continue  # left at today's value
            inputs = [_with_level(n, signal, value) if i == index else n
                      for i, n in enumerate(inputs)]
            applied.append(change)
            continue
        current = _value(inputs[index], signal, role, now)
        if value < current - 1e-3:
            raise WhatIfError("lower_value", f"{signal} is {current:g} today; a what-if only "
                              "adds work, so enter a value at or above it.")
        if value <= current + 1e-3:  # left at today's value (shown rounded): no change
            continue
        moved = step_inputs(inputs, index, signal, current, value, role, now)
        if moved is None:
            raise WhatIfError("unreachable", f"{signal} = {value:g} cannot be reached by "
                              "adding realistic items (caps and saturation would cut it).")
        inputs = moved
        applied.append(change)
    return inputs


def _plain(spec: dict) -> bool:
    """A level read as one number (not per item, no statistic over items)."""
    return spec["kind"] == "level" and not spec.get("per_item") and not spec.get("stat")


def _with_level(n: scoring.NetworkInput, signal: str, value: float) -> scoring.NetworkInput:
    source = catalogue.signals()[n.network][signal].get("from") or signal
    obs = [o for o in n.data.observations if o.signal != source]
    return replace(n, data=replace(n.data, observations=[*obs, Observation(source, value)]))


def _value(n: scoring.NetworkInput, signal: str, role: str, now: datetime) -> float:
    result = score_network(n.data, role, now)
    res = next(r for r in result.signals if r.name == signal)
    young = sum(a for rule, _, a in res.removals if rule == "young_account")
    return (res.value or 0.0) + young


def summary(report: dict) -> dict:
    """The numbers to compare, with the caveat that goes wherever a number goes."""
    return {
        "status": report["status"],
        "score": report["score"],
        "score_exact": None if exact_score(report) is None else round(exact_score(report), 1),
        "band": report["band"],
        "percentile": report["percentile"],
        "networks": [
            {"account": n["account"], "network_score": n["network_score"],
             "contribution": n["contribution"]}
            for n in report["networks"] if n["status"] == "found"
        ],
        "caveats": [c for c in report["caveats"] if c["code"].startswith("not_measured.")],
    }


def what_if(backend, check_id: str, subject: str, changes: list[dict]) -> dict:
    """Today and the what-if, side by side, from the stored inputs (no upstream call)."""
    subject_, role, inputs, now = load(backend, check_id, subject)
    today = scoring.build_report(subject_, role, inputs, now=now)
    applied: list[dict] = []
    moved = apply(inputs, role, changes, now, applied)
    if not applied:
        raise WhatIfError("no_change", "Change at least one value above today's.")
    after = scoring.build_report(subject_, role, moved, now=now)
    return {"subject": subject_, "role": role, "check_id": check_id,
            "computed_at": today["computed_at"], "changes": applied,
            "today": summary(today), "what_if": summary(after),
            "notice": "A what-if re-scores the inputs fetched for your self-check with the "
                      "values you entered; nothing was fetched again and nothing is stored.",
            "at": datetime.now(UTC).replace(microsecond=0).isoformat()}

