"""The contract every connector fulfils: one network's JSON in, normalized evidence out.

A connector validates a handle with the network's real syntax, fetches with the fewest
calls through :mod:`service.upstream`, and returns a :class:`NetworkData`. It knows nothing
about scoring: it reports *observations* named after the signal catalogue in
``service/scoring/data/signals.json``; the model decides what they are worth.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from service.config import Settings
    from service.upstream import Upstream


class InvalidHandle(ValueError):
    """The handle does not match the network's syntax; raised before any request."""

    def __init__(self, network: str, handle: str, reason: str):
        super().__init__(f"invalid {network} handle {handle[:80]!r}: {reason}")
        self.network = network
        self.handle = handle
        self.reason = reason


class UnknownNetwork(ValueError):
    def __init__(self, network: str):
        super().__init__(f"unknown network {network[:40]!r}")
        self.network = network


# Profile states a connector can report. "found" is the only one that carries evidence.
STATUSES = ("found", "not_found", "suspended", "deactivated", "hidden", "not_configured")


@dataclass(frozen=True)
class Observation:
    """One piece of public evidence.

    ``signal`` names an entry of the signal catalogue for this network. ``at`` is the ISO
    date of the event for signals the model decays by age; ``None`` for levels (followers,
    reputation). ``item`` identifies the repo/post/answer it belongs to so the model can cap
    any single item's share. ``own`` marks activity on the person's own items
    (self-dealing), which the model excludes where the catalogue says so.
    """

    signal: str
    value: float
    at: str | None = None
    item: str | None = None
    own: bool = False


@dataclass(frozen=True)
class LinkedAccount:
    account: str  # "network:handle"
    linked_by: str  # e.g. "github social_accounts", "mastodon verified field", "given"
    # True only when the *network itself* verified that the link belongs to this profile
    # (a Mastodon field with ``verified_at``: a rel=me backlink was checked; a dev.to
    # ``github_username`` filled from a connected GitHub sign-in). A link the person merely
    # typed is False: it counts only when the other side links back (see service/lookup.py).
    verified: bool = False


@dataclass
class NetworkData:
    network: str
    handle: str
    status: str = "found"
    display_name: str | None = None
    profile_url: str | None = None
    bio: str | None = None  # public profile text (claim codes are checked against it)
    created_at: str | None = None  # ISO 8601 date-time of account creation
    observations: list[Observation] = field(default_factory=list)
    topics: dict[str, float] = field(default_factory=dict)  # topic -> engagement it drew
    flags: list[str] = field(default_factory=list)  # bot, moved, limited, suspended, ...
    links: list[LinkedAccount] = field(default_factory=list)
    partial: list[str] = field(default_factory=list)  # calls that failed; report is partial
    # Signals that could not be measured because a call in ``partial`` failed. Every other
    # catalogue signal the network answered is *measured*: a connector emits it with value 0
    # when the answer was empty, so "no observation" never stands for "zero".
    unobserved: list[str] = field(default_factory=list)
    # Public organisations the person belongs to (GitHub ``/users/{u}/orgs``); activity in
    # their repositories counts as the person's own (``Observation.own``).
    member_of: list[str] = field(default_factory=list)
    # Days of history a signal's observations cover, when the network's API caps it below
    # the model's default year (GitHub REST: the events timeline keeps only 30 days, so
    # ``active_weeks``/``reviews``/``external_issues`` from REST cover 30, not 365). The
    # model calibrates and the report names the window from this; absent = a full year.
    windows: dict[str, int] = field(default_factory=dict)
    # Engagement-ring evidence where the network lists who reacted (Bluesky getLikes,
    # Mastodon favourited_by), sampled within the call budget: reactor id -> number of
    # sampled items that reactor engaged with, and how many reactions were sampled in all.
    reactors: dict[str, int] = field(default_factory=dict)
    reactions_sampled: int = 0
    fetched_at: str = field(default_factory=lambda: utcnow_iso())


def utcnow_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def window_start(now: datetime, days: int) -> datetime:
    """Midnight UTC on the day ``days`` before ``now``: the lower bound a connector puts in a
    URL for "the last N days". A bound to the second makes every call a new URL, which the
    upstream client can never revalidate (no stored ETag for it); a whole day keeps the URL
    the same all day. Connectors that see item dates drop the extra hours themselves."""
    return (now.astimezone(UTC) - timedelta(days=days)).replace(
        hour=0, minute=0, second=0, microsecond=0)


class Connector:
    """Base class: subclasses set ``network`` and implement ``validate`` and ``fetch``."""

    network: ClassVar[str]
    # Credential key in Settings.credentials that must be set, or None for keyless networks.
    required_credential: ClassVar[str | None] = None

    def __init__(self, settings: Settings, upstream: Upstream):
        self.settings = settings
        self.upstream = upstream

    def configured(self) -> bool:
        key = self.required_credential
        return key is None or bool(self.settings.credentials.get(key))

    def validate(self, handle: str) -> str:
        """Return the normalized handle or raise :class:`InvalidHandle`. No I/O."""
        raise NotImplementedError

    def fetch(self, handle: str, *, now: datetime) -> NetworkData:
        """Fetch public data for a validated handle. Upstream errors propagate as
        :class:`service.upstream.UpstreamError`; a missing profile is ``status='not_found'``."""
        raise NotImplementedError

    # How many handles one upstream request can carry in ``fetch_many`` (1: no batching).
    batch_size: ClassVar[int] = 1

    def fetch_many(self, handles: list[str], *,
                   now: datetime) -> dict[str, NetworkData | Exception]:
        """Fetch several validated handles, in as few upstream requests as the network
        allows (Stack Exchange ``/users/{ids}``, Bluesky ``getProfiles``, GitHub GraphQL
        aliases). Each handle maps to its data, or to the UpstreamError that failed it.
        The default fetches one by one."""
        out: dict[str, NetworkData | Exception] = {}
        for handle in handles:
            try:
                out[handle] = self.fetch(handle, now=now)
            except Exception as exc:  # noqa: BLE001 - per-handle failure is the contract
                out[handle] = exc
        return out

    def profile_text(self, handle: str) -> str:
        """Public profile text used to verify claims (bio, about-me, fields)."""
        data = self.fetch(handle, now=datetime.now(UTC))
        return data.bio or ""
