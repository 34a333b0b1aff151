"""What a recruiter receives for one subject: the report, its caveats and the notice.

The recruiter API offers no sorting, filtering or threshold by score: results come back in
the caller's order, each with a notice that the number must not decide anything on its
own and how the person can see, contest and opt out.
"""

from __future__ import annotations

import json
from typing import Any

from service.cache import cache_key
from service.store import claims, optouts
from service.store.db import Database

NOTICE: dict[str, Any] = {
    "decision": (
        "This score must not be the sole or dominant basis of a hiring or any other decision "
        "about this person. It summarises visible public activity on a few networks; it does "
        "not measure quality of work, skill, collaboration, private or employer work, or "
        "people who choose not to be public. Read the caveats and decide with human judgement."),
    "data_used": (
        "Only public data from the networks' public APIs (the networks listed in the report, "
        "with the signals, weights and exclusions shown there) and accounts the person linked "
        "themselves or that you supplied. Nothing behind a login, no name matching."),
    "person_rights": {
        "see": "The person can claim their profile (POST /v1/claims) and see every lookup of "
               "it, with your key's name and stated purpose (GET /v1/me/access-log).",
        "contest": "The full breakdown lets the person check every input; a claimed person "
                   "can declare further accounts (PUT /v1/me/links).",
        "opt_out": "A claimed person can opt out at any time (POST /v1/me/opt-out); it takes "
                   "effect everywhere at once.",
    },
    "documentation": "/docs",
}


def blocked_status(database: Database, subject: str, visibility: str) -> str | None:
    """``opted_out`` / ``not_claimed`` when the subject must not be shown, else None."""
    with database.session() as session:
        if optouts.is_opted_out(session, subject):
            return "opted_out"
        if visibility == "claimed-only" and not claims.is_claimed(session, subject):
            return "not_claimed"
    return None


def result(subject: str, role: str, accounts: tuple[str, ...], status: str,
           report: dict | None) -> dict[str, Any]:
    """One recruiter-facing result. ``report`` is None when nothing may be shown."""
    if report is not None and report.get("status") == "opted_out":
        status, report = "opted_out", None
    return {"subject": subject, "role": role, "accounts": list(accounts), "status": status,
            "report": report, "notice": NOTICE}


def fresh_result(reports: Any, subject: str, role: str,
                 accounts: tuple[str, ...]) -> dict[str, Any] | None:
    """The result from a fresh cache entry, or None (cache down counts as not fresh)."""
    from service.cache import CacheUnavailable

    try:
        env = reports.cache.get(cache_key(subject, role, accounts))
    except CacheUnavailable:
        return None
    if env is None or not env.is_fresh():
        return None
    report = json.loads(env.report)
    return result(subject, role, accounts, report["status"], report)


def hide_opted_out(database: Database, results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Stored results of subjects who opted out since: answered ``opted_out``, no data. A
    stored result holding an account that opted out since is withdrawn (no data): look the
    subject up again to get a report without it."""
    held = {r["subject"]: _held(r) for r in results}
    every = set(held) | {a for accounts in held.values() for a in accounts}
    if not every:
        return results
    with database.session() as session:
        gone = optouts.blocked(session, every)
    out = []
    for r in results:
        if r["subject"] in gone:
            out.append(result(r["subject"], r["role"], tuple(r["accounts"]), "opted_out", None))
        elif held[r["subject"]] & gone:
            out.append(result(r["subject"], r["role"], tuple(r["accounts"]), "withdrawn", None))
        else:
            out.append(r)
    return out


def _held(r: dict[str, Any]) -> set[str]:
    report = r.get("report") or {}
    return {n["account"] for n in report.get("networks") or [] if n.get("account")}


def fetched_accounts(result_: dict[str, Any]) -> list[str]:
    """Every account this result's look-up fetched: the subject and each account listed in
    its report (counted or not: an unverified one was fetched to check its backlink)."""
    report = result_.get("report") or {}
    accounts = {result_["subject"]}
    accounts |= {n["account"] for n in report.get("networks") or []
                 if n.get("account") and n.get("status") != "not_configured"}
    return sorted(accounts)


def record_audit(session: Any, *, key_id: int | None, result_: dict[str, Any],
                 purpose: str | None) -> None:
    """The look-up goes into the access log of *every* person whose account it fetched,
    not only the subject's: one entry per fetched account."""
    from service.store import audit

    for account in fetched_accounts(result_):
        status = (result_["status"] if account == result_["subject"]
                  else audit.FETCHED_FOR_ANOTHER)
        audit.record(session, key_id=key_id, subject=account, role=result_["role"],
                     purpose=purpose, status=status)
