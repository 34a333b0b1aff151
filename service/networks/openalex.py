"""Research output from OpenAlex, keyed by ORCID (network name ``orcid``; keyless).

Calls: ``/authors/https://orcid.org/<id>`` (primary: citations, ``summary_stats``,
``counts_by_year``), then the secondary ``/works`` filtered by the author's OpenAlex id,
most-cited first, for topics weighted by the citations they drew.

There is no "account" on OpenAlex: ``account_age_days`` is a career-age proxy from the
earliest publication year visible (``counts_by_year`` only covers ten years, so for long
careers it is a lower bound, which only makes the young-account rules more lenient).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from service.networks.base import Connector as BaseConnector
from service.networks.base import InvalidHandle, NetworkData, Observation
from service.upstream import UpstreamError

# ASCII digits only: \d would also accept other scripts' digits.
ORCID_RE = re.compile(r"[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]|[0-9]{15}[0-9X]")
PREFIXES = ("https://orcid.org/", "http://orcid.org/", "orcid.org/", "https://www.orcid.org/")
TOP_WORKS = 50


def orcid_checksum(digits: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 15 digits of an ORCID iD."""
    total = 0
    for char in digits:
        total = (total + int(char)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


class Connector(BaseConnector):
    network = "orcid"

    def validate(self, handle: str) -> str:
        if not isinstance(handle, str):
            raise InvalidHandle(self.network, str(handle), "not a string")
        text = handle.strip()
        for prefix in PREFIXES:
            if text.lower().startswith(prefix):
                text = text[len(prefix):]
                break
        text = text.upper().removesuffix("/")
        if not ORCID_RE.fullmatch(text):
            raise InvalidHandle(self.network, handle, "an ORCID iD is 16 digits like "
                                "0000-0002-1825-0097")
        plain = text.replace("-", "")
        if orcid_checksum(plain[:15]) != plain[15]:
            raise InvalidHandle(self.network, handle, "ORCID check digit does not match")
        return "-".join(plain[i:i + 4] for i in range(0, 16, 4))

    def _get(self, path: str, params: dict[str, Any] | None = None) -> tuple[int, Any]:
        mailto = getattr(self.settings, "openalex_mailto", None)
        if mailto:  # OpenAlex's polite pool: faster, and they can reach us before blocking
            params = {**(params or {}), "mailto": mailto}
        resp = self.upstream.get(self.settings.api_url("OPENALEX") + path, network=self.network,
                                 params=params, headers={"Accept": "application/json"})
        if resp.status == 404:
            return 404, None
        if resp.status != 200:
            raise UpstreamError("upstream_error", f"openalex answered {resp.status}",
                                status=resp.status)
        return 200, resp.json()

    def fetch(self, handle: str, *, now: datetime) -> NetworkData:
        orcid = self.validate(handle)
        data = NetworkData(network=self.network, handle=orcid)
        status, author = self._get(f"/authors/https://orcid.org/{orcid}")
        if status == 404 or not isinstance(author, dict) or not author.get("id"):
            data.status = "not_found"
            return data
        data.display_name = author.get("display_name")
        data.profile_url = f"https://orcid.org/{orcid}"
        stats = author.get("summary_stats") or {}
        obs = data.observations
        obs.append(Observation("citations", float(author.get("cited_by_count") or 0)))
        obs.append(Observation("h_index", float(stats.get("h_index") or 0)))
        obs.append(Observation("i10_index", float(stats.get("i10_index") or 0)))
        years = [y for y in author.get("counts_by_year") or [] if isinstance(y, dict)]
        recent = sum(int(y.get("works_count") or 0) for y in years
                     if int(y.get("year") or 0) >= now.year - 1)
        obs.append(Observation("works_recent", float(recent)))
        first_years = [int(y["year"]) for y in years if y.get("year") and y.get("works_count")]
        try:
            first_years += self._works(data, str(author["id"]))
        except UpstreamError as exc:
            if exc.kind == "deadline":
                raise
            data.partial.append("works")
        if first_years:
            start = datetime(min(first_years), 1, 1, tzinfo=UTC)
            obs.append(Observation("account_age_days", float(max(0, (now - start).days))))
        return data

    def _works(self, data: NetworkData, author_id: str) -> list[int]:
        """Topics weighted by citations over the most-cited works; returns their years."""
        short = author_id.rstrip("/").rsplit("/", 1)[-1]  # https://openalex.org/A50... -> A50...
        status, body = self._get("/works", {
            "filter": f"author.id:{short}", "sort": "cited_by_count:desc",
            "per-page": TOP_WORKS, "select": "id,publication_year,cited_by_count,primary_topic"})
        if status != 200 or not isinstance(body, dict):
            raise UpstreamError("bad_response", "openalex works list missing")
        years: list[int] = []
        for work in body.get("results") or []:
            if not isinstance(work, dict):
                continue
            if isinstance(work.get("publication_year"), int):
                years.append(work["publication_year"])
            topic = (work.get("primary_topic") or {}).get("display_name")
            cited = float(work.get("cited_by_count") or 0)
            if topic and cited > 0:
                data.topics[topic] = data.topics.get(topic, 0.0) + cited
        return years
