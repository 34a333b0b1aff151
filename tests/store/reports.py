"""A minimal scored report in the shape the scoring layer produces (``schemas/report.py``)."""

from __future__ import annotations

from typing import Any


def report(
    subject: str = "github:octocat",
    computed_at: str = "2025-03-01T12:00:00Z",
    score: int | None = 60,
    status: str = "scored",
    networks: dict[str, int] | None = None,
) -> dict[str, Any]:
    networks = {"github": 70, "stackoverflow": 40} if networks is None else networks
    return {
        "subject": subject,
        "status": status,
        "score": score,
        "band": {"low": score - 5, "high": score + 5} if score is not None else None,
        "role": "engineering",
        "networks": [
            {"network": name, "network_score": value, "status": "ok", "signals": []}
            for name, value in networks.items()
        ],
        "caveats": ["does not measure quality of work"],
        "model_version": "m1",
        "calibration_version": "c1",
        "computed_at": computed_at,
    }
