"""Cache keys: ``candor:v1:<subject>:<role>:<accounts hash>``.

The subject is the ``network:handle`` the report is about. Everything cached for one subject
(every role, every set of extra linked accounts) is found through the subject, which is what
opt-out needs; the backends keep a per-subject index (Redis set / one directory per subject).
Connectors do the real handle validation; here we only fold case where the network itself is
case-insensitive, so ``github:Octocat`` and ``github:octocat`` share one entry.
"""

from __future__ import annotations

import hashlib
import re

PREFIX = "candor:v1:"
NO_ACCOUNTS = "-"

# Networks whose identifiers are case-sensitive (HN user ids, YouTube channel ids, OpenAlex ids).
_CASE_SENSITIVE = frozenset({"hackernews", "youtube", "openalex"})
_NETWORK = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
_ROLE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
_BAD_HANDLE = re.compile(r"[\s\x00-\x1f\x7f]")


def normalize_subject(subject: str) -> str:
    """``network:handle`` with the network lower-cased and the handle case-folded if allowed."""
    network, sep, handle = subject.strip().partition(":")
    network = network.lower()
    handle = handle.strip()
    if not sep or not _NETWORK.match(network) or not handle or _BAD_HANDLE.search(handle):
        raise ValueError(f"not a network:handle subject: {subject!r}")
    if network == "mastodon":
        handle = handle.lstrip("@")
    if network not in _CASE_SENSITIVE:
        handle = handle.lower()
    return f"{network}:{handle}"


def cache_key(subject: str, role: str, accounts: tuple[str, ...] = ()) -> str:
    """The key for one report variant; ``accounts`` are extra linked accounts (any order)."""
    role = role.strip().lower()
    if not _ROLE.match(role):
        raise ValueError(f"bad role: {role!r}")
    extra = sorted({normalize_subject(a) for a in accounts})
    tail = hashlib.sha256("\n".join(extra).encode()).hexdigest()[:16] if extra else NO_ACCOUNTS
    return f"{PREFIX}{normalize_subject(subject)}:{role}:{tail}"


def subject_of(key: str) -> str:
    """The subject part of a key made by :func:`cache_key`."""
    if not key.startswith(PREFIX):
        raise ValueError(f"not a report cache key: {key!r}")
    subject, _role, _tail = key[len(PREFIX) :].rsplit(":", 2)
    return subject
