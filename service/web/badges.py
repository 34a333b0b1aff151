"""The badge: the compact form of a report for the hover card (shape: ``schemas/badge.py``)."""

from __future__ import annotations

from urllib.parse import quote

CAVEAT_SUMMARY = ("Public activity only: this number does not measure quality of work, skill, "
                  "collaboration or private and offline work.")

STATUS_MESSAGES = {
    "insufficient_data": "Too little public activity to compute a score. That says nothing "
                         "about the person.",
    "not_found": "No public profile was found for this account.",
    "opted_out": "This person has opted out of Candor. Nothing is shown.",
    "pending": "The score is being computed. Try again in a moment.",
    "not_claimed": "LinkedIn offers no public data. Candor shows a score here only when the "
                   "person claimed their profile and linked this page themselves.",
}


def report_path(subject: str, role: str) -> str:
    network, _, handle = subject.partition(":")
    return f"/v1/reports/{quote(network, safe='')}/{quote(handle, safe='@')}?role={role}"


def badge_from_report(report: dict, base_url: str = "") -> dict:
    networks = [
        {"network": n["network"], "network_score": n.get("network_score"),
         "contribution": n.get("contribution")}
        for n in report.get("networks", [])
        if n.get("status") == "found" and n.get("contribution") is not None
    ]
    networks.sort(key=lambda n: (-(n["contribution"] or 0), n["network"]))
    badge = {
        "subject": report["subject"],
        "status": report["status"],
        "score": report.get("score"),
        "band": report.get("band"),
        "confidence": report.get("confidence"),
        "role": report["role"],
        "networks": networks[:5],
        "topics": [t["name"] for t in report.get("topics", [])[:3]],
        "caveat_summary": CAVEAT_SUMMARY,
        "caveats": report.get("caveats", []),
        "computed_at": report.get("computed_at"),
        "report_url": base_url.rstrip("/") + report_path(report["subject"], report["role"]),
        "stale": report.get("stale"),
        "model_version": report.get("model_version"),
        # The subject's own profile flags (e.g. "organization": organisations are not
        # people, and the extension shows no personal score for them).
        "flags": next((sorted(n.get("flags") or []) for n in report.get("networks", [])
                       if n.get("account") == report["subject"]), []),
    }
    if report["status"] in STATUS_MESSAGES:
        badge["message"] = STATUS_MESSAGES[report["status"]]
    return badge


def status_badge(subject: str, role: str, status: str, caveats: list[dict],
                 base_url: str = "") -> dict:
    """A badge with no number (pending, opted out, not claimed)."""
    return badge_from_report({"subject": subject, "status": status, "role": role,
                              "caveats": caveats, "networks": [], "topics": []}, base_url)
