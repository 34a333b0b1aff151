"""``candor score ACCOUNT [ACCOUNT ...] [--role ROLE] [--json] [--no-discover]``.

Accounts are ``network:handle`` or profile URLs (the same rule as the self-check page).
Exit status: 0 a report (possibly ``degraded``), 2 bad input or setting, 3 (``UNREACHABLE``)
every network that was asked failed, so the report says nothing about the person.
"""

from __future__ import annotations

import argparse
import json
import sys

from service.config import Settings

UNREACHABLE = 3


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("score", help="score a person from their public accounts")
    p.add_argument("accounts", nargs="+", metavar="ACCOUNT",
                   help="network:handle or a profile URL, e.g. github:octocat or "
                        "https://github.com/octocat (the first is the primary)")
    p.add_argument("--role", default="general", help="role weighting (default: general)")
    p.add_argument("--json", action="store_true", help="print the full JSON report")
    p.add_argument("--no-discover", action="store_true",
                   help="do not follow accounts linked from the primary profile")
    p.set_defaults(handler=run)


# Rows of networks that did not answer: failed, never asked (no key), or not asked because
# the account could not be verified against a primary that failed.
_NO_ANSWER = frozenset({"failed", "not_configured", "unverified"})


def unreachable(report: dict) -> list[dict]:
    """The failures, when every network that was asked failed (none answered); else []."""
    if any(n["status"] not in _NO_ANSWER for n in report.get("networks") or []):
        return []
    return list(report.get("degraded") or [])


def run(args: argparse.Namespace) -> int:
    from service.lookup import score_subject
    from service.upstream import Upstream
    from service.web.selfcheck import to_account

    settings = Settings.from_env()
    try:
        accounts = [to_account(text, settings) for text in args.accounts]
        report = score_subject(accounts[0], role=args.role, accounts=accounts[1:],
                               settings=settings, upstream=Upstream(settings),
                               discover=not args.no_discover)
    except ValueError as exc:
        print(f"candor: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False))
    else:
        print(render_text(report))
    failed = unreachable(report)
    if failed:
        print("candor: no network could be reached ("
              + ", ".join(f"{d['network']}: {d['reason']}" for d in failed)
              + "); this report says nothing about the person. Try again later.",
              file=sys.stderr)
        return UNREACHABLE
    return 0


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def render_text(report: dict) -> str:
    """A readable terminal report: score, per-network table, topics, exclusions, caveats."""
    lines = [f"Candor report for {report['subject']} (role: {report['role']})"]
    if unreachable(report):
        lines.append("Status: no network could be reached, so there is no score (the "
                     "connection failed, not the person)")
    elif report["score"] is None:
        lines.append(f"Status: {report['status']} (no number: absence of public data is not "
                     "evidence of anything)")
    else:
        band = report.get("band") or {}
        lines.append(f"Score: {report['score']} (band {band.get('low')}-{band.get('high')}, "
                     f"confidence {report['confidence']:.2f})")
        lines.append(f"Reference population: {report['population']}")
    lines.append("")
    lines.append(f"{'network':<14}{'account':<36}{'status':<16}{'score':>6}{'contrib':>9}")
    for net in report["networks"]:
        score = net.get("network_score")
        contrib = net.get("contribution")
        lines.append(
            f"{net['network']:<14}{net['account'][:35]:<36}{net['status']:<16}"
            f"{_pct(score):>6}"
            f"{'-' if contrib is None else format(contrib, '.2f'):>9}")
        for sig in net.get("signals", []):
            if not sig.get("scored", True):
                continue
            excluded = f"  excluded {sig['excluded']:g}: {sig['exclusion_reason']}" \
                if sig.get("excluded") else ""
            raw = "not seen" if sig.get("raw") is None else format(sig["raw"], "g")
            lines.append(f"    {sig['name']:<24} raw {raw:>10}  p{_pct(sig.get('percentile'))}"
                         f"  w {sig['weight']:.2f}{excluded}")
    if report.get("degraded"):
        lines.append("")
        lines.append("Degraded (failed this time): " + ", ".join(
            f"{d['network']} ({d['reason']})" for d in report["degraded"]))
    if report.get("topics"):
        lines.append("")
        lines.append("Topics: " + ", ".join(t["name"] for t in report["topics"]))
    lines.append("")
    lines.append("What this doesn't measure:")
    lines.extend(f"  - {c['text']}" for c in report.get("caveats", []))
    lines.append("")
    lines.append(f"model {report['model_version']}, calibration {report['calibration_version']},"
                 f" computed {report['computed_at']}")
    return "\n".join(lines)
