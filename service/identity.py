"""Verified identity: an account counts towards a subject only when Candor can show it is
the same person.

Accepted proofs, in the order they are checked (the report names the one that held, in
``verified_by``):

1. **Claim**: the account was proven with the same claim token as the subject (a linked
   claim, ``POST /v1/claims`` with the subject's token as Bearer).
2. **Verified by the network**: a link the other network itself checked: a Mastodon profile
   field with ``verified_at`` (the instance found a rel=me backlink), a dev.to
   ``github_username``/``twitter_username`` (Forem fills them only from a connected sign-in;
   see ``service/networks/devto.py``).
3. **Two-sided link**: the subject's profile links to the account *and* the account's
   profile links back to the subject (GitHub social accounts → Bluesky, and the Bluesky
   description → ``github.com/<login>``).

A one-sided link, a shared blog domain (either side can type any domain), an account the
caller merely passed in ``accounts=``, or one the claim owner only declared is *not counted*:
it is listed with status ``unverified`` and ``how_to_verify`` (which backlink to publish,
where). Its data is never scored, shown or stored.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from service import scoring
from service.config import Settings
from service.networks import validate_account
from service.networks.links import ALIAS, profile_url

BY_CLAIM = "proven with the same claim token"
DECLARED = "declared by the claimed owner"
PRIMARY = "primary"

# Where a person publishes a link to another profile, per network, so that Candor reads it.
WHERE_LINK = {
    "github": "the social accounts of the GitHub profile (Settings, Public profile, Social "
              "accounts)",
    "bluesky": "the Bluesky profile description",
    "mastodon": "a Mastodon profile field, with a rel=\"me\" link back on the linked page so "
                "the instance verifies it",
    "devto": "dev.to by connecting that sign-in (Settings, Account); a typed link is not "
             "verified",
    "stackoverflow": "the website field of the Stack Overflow profile",
    "gitlab": "the website or social fields of the GitLab profile",
}
CLAIMABLE = ("github", "gitlab", "stackoverflow", "mastodon", "bluesky", "devto")


def _norm(account: str, settings: Settings) -> str | None:
    try:
        network, handle = validate_account(account, settings)
    except ValueError:
        return None
    return f"{network}:{handle}"


def aliases(inputs: Iterable[scoring.NetworkInput]) -> list[tuple[str, str]]:
    """(alias, account) pairs the networks reported in this lookup."""
    out = []
    for n in inputs:
        for link in (n.data.links if n.data else []):
            if link.linked_by == ALIAS and link.account != n.account:
                out.append((link.account, n.account))
    return out


def drop_alias_links(inputs: Iterable[scoring.NetworkInput]) -> None:
    """Alias links are recorded, then removed: nothing downstream (tips, the self-check's
    published links) should take an account's other name for a second account."""
    for n in inputs:
        if n.data is not None:
            n.data.links = [lk for lk in n.data.links if lk.linked_by != ALIAS]


def drop_links_to(inputs: Iterable[scoring.NetworkInput], gone: set[str],
                  settings: Settings) -> None:
    """Remove links to opted-out accounts from every fetched profile."""
    if not gone:
        return
    for n in inputs:
        if n.data is not None:
            n.data.links = [lk for lk in n.data.links
                            if lk.account not in gone and _norm(lk.account, settings) not in gone]


def names_of(account: str, pairs: list[tuple[str, str]]) -> set[str]:
    """``account`` and every name paired with it in this lookup."""
    names = {account}
    for alias, other in pairs:
        if alias in names or other in names:
            names |= {alias, other}
    return names


def _links_to(data, names: set[str], settings: Settings) -> list:
    out = []
    for link in (data.links if data else []):
        if link.linked_by == ALIAS:
            continue
        account = link.account if link.account in names else _norm(link.account, settings)
        if account in names:
            out.append(link)
    return out


def how_to_verify(primary: str, account: str, forward: bool, backward: bool) -> str:
    """What the person does so that ``account`` counts for ``primary``."""
    net, pnet = account.split(":", 1)[0], primary.split(":", 1)[0]
    back = (f"publish {profile_url(primary)} in {WHERE_LINK[net]}" if net in WHERE_LINK
            else None)
    fwd = (f"publish {profile_url(account)} in {WHERE_LINK[pnet]}" if pnet in WHERE_LINK
           else None)
    steps = []
    if forward and back:
        steps.append(f"{primary} links to it; to link back, {back}")
    elif backward and fwd:
        steps.append(f"it links to {primary}; to link there too, {fwd}")
    elif back and fwd:
        steps.append(f"link both ways: {fwd}, and {back}")
    if net in CLAIMABLE:
        steps.append(f"or claim {account} with the claim token of {primary} (POST /v1/claims "
                     "with that token as Bearer)")
    if not steps:
        return (f"{net} offers no link Candor can check and no claim, so it cannot be "
                f"verified to be the same person as {primary}")
    return "; ".join(steps)


def verify(primary: str, inputs: list[scoring.NetworkInput], proven: set[str],
           pairs: list[tuple[str, str]], settings: Settings,
           withheld: list[scoring.NetworkInput] | None = None) -> list[scoring.NetworkInput]:
    """Every input with ``verified_by`` set, or turned into an "unverified" row (no data).
    ``withheld``, when given, receives the unverified rows *with* their data: only the
    self-check's tips use it, to estimate the gain once the account is verified."""
    head = next((n for n in inputs if n.linked_by == PRIMARY), None)
    pnames = names_of(primary, pairs)
    out = []
    for n in inputs:
        if n is head:
            out.append(dataclasses.replace(n, verified_by=PRIMARY))
            continue
        names = names_of(n.account, pairs)
        forward = _links_to(head.data if head else None, names, settings)
        backward = _links_to(n.data, pnames, settings)
        verified_by = None
        if names & proven:
            verified_by = "claim: " + BY_CLAIM
        elif any(link.verified for link in forward + backward):
            link = next(lk for lk in forward + backward if lk.verified)
            verified_by = f"verified by the network: {link.linked_by}"
        elif forward and backward:
            verified_by = (f"two-sided link: {forward[0].linked_by}, and back "
                           f"({backward[0].linked_by})")
        if verified_by is not None:
            out.append(dataclasses.replace(n, verified_by=verified_by))
        elif n.status == "found" or (n.status == "failed" and not forward):
            # Not the same person as far as Candor can show: nothing of it is counted. A
            # failed fetch of a link the subject published stays "failed" (it might verify).
            net = n.network
            row = dataclasses.replace(
                n, data=None, status="unverified", reason=None,
                how_to_verify=how_to_verify(primary, n.account, bool(forward), bool(backward)),
                verifiable=net in CLAIMABLE or (
                    net in WHERE_LINK and primary.split(":", 1)[0] in WHERE_LINK))
            out.append(row)
            if withheld is not None and n.data is not None:
                withheld.append(dataclasses.replace(row, data=n.data))
        else:
            out.append(n)  # not found / not configured: nothing to count either way
    return out
