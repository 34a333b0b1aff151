"""The candidate self-check: a person's own report with improvement tips.

Shared by the page (``GET /check``) and its JSON twin (``POST /v1/self-checks``). Unlike the
recruiter-facing report it is computed fresh (tips need the model inputs, which the cache
does not keep) and it never writes a snapshot: the person is looking, not being looked up.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from service import scoring
from service.config import Settings
from service.lookup import fetch_inputs, normalize_account
from service.networks import NETWORKS, links
from service.networks.base import UnknownNetwork
from service.scoring.tips import tips_for
from service.store import optouts, snapshots
from service.store.db import Database
from service.upstream import Upstream
from service.web import whatif
from service.web.badges import badge_from_report
from service.web.reports import opted_out_report

log = logging.getLogger("candor.selfcheck")

MAX_ACCOUNTS = 20
MAX_INPUT_CHARS = 4000


class AccountError(ValueError):
    """One typed account that is not usable; ``text`` is what the person typed."""

    def __init__(self, text: str, message: str):
        super().__init__(message)
        self.text = text
        self.message = message


@dataclass
class SelfCheck:
    report: dict  # the full report, ``tips`` filled
    badge: dict  # exactly what a recruiter's hover card would show for this report
    accounts: list[str]  # the accounts the check ran on, primary first
    published: list[dict] = field(default_factory=list)  # links on the primary profile
    history: list[dict] = field(default_factory=list)
    profile: dict | None = None  # name and bio of the primary profile ("is this you?")
    # What-if: the id under which the fetched inputs are kept for a while, and the values
    # the form shows (None when the cache could not keep them).
    check_id: str | None = None
    editable: list[dict] = field(default_factory=list)
    unverified: list[dict] = field(default_factory=list)  # not counted, with how to verify


def split_accounts(text: str) -> list[str]:
    """Accounts typed one per line, or separated by commas or spaces."""
    return [part for part in re.split(r"[\s,]+", text[:MAX_INPUT_CHARS]) if part]


def to_account(text: str, settings: Settings) -> str:
    """``network:handle`` for an account or a pasted profile URL; raises AccountError."""
    raw = text.strip()
    candidate = raw
    head = raw.split("/", 1)[0]
    if "://" in raw or ("/" in raw and "." in head and ":" not in head):
        candidate = links.account_from_url(raw, provider="mastodon") or ""
        if candidate.startswith("linkedin:"):
            raise AccountError(raw, "LinkedIn offers no public data, so Candor cannot read it. "
                               "Claim your profile to show a score on your LinkedIn page.")
        if not candidate:
            raise AccountError(raw, f"{raw[:80]!r} is not a profile URL on a network Candor "
                               "reads (GitHub, GitLab, Stack Overflow, Mastodon, Bluesky, "
                               "Hacker News, dev.to, ORCID, YouTube, X).")
    if ":" not in candidate:
        raise AccountError(raw, f"{raw[:80]!r} does not name a network: write it as "
                           "network:handle (for example github:octocat) or paste a profile URL.")
    try:
        return normalize_account(candidate, settings)
    except UnknownNetwork as exc:
        raise AccountError(raw, f"Candor does not read a network called {exc.network[:40]!r}. "
                           f"Networks: {', '.join(NETWORKS)}.") from exc
    except ValueError as exc:
        raise AccountError(raw, f"{raw[:80]!r}: {exc}") from exc


def normalize_all(texts: list[str], settings: Settings) -> list[str]:
    """Every account normalized and de-duplicated (first kept); raises AccountError."""
    if not texts:
        raise AccountError("", "Enter at least one account, such as github:octocat, or a "
                           "profile URL.")
    if len(texts) > MAX_ACCOUNTS:
        raise AccountError("", f"At most {MAX_ACCOUNTS} accounts at once.")
    out: list[str] = []
    for text in texts:
        account = to_account(text, settings)
        if account not in out:
            out.append(account)
    return out


def run(accounts: list[str], role: str, *, discover: bool, settings: Settings,
        upstream: Upstream, database: Database, base_url: str,
        now: datetime | None = None, cache_backend=None) -> SelfCheck:
    """Fetch, score and compute tips. ``accounts`` are normalized, primary first."""
    if role not in scoring.ROLES:
        raise AccountError(role, f"unknown role {role[:40]!r}; one of {', '.join(scoring.ROLES)}")
    now = now or datetime.now(UTC).replace(microsecond=0)
    primary = accounts[0]
    if _opted_out(database, primary):
        report = opted_out_report(primary, role)
        return SelfCheck(report, badge_from_report(report, base_url), [primary])
    from service.lookup import OptedOut
    from service.store.registry import StoreRegistry

    withheld: list[scoring.NetworkInput] = []
    try:  # opt-outs hold here too, for every account and alias (never fetched or shown)
        primary, inputs = fetch_inputs(primary, accounts=accounts[1:], settings=settings,
                                       upstream=upstream, now=now, discover=discover,
                                       registry=StoreRegistry(database), withheld=withheld)
    except OptedOut:
        report = opted_out_report(primary, role)
        return SelfCheck(report, badge_from_report(report, base_url), [primary])
    report = scoring.build_report(primary, role, inputs, now=now)
    report["tips"] = tips_for(primary, role, inputs, now=now, withheld=withheld)
    check_id = (whatif.save(cache_backend, primary, role, inputs, now)
                if cache_backend is not None and report["status"] == "scored" else None)
    return SelfCheck(
        report=report,
        badge=badge_from_report(report, base_url),
        accounts=[n.account for n in inputs],
        published=_published(inputs, settings),
        history=_history(database, primary, role),
        profile=_profile(inputs),
        unverified=unverified(report),
        check_id=check_id,
        editable=whatif.editable(report) if check_id else [],
    )


def unverified(report: dict) -> list[dict]:
    """Accounts not counted because they are not verified to be the person's, with how to
    verify each (the self-check shows them so the person can fix it)."""
    return [{"account": n["account"], "linked_by": n["linked_by"],
             "how_to_verify": n.get("how_to_verify")}
            for n in report.get("networks") or [] if n.get("status") == "unverified"]


def _profile(inputs: list[scoring.NetworkInput]) -> dict | None:
    """Public name and bio of the primary profile: attacker-controlled text, shown escaped
    and never in the JSON report (which carries no profile text)."""
    primary = next((n for n in inputs if n.linked_by == "primary" and n.data), None)
    if primary is None:
        return None
    return {"account": primary.account, "name": (primary.data.display_name or "")[:200],
            "bio": (primary.data.bio or "")[:500]}


def _published(inputs: list[scoring.NetworkInput], settings: Settings) -> list[dict]:
    """Accounts the person published on the primary profile, with where, so they can confirm
    or remove them. Links to networks Candor does not read are listed as not scored."""
    primary = next((n for n in inputs if n.linked_by == "primary"), None)
    if primary is None or primary.data is None:
        return []
    out, seen = [], set()
    for link in primary.data.links:
        try:
            account = normalize_account(link.account, settings)
            scored = True
        except ValueError:
            account, scored = link.account, False
        if account in seen:
            continue
        seen.add(account)
        out.append({"account": account, "linked_by": link.linked_by,
                    "on": primary.account, "scored": scored})
    return out


def _opted_out(database: Database, subject: str) -> bool:
    with database.session() as session:
        return optouts.is_opted_out(session, subject)


def _history(database: Database, subject: str, role: str) -> list[dict]:
    """Stored daily snapshots; a history that cannot be read is left out, not an error."""
    try:
        with database.session() as session:
            return snapshots.history(session, subject, role)
    except Exception:  # the database is optional for the page to be useful
        log.warning("history unavailable for %s", subject, exc_info=True)
        return []
