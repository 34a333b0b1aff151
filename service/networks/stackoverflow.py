"""Stack Overflow connector (Stack Exchange API 2.3, keyless at 300/day per IP).

Calls: ``/users/{id}`` (primary; with a filter that adds ``about_me``), then the secondary
``/users/{id}/answers`` (latest 100 answers) and ``/users/{id}/top-tags``. The filter id is
created once per process through ``/filter/create`` (filter ids are immutable) and reused.
:meth:`Connector.fetch_many` reads up to 100 profiles in one ``/users/{id;id;...}`` call.

Quirks handled: every method error is HTTP 400 with ``error_id``/``error_name``/
``error_message`` (502 ``throttle_violation`` is the rate limit); an unknown user is 200
with ``items: []``; ``quota_remaining: 0`` stops further calls. ``backoff`` in a body is
honoured by :mod:`service.upstream`, which then refuses calls to the host for that long
(stricter than the per-method rule, never looser). The app key
goes in ``Authorization: Bearer`` (query-string keys are refused from June 2026).
"""

from __future__ import annotations

import html
import re
import threading
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

from service.networks import batch
from service.networks.base import Connector as BaseConnector
from service.networks.base import InvalidHandle, LinkedAccount, NetworkData, Observation
from service.networks.links import account_from_url
from service.upstream import UpstreamError

SITE = "stackoverflow"
ID_RE = re.compile(r"^[1-9][0-9]{0,11}$")
RATE_ERRORS = {502: "rate_limited"}  # throttle_violation; everything else is upstream_error
USERS_BATCH = 100  # ids per /users/{ids} call (the API's limit for vectorized ids)
# Catalogue signals each secondary call measures (unobserved when the call fails).
SIGNALS_OF = {"answers": ["accepted_answers", "answer_score", "answer_score_mean"],
              "top_tags": [], "about_me": []}

_lock = threading.Lock()
_filters: dict[str, str] = {}  # base API URL -> filter id that includes user.about_me


