"""Candor's scoring model: public evidence per network -> a transparent 1-100 score.

Pure functions over the dataclasses in :mod:`service.networks.base`; no web, database or
network I/O. Data (calibration tables, weights, caveats) lives in ``data/``. See README.md.
"""

from __future__ import annotations

from service.scoring import catalogue
from service.scoring.report import NetworkInput, build_report

ROLES: tuple[str, ...] = catalogue.role_names()
MODEL_VERSION: str = catalogue.model()["model_version"]
CALIBRATION_VERSION: str = catalogue.model()["calibration_version"]



def general_caveats() -> list[dict]:
    """What no score measures: shown with every number, and wherever a status replaces one."""
    return [dict(c) for c in catalogue.caveat_texts()["general"]]


__all__ = [
    "CALIBRATION_VERSION", "MODEL_VERSION", "ROLES", "NetworkInput", "build_report",
    "general_caveats",
]
