"""Mastodon (any instance): account lookup and recent original posts on the home instance.

Two calls: ``/api/v1/accounts/lookup?acct=`` then ``/api/v1/accounts/:id/statuses``, then
``/api/v1/statuses/:id/favourited_by`` on the three most-favourited posts (the engagement-ring
sample, issue 10.4: who favourited, not only how many). The
instance comes from the handle, so it is attacker-chosen: :meth:`Connector.validate`
parses it strictly and every request passes ``user_host=True`` so
:mod:`service.upstream` applies its SSRF guard.

Also home to two helpers other social connectors share: :func:`html_to_text` and
:func:`account_from_url`.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from statistics import median
from typing import Any

import idna

from service.networks import base, links
from service.networks.base import InvalidHandle, LinkedAccount, NetworkData, Observation
from service.upstream import UpstreamError

USER_RE = re.compile(r"^[a-z0-9_.-]{1,64}$")
LABEL_RE = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
# A real TLD is letters or punycode; this alone rules out every numeric IP spelling.
TLD_RE = re.compile(r"^([a-z]{2,63}|xn--[a-z0-9-]{1,59})$")
BLOCKED_SUFFIXES = (".local", ".internal", ".arpa", ".localhost", ".invalid", ".onion")
RECENT_DAYS = 90
ENGAGEMENT_DAYS = 365
STATUSES_PAGE = 40  # the API maximum: one call covers most people's last 90 days
# Engagement-ring sample: one favourited_by page (80 accounts, the API maximum) on each of the
# most-favourited posts; three calls keep the cost within an instance's 300 per 5 minutes.
RING_POSTS = 3
FAVOURITED_PAGE = 80


class Connector(base.Connector):
    network = "mastodon"

    def validate(self, handle: str) -> str:
        raw = handle if isinstance(handle, str) else ""
        text = raw.strip()
        text = text.removeprefix("@")
        user, sep, host = text.rpartition("@")
        if not sep or not user or not host:
            raise InvalidHandle(self.network, raw, "expected user@instance")
        user = user.lower()
        if not USER_RE.match(user):
            raise InvalidHandle(self.network, raw, "bad user name")
        # Test-only escape hatch: the fake instance is 127.0.0.1:PORT.
        if host.lower() in self.settings.allow_hosts:
            return f"{user}@{host.lower()}"
        return f"{user}@{normalize_domain(host, self.network, raw)}"

    def fetch(self, handle: str, *, now: datetime) -> NetworkData:
        user, _, instance = handle.partition("@")
        root = f"{self.settings.mastodon_scheme}://{instance}"
        data = NetworkData(self.network, handle, profile_url=f"{root}/@{user}")
        resp = self.upstream.get(f"{root}/api/v1/accounts/lookup", network=self.network,
                                 params={"acct": user}, user_host=True)
        if resp.status == 404:
            data.status = "not_found"
            return data
        if resp.status == 401:
            # Secure/limited-federation mode: the instance hides its API from anonymous readers.
            data.status = "hidden"
            data.flags.append("secure_mode")
            return data
        if resp.status == 410:  # Mastodon 2.4-3.3 answered suspended accounts with Gone
            data.status = "suspended"
            data.flags.append("suspended")
            return data
        if resp.status != 200:
            raise UpstreamError("upstream_error", f"mastodon lookup answered {resp.status}",
                                status=resp.status)
        account = resp.json()
        if not isinstance(account, dict) or not account.get("id"):
            raise UpstreamError("bad_response", "mastodon lookup returned no account")
        self._profile(data, account, instance, now)
        if account.get("suspended"):
            # Suspended accounts come back as 200 with zeroed counts: no evidence at all.
            data.status = "suspended"
            return data
        data.observations += [
            Observation("followers", float(account.get("followers_count") or 0)),
            Observation("following", float(account.get("following_count") or 0)),
        ]
        try:
            self._statuses(data, root, str(account["id"]), now)
        except UpstreamError as exc:
            if not secondary_failed(exc):
                raise
            data.partial.append("statuses")
            data.unobserved += [s for s in ("posts_recent", "engagement_per_post")
                                if s not in {o.signal for o in data.observations}]
        return data

    def _profile(self, data: NetworkData, account: dict, instance: str, now: datetime) -> None:
        data.display_name = (account.get("display_name") or account.get("username") or None)
        note = html_to_text(account.get("note") or "")
        field_lines = []
        for f in account.get("fields") or []:
            if not isinstance(f, dict):
                continue
            name, value = str(f.get("name") or ""), str(f.get("value") or "")
            field_lines.append(f"{name}: {html_to_text(value)}")
            if f.get("verified_at"):
                # The instance checked a rel=me backlink from that page to this profile.
                for url in hrefs(value):
                    linked = account_from_url(url)
                    if linked and linked != f"mastodon:{data.handle}":
                        data.links.append(LinkedAccount(linked, "mastodon verified field",
                                                        verified=True))
        data.bio = "\n".join(x for x in [note, *field_lines] if x) or None
        created = parse_time(account.get("created_at"))
        if created:
            data.created_at = iso(created)
            data.observations.append(Observation("account_age_days", age_days(created, now)))
        for flag in ("bot", "suspended", "limited", "memorial"):
            if account.get(flag):
                data.flags.append(flag)
        moved = account.get("moved")
        if isinstance(moved, dict):
            data.flags.append("moved")
            acct = str(moved.get("acct") or "")
            target = acct if "@" in acct else f"{acct}@{instance}"
            if acct:
                data.links.append(LinkedAccount(f"mastodon:{target.lower()}", "mastodon moved to"))

    def _statuses(self, data: NetworkData, root: str, account_id: str, now: datetime) -> None:
        resp = self.upstream.get(
            f"{root}/api/v1/accounts/{account_id}/statuses", network=self.network,
            params={"limit": STATUSES_PAGE, "exclude_reblogs": "true", "exclude_replies": "true"},
            user_host=True)
        if resp.status != 200 or not isinstance(body := resp.json(), list):
            data.partial.append("statuses")
            data.unobserved += ["posts_recent", "engagement_per_post"]
            return
        recent = 0
        engagements: list[float] = []
        favourited: list[tuple[int, str]] = []  # (favourites_count, status id) for the sample
        for status in body:
            if not isinstance(status, dict) or status.get("reblog"):
                continue  # boosts are someone else's work; servers may ignore exclude_reblogs
            if status.get("in_reply_to_account_id") not in (None, account_id):
                continue  # replies to others are conversation, not posts
            if status.get("visibility") not in ("public", "unlisted", None):
                continue
            created = parse_time(status.get("created_at"))
            if created is None:
                continue
            if created >= now - timedelta(days=RECENT_DAYS):
                recent += 1
            if created < now - timedelta(days=ENGAGEMENT_DAYS):
                continue
            score = sum(int(status.get(k) or 0)
                        for k in ("reblogs_count", "favourites_count", "replies_count"))
            engagements.append(float(score))
            if int(status.get("favourites_count") or 0) > 0 and status.get("id"):
                favourited.append((int(status["favourites_count"]), str(status["id"])))
            # One observation per post: the model takes a statistic one more post can never
            # lower (an h-index), which a median of these values is not.
            data.observations.append(Observation(
                "post_engagement", float(score), at=created.date().isoformat(),
                item=str(status.get("id") or "") or None))
            if score > 0:
                for tag in status.get("tags") or []:
                    name = str(tag.get("name") or "").lower() if isinstance(tag, dict) else ""
                    if name:
                        data.topics[name] = data.topics.get(name, 0.0) + score
        data.observations.append(Observation("posts_recent", float(recent)))
        # Measured: no posts in the window is zero engagement, not a gap.
        data.observations.append(Observation(
            "engagement_per_post", median(engagements) if engagements else 0.0))
        top = [sid for _, sid in sorted(favourited, reverse=True)[:RING_POSTS]]
        self._favouriters(data, root, top)

    def _favouriters(self, data: NetworkData, root: str, status_ids: list[str]) -> None:
        """Who favourited the sampled posts: ``user@instance`` -> sampled posts favourited."""
        instance = data.handle.partition("@")[2]
        for sid in status_ids:
            try:
                resp = self.upstream.get(f"{root}/api/v1/statuses/{sid}/favourited_by",
                                         network=self.network, user_host=True,
                                         params={"limit": FAVOURITED_PAGE})
            except UpstreamError as exc:
                if exc.kind == "deadline":
                    raise
                resp = None
            body = resp.json() if resp is not None and resp.status == 200 else None
            if not isinstance(body, list):
                if "favourites" not in data.partial:
                    data.partial.append("favourites")  # the ring check is incomplete
                continue
            seen: set[str] = set()
            for account in body:
                acct = str(account.get("acct") or "").lower() if isinstance(account, dict) else ""
                if not acct:
                    continue
                # acct is "user" for the instance's own accounts, "user@host" for remote ones.
                key = acct if "@" in acct else f"{acct}@{instance}"
                if key not in seen:
                    seen.add(key)
                    data.reactors[key] = data.reactors.get(key, 0) + 1
            data.reactions_sampled += len(seen)


def secondary_failed(exc: UpstreamError) -> bool:
    """A secondary call's failure makes the report partial; a deadline or a spent quota is
    the whole network's state and propagates (with its reset time)."""
    return exc.kind not in ("deadline", "rate_limited")


