"""Fake OpenAlex API (api.openalex.org): ``/authors/{id}`` and ``/works?filter=author.id:``.

Authors are looked up by ORCID (``/authors/https://orcid.org/<id>`` or
``/authors/orcid:<id>``) or by OpenAlex id (``A…``). ORCID iDs served (valid checksums):

- ``0000-0002-1825-0097``: active researcher (Josiah Carberry, ORCID's test person), works
  across three topics, recent output.
- ``0000-0001-5109-3700``: new researcher: one uncited 2026 work (insufficient data).
- ``0000-0002-4444-4442``: hostile: ``<img src=x onerror=alert(1)>`` as display_name.
- ``0000-0002-5555-5551``: one work holds nearly all citations.
- ``0000-0002-6666-6660``: author fine, ``/works`` answers 500 (partial failure).
- any other ORCID: the real 404 body ``{"error": "404 Not Found", ...}``.
"""

from __future__ import annotations

from typing import Any


def _topic(tid: str, name: str, field: str) -> dict[str, Any]:
    return {"id": f"https://openalex.org/{tid}", "display_name": name, "score": 0.99,
            "subfield": {"id": "https://openalex.org/subfields/1702", "display_name": field},
            "field": {"id": "https://openalex.org/fields/17", "display_name": field},
            "domain": {"id": "https://openalex.org/domains/3", "display_name": "Physical Sciences"}}


PSYCH = _topic("T10001", "Psychology of Religion", "Psychology")
CLAY = _topic("T10002", "Clay Mineralogy", "Earth Sciences")
DATA = _topic("T10003", "Research Data Management", "Information Systems")


def _author(aid: str, orcid: str, name: str, cited: int, h: int, i10: int,
            counts: list[tuple[int, int, int]], topics: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": f"https://openalex.org/{aid}", "orcid": f"https://orcid.org/{orcid}",
        "display_name": name, "display_name_alternatives": [name],
        "works_count": sum(c[1] for c in counts), "cited_by_count": cited,
        "summary_stats": {"2yr_mean_citedness": 1.7, "h_index": h, "i10_index": i10},
        "ids": {"openalex": f"https://openalex.org/{aid}", "orcid": f"https://orcid.org/{orcid}"},
        "affiliations": [{"institution": {"id": "https://openalex.org/I27837315",
                                          "ror": "https://ror.org/05gq02987",
                                          "display_name": "Brown University",
                                          "country_code": "US", "type": "education",
                                          "lineage": ["https://openalex.org/I27837315"]},
                          "years": [2024, 2025]}],
        "last_known_institutions": [],
        "topics": [{**t, "count": 3} for t in topics],
        "x_concepts": [],  # documented (and still rendered) though superseded by topics
        "counts_by_year": [{"year": y, "works_count": w, "cited_by_count": c}
                           for y, w, c in counts],
        "works_api_url": f"https://api.openalex.org/works?filter=author.id:{aid}",
        "updated_date": "2026-11-01T05:31:56.000000", "created_date": "2023-07-21",
    }


AUTHORS: dict[str, dict[str, Any]] = {
    "0000-0002-1825-0097": _author(
        "A5000000097", "0000-0002-1825-0097", "Josiah Carberry", 1840, 21, 30,
        [(2026, 3, 210), (2025, 5, 400), (2024, 4, 380), (2019, 2, 100), (2017, 1, 40)],
        [PSYCH, CLAY, DATA]),
    "0000-0001-5109-3700": _author("A5000003700", "0000-0001-5109-3700", "Nova Student",
                                   0, 0, 0, [(2026, 1, 0)], []),
    "0000-0002-4444-4442": _author("A5000004442", "0000-0002-4444-4442",
                                   "<img src=x onerror=alert(1)>", 5, 1, 0, [(2025, 1, 5)],
                                   [DATA]),
    "0000-0002-5555-5551": _author("A5000005551", "0000-0002-5555-5551", "One Hit", 9050, 3, 2,
                                   [(2024, 1, 3000), (2023, 2, 10)], [CLAY]),
    "0000-0002-6666-6660": _author("A5000006660", "0000-0002-6666-6660", "Flaky Works", 70, 4,
                                   2, [(2025, 2, 30)], [PSYCH]),
}
BY_ID = {a["id"].rsplit("/", 1)[-1]: a for a in AUTHORS.values()}


def _work(wid: int, year: int, cited: int, topic: dict[str, Any] | None) -> dict[str, Any]:
    return {"id": f"https://openalex.org/W{wid}", "publication_year": year,
            "cited_by_count": cited, "primary_topic": topic}


WORKS: dict[str, list[dict[str, Any]]] = {
    "A5000000097": [_work(1, 2008, 900, PSYCH), _work(2, 2024, 500, CLAY),
                    _work(3, 2025, 300, PSYCH), _work(4, 2026, 140, DATA),
                    _work(5, 2026, 0, DATA), _work(6, 2019, 0, None)],
    "A5000003700": [_work(10, 2026, 0, DATA)],
    "A5000004442": [_work(20, 2025, 5, DATA)],
    "A5000005551": [_work(30, 2024, 9000, CLAY), _work(31, 2023, 50, CLAY)],
}


def _not_found():
    return 404, {}, {"error": "404 Not Found",
                     "message": "The requested URL was not found on the server. If you entered "
                                "the URL manually please check your spelling and try again."}


def respond(path: str, query: dict[str, list[str]], headers: dict[str, str]):
    if path.startswith("/authors/"):
        key = path[len("/authors/"):]
        for prefix in ("https://orcid.org/", "https:/orcid.org/", "orcid:"):
            key = key.removeprefix(prefix)
        author = AUTHORS.get(key) or BY_ID.get(key)
        return (200, {}, author) if author else _not_found()
    if path.rstrip("/") == "/works":
        flt = (query.get("filter") or [""])[0]
        if not flt.startswith("author.id:"):
            return 400, {}, {"error": "Invalid query parameters error.", "message": flt}
        aid = flt.split(":", 1)[1]
        if aid == "A5000006660":
            return 500, {}, b"Internal Server Error"
        results = sorted(WORKS.get(aid, []), key=lambda w: -w["cited_by_count"])
        per_page = int((query.get("per-page") or ["25"])[0])
        return 200, {}, {"meta": {"count": len(results), "db_response_time_ms": 12, "page": 1,
                                  "per_page": per_page, "groups_count": None},
                         "results": results[:per_page], "group_by": []}
    return _not_found()
