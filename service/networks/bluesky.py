"""Bluesky through the public AppView: ``getProfile`` then one page of ``getAuthorFeed``,
then ``getLikes`` on the few most-liked posts (engagement-ring sample, issue 10.4).

:meth:`Connector.fetch_many` reads up to 25 profiles with one ``getProfiles`` call (the
lexicon's ``maxLength``); an actor missing from its answer is asked again alone, because
``getProfiles`` silently drops missing, suspended and deactivated accounts alike.

Errors come back as HTTP 400 ``{"error": ..., "message": ...}``: ``InvalidRequest``
("Profile not found") is a missing account, ``AccountTakedown`` a suspension,
``AccountDeactivated`` a deactivated account (the error names of the
``app.bsky.actor.getProfile`` lexicon).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from statistics import median

from service.networks import base, batch, links
from service.networks.base import InvalidHandle, LinkedAccount, NetworkData, Observation
from service.networks.mastodon import age_days, iso, parse_time, secondary_failed
from service.upstream import UpstreamError

# atproto handle syntax: ASCII labels, at least two, TLD not starting with a digit.
HANDLE_RE = re.compile(
    r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$")
DID_PLC_RE = re.compile(r"^did:plc:[a-z2-7]{24}$")
# TLDs the atproto spec disallows for handles (they never resolve publicly).
BAD_TLDS = {"alt", "arpa", "example", "internal", "invalid", "local", "localhost", "onion"}
RECENT_DAYS = 90
ENGAGEMENT_DAYS = 365
FEED_PAGE = 100  # the API maximum
PROFILES_BATCH = 25  # app.bsky.actor.getProfiles: actors maxLength 25
# Engagement-ring sample: likers of the most-liked posts, one getLikes page each. Three
# calls bound the cost; the most-liked posts are where bought or ring likes would matter.
RING_POSTS = 3
LIKES_PAGE = 100  # app.bsky.feed.getLikes: limit maximum
STATUS_FOR_ERROR = {
    "InvalidRequest": "not_found",  # "Profile not found"
    "AccountTakedown": "suspended",
    "AccountDeactivated": "deactivated",
}


class Connector(base.Connector):
    network = "bluesky"
    batch_size = PROFILES_BATCH

    def validate(self, handle: str) -> str:
        raw = handle if isinstance(handle, str) else ""
        text = raw.strip().removeprefix("@").lower()
        if text.startswith("did:"):
            if not DID_PLC_RE.match(text):
                raise InvalidHandle(self.network, raw, "only did:plc identifiers are supported")
            return text
        if len(text) > 253 or not HANDLE_RE.match(text):
            raise InvalidHandle(self.network, raw, "expected a domain-like handle")
        if text.rsplit(".", 1)[-1] in BAD_TLDS:
            raise InvalidHandle(self.network, raw, "reserved top-level domain")
        return text

    def _root(self) -> str:
        return f"{self.settings.api_url('BLUESKY')}/xrpc"

    def fetch(self, handle: str, *, now: datetime) -> NetworkData:
        root = self._root()
        data = NetworkData(self.network, handle, profile_url=f"https://bsky.app/profile/{handle}")
        resp = self.upstream.get(f"{root}/app.bsky.actor.getProfile", network=self.network,
                                 params={"actor": handle})
        if resp.status == 400:
            error = _error_name(resp.json())
            if error not in STATUS_FOR_ERROR:
                raise UpstreamError("bad_response", f"bluesky error {error[:40]!r}", status=400)
            data.status = STATUS_FOR_ERROR[error]
            if data.status != "not_found":
                data.flags.append(data.status)
            return data
        if resp.status != 200:
            raise UpstreamError("upstream_error", f"bluesky answered {resp.status}",
                                status=resp.status)
        profile = resp.json()
        if not isinstance(profile, dict) or not profile.get("did"):
            raise UpstreamError("bad_response", "bluesky profile without did")
        return self._from_profile(data, profile, now)

    def _from_profile(self, data: NetworkData, profile: dict, now: datetime) -> NetworkData:
        self._profile(data, profile, now)
        _links(data, profile)
        data.observations += [
            Observation("followers", float(profile.get("followersCount") or 0)),
            Observation("following", float(profile.get("followsCount") or 0)),
        ]
        try:
            self._feed(data, self._root(), str(profile["did"]), now)
        except UpstreamError as exc:
            if not secondary_failed(exc):
                raise
            data.partial.append("posts")
            data.unobserved += ["posts_recent", "engagement_per_post"]
        return data

    def fetch_many(self, handles: list[str], *,
                   now: datetime) -> dict[str, NetworkData | Exception]:
        out: dict[str, NetworkData | Exception] = {}
        for start in range(0, len(handles), PROFILES_BATCH):
            chunk = handles[start:start + PROFILES_BATCH]
            try:
                found = self._profiles(chunk)
            except UpstreamError as exc:
                if exc.kind == "deadline":
                    raise
                out.update({h: exc for h in chunk})
                continue
            # each subject's feed and like sample, side by side
            done = batch.each(chunk, lambda handle, f=found: self._finish(handle, f, now))
            for handle, result in zip(chunk, done, strict=True):
                if isinstance(result, UpstreamError) and result.kind == "deadline":
                    raise result
                out[handle] = result
        return out

    def _finish(self, handle: str, found: dict[str, dict], now: datetime) -> NetworkData:
        profile = found.get(handle)
        if profile is None:  # dropped by getProfiles: ask alone for the reason
            return self.fetch(handle, now=now)
        data = NetworkData(self.network, handle, profile_url=f"https://bsky.app/profile/{handle}")
        return self._from_profile(data, profile, now)

    def _profiles(self, actors: list[str]) -> dict[str, dict]:
        """One ``getProfiles`` call; its profiles keyed by the actor (handle or did) asked."""
        resp = self.upstream.get(f"{self._root()}/app.bsky.actor.getProfiles",
                                 network=self.network, params={"actors": actors})
        body = resp.json() if resp.status == 200 else None
        if not isinstance(body, dict) or not isinstance(body.get("profiles"), list):
            raise UpstreamError("upstream_error", f"bluesky getProfiles answered {resp.status}",
                                status=resp.status)
        wanted = set(actors)
        found: dict[str, dict] = {}
        for profile in body["profiles"]:
            if not isinstance(profile, dict) or not profile.get("did"):
                continue
            for key in (str(profile["did"]).lower(), str(profile.get("handle") or "").lower()):
                if key in wanted:
                    found[key] = profile
        return found

    def _profile(self, data: NetworkData, profile: dict, now: datetime) -> None:
        current = str(profile.get("handle") or "")
        data.display_name = profile.get("displayName") or current or None
        data.bio = profile.get("description") or None
        if current == "handle.invalid":
            # The handle no longer resolves both ways: the name proves nothing any more.
            data.flags.append("handle_invalid")
        elif current:
            data.profile_url = f"https://bsky.app/profile/{current}"
            if not current.endswith(".bsky.social"):
                # A custom domain handle proves control of that domain (checked by the
                # AppView through DNS or /.well-known/atproto-did); recorded as a fact only.
                data.flags.append("domain_handle")
        for label in profile.get("labels") or []:
            if isinstance(label, dict) and label.get("val") == "!takedown":
                data.flags.append("takedown_label")
        created = parse_time(profile.get("createdAt"))
        if created:
            data.created_at = iso(created)
            data.observations.append(Observation("account_age_days", age_days(created, now)))

    def _feed(self, data: NetworkData, root: str, did: str, now: datetime) -> None:
        resp = self.upstream.get(
            f"{root}/app.bsky.feed.getAuthorFeed", network=self.network,
            params={"actor": did, "limit": FEED_PAGE, "filter": "posts_no_replies"})
        body = resp.json() if resp.status == 200 else None
        if not isinstance(body, dict) or not isinstance(body.get("feed"), list):
            data.partial.append("posts")
            data.unobserved += ["posts_recent", "engagement_per_post"]
            return
        recent = 0
        engagements: list[float] = []
        liked: list[tuple[int, str]] = []  # (likeCount, post uri) for the ring sample
        for item in body["feed"]:
            if not isinstance(item, dict) or item.get("reason"):
                continue  # reason is set for reposts: someone else's post
            post = item.get("post") or {}
            if (post.get("author") or {}).get("did") != did:
                continue
            record = post.get("record") or {}
            if record.get("reply"):
                continue
            # record.createdAt is client-supplied and can be backdated; indexedAt is not.
            created = parse_time(post.get("indexedAt")) or parse_time(record.get("createdAt"))
            if created is None:
                continue
            if created >= now - timedelta(days=RECENT_DAYS):
                recent += 1
            if created < now - timedelta(days=ENGAGEMENT_DAYS):
                continue
            score = sum(int(post.get(k) or 0) for k in ("likeCount", "repostCount", "replyCount"))
            engagements.append(float(score))
            if int(post.get("likeCount") or 0) > 0 and post.get("uri"):
                liked.append((int(post["likeCount"]), str(post["uri"])))
            # One observation per post: the model takes a statistic one more post can never
            # lower (an h-index), which a median of these values is not.
            data.observations.append(Observation(
                "post_engagement", float(score), at=created.date().isoformat(),
                item=str(post.get("uri") or "") or None))
            if score > 0:
                for tag in _tags(record):
                    data.topics[tag] = data.topics.get(tag, 0.0) + score
        data.observations.append(Observation("posts_recent", float(recent)))
        # Measured: no posts in the window is zero engagement, not a gap.
        data.observations.append(Observation(
            "engagement_per_post", median(engagements) if engagements else 0.0))
        self._likers(data, root, [uri for _, uri in sorted(liked, reverse=True)[:RING_POSTS]])

    def _likers(self, data: NetworkData, root: str, uris: list[str]) -> None:
        """Who liked the sampled posts: reactor did -> number of sampled posts liked."""
        for uri in uris:
            try:
                resp = self.upstream.get(f"{root}/app.bsky.feed.getLikes", network=self.network,
                                         params={"uri": uri, "limit": LIKES_PAGE})
            except UpstreamError as exc:
                if exc.kind == "deadline":
                    raise
                resp = None
            body = resp.json() if resp is not None and resp.status == 200 else None
            if not isinstance(body, dict) or not isinstance(body.get("likes"), list):
                if "likes" not in data.partial:
                    data.partial.append("likes")  # the ring check is incomplete; no signal
                continue
            seen: set[str] = set()
            for like in body["likes"]:
                did = str(((like or {}).get("actor") or {}).get("did") or "")
                if did and did not in seen:
                    seen.add(did)
                    data.reactors[did] = data.reactors.get(did, 0) + 1
            data.reactions_sampled += len(seen)


def _links(data: NetworkData, profile: dict) -> None:
    """Profile links the person published in the description (or a ``website``, which some
    AppViews return), and the account's other name: its DID when asked by handle, its
    handle when asked by DID (an alias, so an opt-out holds under both). Links in free text
    are one-sided: they count only when the other profile links back (service/identity.py)."""
    me = f"bluesky:{data.handle}"
    did, current = str(profile.get("did") or ""), str(profile.get("handle") or "").lower()
    for name in (did, current):
        if name and name != "handle.invalid" and f"bluesky:{name}" != me:
            data.links.append(LinkedAccount(f"bluesky:{name}", links.ALIAS, verified=True))
    urls = links.urls_in_text(str(profile.get("description") or ""))
    if isinstance(profile.get("website"), str):
        urls.append(profile["website"])
    for url in urls:
        account = links.account_from_url(url)
        if (account and not account.startswith("bluesky:")
                and all(link.account != account for link in data.links)):
            data.links.append(LinkedAccount(account, "bluesky description"))


def _error_name(body: object) -> str:
    return str(body.get("error") or "") if isinstance(body, dict) else ""


def _tags(record: dict) -> set[str]:
    """Hashtags of a post: rich-text tag facets plus the record's outline ``tags``."""
    tags = {str(t) for t in record.get("tags") or [] if isinstance(t, str)}
    for facet in record.get("facets") or []:
        for feature in (facet or {}).get("features") or []:
            if isinstance(feature, dict) and \
                    feature.get("$type") == "app.bsky.richtext.facet#tag" and feature.get("tag"):
                tags.add(str(feature["tag"]))
    return {t.lower().lstrip("#") for t in tags if t.strip("#")}