def normalize_domain(host: str, network: str, raw: str) -> str:
    """IDNA-encode, lowercase and check a user-chosen host name (no IPs, ports, paths)."""
    if any(c in host for c in ":/[]\\?#%@") or host.endswith("."):
        raise InvalidHandle(network, raw, "instance must be a plain domain name")
    try:
        domain = idna.encode(host, uts46=True).decode("ascii").lower()
    except idna.IDNAError as exc:
        raise InvalidHandle(network, raw, "instance is not a valid domain name") from exc
    labels = domain.split(".")
    if (len(domain) > 253 or len(labels) < 2 or not all(LABEL_RE.match(x) for x in labels)
            or not TLD_RE.match(labels[-1])):
        raise InvalidHandle(network, raw, "instance is not a public domain name")
    if domain == "localhost" or domain.endswith(BLOCKED_SUFFIXES):
        raise InvalidHandle(network, raw, "instance is not a public domain name")
    return domain


def parse_time(value: Any) -> datetime | None:
    """ISO 8601 (with ``Z``) to an aware datetime; None for anything else."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def age_days(created: datetime, now: datetime) -> float:
    return float(max(0, (now - created).days))


class _TextExtractor(HTMLParser):
    SKIP = {"script", "style", "template", "iframe", "object"}
    BREAKS = {"br", "p", "div", "li"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hrefs: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skipping += 1
        elif tag in self.BREAKS:
            self.parts.append("\n")
        if tag == "a":
            self.hrefs += [v for k, v in attrs if k == "href" and v]

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def _parse(markup: str) -> _TextExtractor:
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    return parser


def html_to_text(markup: str) -> str:
    """Visible text of an HTML fragment: tags dropped, script/style contents dropped."""
    text = "".join(_parse(markup).parts)
    lines = (" ".join(line.split()) for line in html.unescape(text).splitlines())
    return "\n".join(line for line in lines if line).strip()


def hrefs(markup: str) -> list[str]:
    return _parse(markup).hrefs


def account_from_url(url: str) -> str | None:
    """A verified Mastodon field's URL as ``network:handle``; ``https://host/@user`` counts
    as a fediverse account here because the field sits on a fediverse profile."""
    return links.account_from_url(url, provider="mastodon")
