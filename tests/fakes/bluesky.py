"""Fake Bluesky AppView (``public.api.bsky.app``): ``/xrpc/app.bsky.actor.getProfile``,
``getProfiles`` (up to 25 ``actors``; missing or taken-down actors are silently left out, as
the AppView does), ``/xrpc/app.bsky.feed.getAuthorFeed`` and ``getLikes``; shapes from the
atproto lexicons (checked by ``tests/contracts``), dates relative to now.

Handles (``actor`` may also be the account's ``did:plc:<name padded with a>``):
- ``octocat.bsky.social``: active; 10 original posts in 90 days with tag facets, one repost
  (``reason`` set), one post by someone else quoted into the feed, one old post.
- ``newbie.bsky.social``: days old, no posts.  ``hostile.bsky.social``: script/img payloads.
- ``ada.example.com``: custom domain handle.  ``broken.bsky.social``: profile answers with
  ``handle: "handle.invalid"``.
- ``followback.bsky.social``, ``bought.bsky.social``: gaming patterns.
- ``takedown.bsky.social``: 400 ``AccountTakedown``.  ``gone.bsky.social``: 400
  ``AccountDeactivated``.  ``nofeed.bsky.social``: profile fine, feed answers 400.
- ``ring.bsky.social``: 12 posts, every like from the same 4 accounts (an engagement ring).
- anything else: 400 ``{"error":"InvalidRequest","message":"Profile not found"}``.

``getLikes`` lists ``likeCount`` distinct likers per post: for ``ring.bsky.social`` always the
same four, for everyone else fresh ones per post.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any


def _ts(days_ago: float) -> str:
    return (datetime.now(UTC) - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _did(name: str) -> str:
    core = "".join(c for c in name.split(".")[0] if c.isalpha())
    return "did:plc:" + (core + "a" * 24)[:24]


def _cid(seed: str) -> str:
    """A CIDv1 in base32 ("bafyrei" + 52 characters), the shape the AppView returns."""
    digest = base64.b32encode(hashlib.sha256(seed.encode()).digest()).decode().lower()
    return "bafyrei" + digest[:52]


def _liker_did(seed: str) -> str:
    """A syntactically valid did:plc (24 base32 characters) for a generated liker."""
    digest = base64.b32encode(hashlib.sha256(seed.encode()).digest()).decode().lower()
    return "did:plc:" + digest[:24]


def _profile(handle: str, **extra: Any) -> dict:
    profile = {
        "did": _did(handle), "handle": handle, "displayName": handle.split(".")[0].title(),
        "description": "", "avatar": "https://cdn.bsky.app/img/avatar/plain/x.jpg",
        "followersCount": 10, "followsCount": 10, "postsCount": 0,
        "createdAt": _ts(700), "indexedAt": _ts(600), "labels": [],
        "associated": {"lists": 0, "feedgens": 0, "starterPacks": 0, "labeler": False},
        "viewer": {"muted": False, "blockedBy": False},
        "verification": {"verifiedStatus": "none", "trustedVerifierStatus": "none",
                         "verifications": []},
    }
    profile.update(extra)
    return profile


PROFILES = {p["handle"] if p["handle"] != "handle.invalid" else "broken.bsky.social": p for p in [
    _profile("octocat.bsky.social", displayName="The Octocat", followersCount=4200,
             followsCount=310, postsCount=980, createdAt="2023-05-02T12:00:00.000Z",
             description="Open source tools. candor-claim-b1uesky",
             website="https://octo.example"),
    _profile("newbie.bsky.social", createdAt=_ts(3), followersCount=1, followsCount=40),
    _profile("hostile.bsky.social", displayName="<img src=x onerror=alert(1)>",
             description="<script>alert(1)</script>"),
    _profile("ada.example.com", displayName="Ada", followersCount=900),
    _profile("handle.invalid", did=_did("broken"), displayName="Broken"),
    _profile("followback.bsky.social", followersCount=51000, followsCount=50200),
    _profile("bought.bsky.social", followersCount=310000, followsCount=8),
    _profile("nofeed.bsky.social"),
    _profile("ring.bsky.social", followersCount=300, followsCount=250),
]}
BY_DID = {p["did"]: name for name, p in PROFILES.items()}
ERRORS = {
    "takedown.bsky.social": {"error": "AccountTakedown", "message": "Account has been suspended"},
    "gone.bsky.social": {"error": "AccountDeactivated", "message": "Account is deactivated"},
}
NOT_FOUND = {"error": "InvalidRequest", "message": "Profile not found"}


def _post(author: dict, rkey: str, days_ago: float, likes: int, reposts: int, replies: int,
          tags: tuple[str, ...] = ()) -> dict:
    text = "post " + " ".join(f"#{t}" for t in tags)
    facets = []
    for tag in tags:
        start = text.index(f"#{tag}")
        facets.append({"index": {"byteStart": start, "byteEnd": start + len(tag) + 1},
                       "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": tag}]})
    return {"post": {
        "uri": f"at://{author['did']}/app.bsky.feed.post/{rkey}", "cid": _cid(rkey),
        "author": {"did": author["did"], "handle": author["handle"]},
        "record": {"$type": "app.bsky.feed.post", "text": text, "createdAt": _ts(days_ago),
                   "langs": ["en"], "facets": facets},
        "replyCount": replies, "repostCount": reposts, "likeCount": likes, "quoteCount": 0,
        "indexedAt": _ts(days_ago), "labels": []}}


def _feed(name: str) -> list[dict]:
    me = PROFILES[name]
    if name == "octocat.bsky.social":
        feed = [_post(me, f"3k{i}", 2 + i * 8, likes=10 + i, reposts=2, replies=1,
                      tags=("rust",) if i % 2 else ("OpenSource",)) for i in range(10)]
        other = _post(PROFILES["bought.bsky.social"], "3zz", 1, 999, 999, 999, ("spam",))
        feed.insert(0, {**other, "reason": {"$type": "app.bsky.feed.defs#reasonRepost",
                                            "by": {"did": me["did"], "handle": me["handle"]},
                                            "indexedAt": _ts(1)}})
        feed.append(_post(me, "3old", 500, 70, 70, 70, ("ancient",)))
        return feed
    if name == "followback.bsky.social":
        return [_post(me, f"3f{i}", 1 + i * 3, 1, 0, 0) for i in range(20)]
    if name == "ring.bsky.social":
        return [_post(me, f"3r{i}", 1 + i * 5, 4, 0, 0) for i in range(12)]
    if name == "bought.bsky.social":
        return [_post(me, f"3b{i}", 1 + i * 2, i % 2, 0, 0, ("crypto",)) for i in range(30)]
    if name in ("hostile.bsky.social", "ada.example.com", "broken.bsky.social"):
        return [_post(me, f"3h{i}", 5 + i * 10, 4, 1, 0) for i in range(3)]
    return []


def _likes(uri: str, limit: int) -> dict | None:
    did, _, rkey = uri.removeprefix("at://").partition("/app.bsky.feed.post/")
    name = BY_DID.get(did)
    # any feed may hold the post (reposts carry someone else's post)
    post = next((item["post"] for feed_of in PROFILES for item in _feed(feed_of)
                 if item["post"]["uri"] == uri), None)
    if post is None:
        return None
    count = min(post["likeCount"], limit)
    seeds = [f"ring{n}" for n in range(count)] if name == "ring.bsky.social" else [
        f"{rkey}-fan{n}" for n in range(count)]
    likes = [{"indexedAt": _ts(1), "createdAt": _ts(1),
              "actor": {"did": _liker_did(seed), "handle": f"{seed}.bsky.social"}}
             for seed in seeds]
    return {"uri": uri, "cid": post["cid"], "likes": likes}


def respond(path: str, query: dict[str, list[str]], headers: dict[str, str]
            ) -> tuple[int, dict[str, str], Any]:
    actor = (query.get("actor") or [""])[0].lower()
    name = BY_DID.get(actor, actor)
    if path == "/xrpc/app.bsky.actor.getProfiles":
        actors = [a.lower() for a in query.get("actors") or []]
        if not actors or len(actors) > 25:
            return 400, {}, {"error": "InvalidRequest",
                             "message": "Error: actors must not have more than 25 elements"}
        names = [BY_DID.get(a, a) for a in actors]
        return 200, {}, {"profiles": [PROFILES[n] for n in names
                                      if n in PROFILES and n not in ERRORS]}
    if path == "/xrpc/app.bsky.feed.getLikes":
        body = _likes((query.get("uri") or [""])[0], int((query.get("limit") or ["50"])[0]))
        if body is None:
            return 400, {}, {"error": "InvalidRequest", "message": "Could not locate record"}
        return 200, {}, body
    if path == "/xrpc/app.bsky.actor.getProfile":
        if name in ERRORS:
            return 400, {}, ERRORS[name]
        if name in PROFILES:
            return 200, {}, PROFILES[name]
        return 400, {}, NOT_FOUND
    if path == "/xrpc/app.bsky.feed.getAuthorFeed":
        if name == "nofeed.bsky.social" or name not in PROFILES:
            return 400, {}, NOT_FOUND
        limit = int((query.get("limit") or ["50"])[0])
        return 200, {}, {"feed": _feed(name)[:limit]}
    return 404, {}, {"error": "MethodNotImplemented", "message": "Method Not Implemented"}
