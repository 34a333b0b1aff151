"""Profile URLs → ``network:handle``: how published links become linked accounts.

One function for every connector (GitHub social accounts and blog, GitLab and Stack
Exchange website fields, Mastodon verified fields) and the self-check page, so a URL means
the same account wherever it is found. Only a URL that names one person's profile counts:
``github.com/rails/rails`` names a repository, not a person, and links to nothing.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

_SIMPLE_HANDLE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
X_HANDLE = re.compile(r"@?[A-Za-z0-9_]{1,15}")
_PROFILE_HOSTS = {"github.com": "github", "gitlab.com": "gitlab", "dev.to": "devto"}
_X_NOT_PROFILES = frozenset({"home", "i", "intent", "search", "share", "hashtag", "explore",
                             "settings", "messages", "notifications"})


def account_from_url(url: str, provider: str | None = None) -> str | None:
    """``network:handle`` for a profile URL on a network Candor knows, else ``None``.

    Only the URL's own host decides; Mastodon's ``https://host/@user`` form is accepted
    only when the source says the link is a Mastodon one (``provider="mastodon"``),
    because many unrelated sites use ``/@user`` paths too.
    """
    text = (url or "").strip()
    if not text:
        return None
    if "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower().removeprefix("www.").removeprefix("mobile.")
    segs = [s for s in parts.path.split("/") if s]
    first = segs[0] if segs else ""
    handle: str | None = None
    network: str | None = None
    if host in ("twitter.com", "x.com"):
        if not X_HANDLE.fullmatch(first) or first.lower() in _X_NOT_PROFILES:
            return None
        return "x:" + first.lstrip("@").lower()
    elif host == "bsky.app" and len(segs) >= 2 and segs[0] == "profile":
        network, handle = "bluesky", segs[1].lower()
    elif host in _PROFILE_HOSTS and len(segs) == 1:
        # One path segment is a profile; more (github.com/owner/repo) is not a person.
        network, handle = _PROFILE_HOSTS[host], first.lower()
    elif host == "news.ycombinator.com" and parts.path.rstrip("/") == "/user":
        network, handle = "hackernews", (parse_qs(parts.query).get("id") or [""])[0]
    elif host == "stackoverflow.com" and len(segs) >= 2 and segs[0] in ("users", "u"):
        network, handle = "stackoverflow", segs[1]
    elif host == "orcid.org" and first:
        network, handle = "orcid", first
    elif host in ("youtube.com", "m.youtube.com") and first:
        if first.startswith("@"):
            network, handle = "youtube", first.lower()
        elif first == "channel" and len(segs) >= 2:
            network, handle = "youtube", segs[1]
    elif host == "linkedin.com" and len(segs) >= 2 and segs[0] in ("in", "company"):
        # LinkedIn has no API: recorded only as a link, never scored.
        return f"linkedin:https://www.linkedin.com/{segs[0]}/{segs[1]}"
    elif provider == "mastodon" and first.startswith("@") and "." in host:
        user = first[1:]
        if "@" in user:  # remote-account form https://host/@user@other.host
            return f"mastodon:{user.lower()}" if _SIMPLE_HANDLE.match(user.split("@")[0]) else None
        network, handle = "mastodon", f"{user}@{host}".lower()
        return f"{network}:{handle}" if _SIMPLE_HANDLE.match(user) else None
    if not network or not handle:
        return None
    check = handle.lstrip("@")
    if network == "bluesky":
        ok = bool(re.match(r"^[a-z0-9.-]{3,253}$", check)) and "." in check
    else:
        ok = bool(_SIMPLE_HANDLE.match(check))
    return f"{network}:{handle}" if ok else None



# ``LinkedAccount.linked_by`` for another name of the *same* account that the network itself
# reported (a Bluesky profile's DID when it was asked by handle, and the reverse). Lookups
# record these so an opt-out holds under every name; they are never a second account.
ALIAS = "alias reported by the network"

_URL_RE = re.compile(r"(?i)\b(?:https?://)?(?:www\.)?((?:[a-z0-9-]+\.)+[a-z]{2,}(?:/[^\s<>\"')\],]*)?)")


def urls_in_text(text: str, limit: int = 20) -> list[str]:
    """URL-looking substrings of free profile text (a Bluesky description), scheme optional;
    only the first ``limit`` (profile text is attacker-controlled and may be long)."""
    out = []
    for match in _URL_RE.finditer((text or "")[:3000]):
        out.append("https://" + match.group(1).rstrip(".,;:!?"))
        if len(out) >= limit:
            break
    return out


def profile_url(account: str) -> str:
    """The public profile URL a person would publish for ``network:handle``."""
    network, _, handle = account.partition(":")
    if network == "mastodon" and "@" in handle:
        user, _, host = handle.partition("@")
        return f"https://{host}/@{user}"
    return {
        "github": f"https://github.com/{handle}",
        "gitlab": f"https://gitlab.com/{handle}",
        "bluesky": f"https://bsky.app/profile/{handle}",
        "devto": f"https://dev.to/{handle}",
        "stackoverflow": f"https://stackoverflow.com/users/{handle}",
        "hackernews": f"https://news.ycombinator.com/user?id={handle}",
        "orcid": f"https://orcid.org/{handle}",
        "youtube": f"https://www.youtube.com/{handle}",
        "x": f"https://x.com/{handle}",
    }.get(network, account)