class _Text(HTMLParser):
    """HTML to plain text: keeps text nodes, drops script/style content and all markup."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in ("p", "br", "li", "div"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(markup: str | None) -> str | None:
    if not markup:
        return None
    parser = _Text()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.parts)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line).strip() or None


class Connector(BaseConnector):
    network = "stackoverflow"
    batch_size = USERS_BATCH

    def validate(self, handle: str) -> str:
        if not isinstance(handle, str):
            raise InvalidHandle(self.network, str(handle), "not a string")
        text = handle.strip()
        if not ID_RE.fullmatch(text):
            raise InvalidHandle(self.network, handle, "Stack Overflow users are named by their "
                                "numeric user id")
        return text

    # --- HTTP ---------------------------------------------------------------------------
    def _get(self, path: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """Call one API method; raises UpstreamError for wrapper errors."""
        headers = {"Accept": "application/json"}
        key = self.settings.credentials.get("stackexchange_key")
        if key:
            headers["Authorization"] = f"Bearer {key}"
        resp = self.upstream.get(self.settings.api_url("STACKEXCHANGE") + path,
                                 network=self.network, params=params, headers=headers)
        body = resp.json()
        if not isinstance(body, dict):
            raise UpstreamError("bad_response", "stackexchange answered without a wrapper")
        if "error_id" in body or resp.status != 200:
            raise _wrapper_error(body, resp.status)
        return body

    def _user_filter(self) -> str | None:
        """The filter id adding ``user.about_me`` to the default, created once."""
        base = self.settings.api_url("STACKEXCHANGE")
        with _lock:
            known = _filters.get(base)
        if known:
            return known
        body = self._get("/filter/create",
                         {"base": "default", "include": "user.about_me", "unsafe": "false"})
        items = body.get("items") or []
        found = items[0].get("filter") if items and isinstance(items[0], dict) else None
        if isinstance(found, str) and found:
            with _lock:
                _filters[base] = found
        return found

    # --- fetch --------------------------------------------------------------------------
    def _user_params(self) -> tuple[dict[str, Any], bool]:
        """Query for ``/users/{ids}``, and whether it carries the about_me filter."""
        params: dict[str, Any] = {"site": SITE}
        try:
            user_filter = self._user_filter()
        except UpstreamError as exc:
            if exc.kind == "deadline":
                raise
            user_filter = None
        if user_filter:
            params["filter"] = user_filter
        return params, bool(user_filter)

    def fetch(self, handle: str, *, now: datetime) -> NetworkData:
        uid = self.validate(handle)
        params, with_about = self._user_params()
        body = self._get(f"/users/{uid}", params)
        items = body.get("items") or []
        user = items[0] if items and isinstance(items[0], dict) else None
        return self._from_user(uid, user, body, with_about, now)

    def fetch_many(self, handles: list[str], *,
                   now: datetime) -> dict[str, NetworkData | Exception]:
        """Profiles of up to 100 users per ``/users/{id;id;...}`` call (the API's vector
        limit); answers and top tags are per user, as in :meth:`fetch`."""
        out: dict[str, NetworkData | Exception] = {}
        ids = list(dict.fromkeys(self.validate(h) for h in handles))
        params, with_about = self._user_params()
        for start in range(0, len(ids), USERS_BATCH):
            chunk = ids[start:start + USERS_BATCH]
            try:
                body = self._get("/users/" + ";".join(chunk),
                                 {**params, "pagesize": USERS_BATCH})
            except UpstreamError as exc:
                if exc.kind == "deadline":
                    raise
                out.update({uid: exc for uid in chunk})
                continue
            users = {str(u.get("user_id")): u for u in body.get("items") or []
                     if isinstance(u, dict)}
            # each subject's answers and top tags, side by side
            done = batch.each(chunk, lambda uid, b=body, u=users: self._from_user(
                uid, u.get(uid), b, with_about, now))
            for uid, result in zip(chunk, done, strict=True):
                if isinstance(result, UpstreamError) and result.kind == "deadline":
                    raise result
                out[uid] = result
        return {h: out[self.validate(h)] for h in handles}

    def _from_user(self, uid: str, user: dict[str, Any] | None, body: dict[str, Any],
                   with_about: bool, now: datetime) -> NetworkData:
        data = NetworkData(network=self.network, handle=uid)
        if not with_about:
            data.partial.append("about_me")
        if user is None or user.get("user_type") == "does_not_exist":
            data.status = "not_found"
            return data
        self._profile(data, user, now)
        if data.status != "found":
            return data
        for part, call in (("answers", self._answers), ("top_tags", self._top_tags)):
            if body.get("quota_remaining") == 0:
                _failed(data, part)  # the daily quota is spent: don't burn a 502
                continue
            try:
                body = call(data, uid)
            except UpstreamError as exc:
                if exc.kind == "deadline":
                    raise
                _failed(data, part)
        return data

    def _profile(self, data: NetworkData, user: dict[str, Any], now: datetime) -> None:
        # display_name and location arrive HTML-entity encoded.
        data.display_name = html.unescape(str(user.get("display_name") or "")) or None
        data.profile_url = user.get("link") or f"https://stackoverflow.com/users/{data.handle}"
        data.bio = html_to_text(user.get("about_me"))
        created = user.get("creation_date")
        if isinstance(created, int | float):
            when = datetime.fromtimestamp(created, UTC)
            data.created_at = when.isoformat().replace("+00:00", "Z")
            data.observations.append(
                Observation("account_age_days", float(max(0, (now - when).days))))
        if user.get("user_type") == "moderator":
            data.flags.append("moderator")
        penalty = user.get("timed_penalty_date")
        if isinstance(penalty, int | float) and penalty > now.timestamp():
            # A suspended user's reputation is pinned at 1 until the penalty ends.
            data.flags.append("suspended")
            data.status = "suspended"
            return
        data.observations.append(Observation("reputation", float(user.get("reputation") or 0)))
        data.observations.append(
            Observation("reputation_year", float(user.get("reputation_change_year") or 0)))
        website = user.get("website_url")
        if website:
            account = account_from_url(html.unescape(str(website)))
            if account and account != f"stackoverflow:{data.handle}":
                data.links.append(LinkedAccount(account, "stackoverflow website_url"))

    def _answers(self, data: NetworkData, uid: str) -> dict[str, Any]:
        body = self._get(f"/users/{uid}/answers", {
            "site": SITE, "order": "desc", "sort": "creation", "pagesize": 100})
        scores: list[float] = []
        for answer in body.get("items") or []:
            if not isinstance(answer, dict):
                continue
            item = str(answer.get("answer_id", "")) or None
            at = None
            created = answer.get("creation_date")
            if isinstance(created, int | float):
                at = datetime.fromtimestamp(created, UTC).date().isoformat()
            score = float(answer.get("score") or 0)
            scores.append(score)
            data.observations.append(Observation("answer_score", score, at=at, item=item))
            if answer.get("is_accepted"):
                # The API gives no acceptance date; the answer's date stands in for it.
                data.observations.append(Observation("accepted_answers", 1.0, at=at, item=item))
        # Measured: an answered empty list is zero answers, zero accepted, zero score.
        accepted = any(o.signal == "accepted_answers" for o in data.observations)
        if not scores:
            data.observations.append(Observation("answer_score", 0.0))
        if not accepted:
            data.observations.append(Observation("accepted_answers", 0.0))
        data.observations.append(Observation(
            "answer_score_mean", sum(scores) / len(scores) if scores else 0.0))
        return body

    def _top_tags(self, data: NetworkData, uid: str) -> dict[str, Any]:
        body = self._get(f"/users/{uid}/top-tags",
                         {"site": SITE, "pagesize": 10})
        for tag in body.get("items") or []:
            if isinstance(tag, dict) and tag.get("tag_name") and (tag.get("answer_score") or 0) > 0:
                data.topics[str(tag["tag_name"])] = float(tag["answer_score"])
        return body


def _failed(data: NetworkData, part: str) -> None:
    data.partial.append(part)
    data.unobserved += [s for s in SIGNALS_OF.get(part, []) if s not in data.unobserved]


def _wrapper_error(body: dict[str, Any], status: int) -> UpstreamError:
    error_id = body.get("error_id")
    name = str(body.get("error_name") or f"http {status}")
    if error_id == 502:
        return UpstreamError("rate_limited", f"stackexchange {name}", status=status,
                             retry_at=_available_at(str(body.get("error_message") or "")))
    return UpstreamError("upstream_error", f"stackexchange {name}", status=status)


def _available_at(message: str) -> float | None:
    """throttle_violation says e.g. 'more requests available in 79641 seconds'."""
    match = re.search(r"available in (\d+) seconds", message)
    return time.time() + int(match.group(1)) if match else None


def reset_state() -> None:
    """Forget remembered filter ids (tests)."""
    with _lock:
        _filters.clear()
