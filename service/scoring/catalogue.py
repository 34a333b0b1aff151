"""The model's data files, loaded once: signal catalogue, calibration tables, role weights,
model parameters, caveat texts and the reference distributions.

Everything that is a number someone might dispute lives in ``data/`` (versioned with the
code), not in the Python files. Reading our own package data is the only file access here.
"""

from __future__ import annotations

import json
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"


def _load(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def signals() -> dict[str, dict[str, dict]]:
    """network -> signal -> spec (kind, half_life, weight, ...)."""
    return {k: v for k, v in _load("signals.json").items() if not k.startswith("_")}


@lru_cache(maxsize=1)
def model() -> dict:
    return _load("model.json")


@lru_cache(maxsize=1)
def roles() -> dict:
    return _load("roles.json")


@lru_cache(maxsize=1)
def caveat_texts() -> dict:
    return _load("caveats.json")


@lru_cache(maxsize=1)
def reference() -> dict:
    return _load("reference.json")


@cache
def calibration(network: str) -> dict:
    path = DATA / "calibration" / f"{network}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def networks() -> tuple[str, ...]:
    return tuple(sorted(signals()))


def scored_signals(network: str) -> list[str]:
    return sorted(k for k, v in signals()[network].items() if v.get("scored"))


def role_names() -> tuple[str, ...]:
    return tuple(roles()["roles"])


def resolve_role(role: str | None) -> str:
    return role if role in roles()["roles"] else roles()["default"]


def role_weight(role: str, network: str) -> float:
    return float(roles()["roles"][role]["networks"].get(network, 0.0))


def signal_weights(role: str, network: str) -> dict[str, float]:
    """Normalised weights of the scored signals of ``network`` for ``role`` (sum 1)."""
    override = roles()["roles"][role]["signals"].get(network)
    raw = override or {k: signals()[network][k]["weight"] for k in scored_signals(network)}
    total = sum(raw.values())
    return {k: raw[k] / total for k in sorted(raw)}
