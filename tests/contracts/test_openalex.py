"""OpenAlex: the fake API and the connector against OpenAlex's object documentation
(ourresearch/openalex-docs, vendored in ``tests/contracts/openalex``; see its README)."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from service.config import Settings
from service.networks import make_connector
from service.upstream import Upstream
from tests.contracts import jsonschemas, openalex_docs
from tests.fakes import openalex as fake

AUTHOR = openalex_docs.schema("author-object.md")
WORK_TYPES = openalex_docs.schema("work-object.md", required=False)
AUTHOR_EXAMPLE = openalex_docs.example("author-object.md")
WORK_EXAMPLE = openalex_docs.example("work-object.md")


def test_converter_reads_the_pages():
    assert {"id", "orcid", "cited_by_count", "summary_stats", "counts_by_year"} <= set(
        AUTHOR["required"])
    assert "last_known_institution" not in AUTHOR["properties"]  # deprecated, no type line
    assert AUTHOR_EXAMPLE["summary_stats"] == {"2yr_mean_citedness": 1.5295340589458237,
                                               "h_index": 45, "i10_index": 205}
    assert WORK_TYPES["properties"]["publication_year"] == {"type": ["integer", "null"]}


def test_pages_examples_validate_and_wrong_shapes_do_not():
    assert jsonschemas.errors(AUTHOR, AUTHOR_EXAMPLE) == []
    assert jsonschemas.errors(WORK_TYPES, WORK_EXAMPLE) == []
    assert jsonschemas.errors(AUTHOR, {**AUTHOR_EXAMPLE, "cited_by_count": "38"})
    assert jsonschemas.errors(AUTHOR, {k: v for k, v in AUTHOR_EXAMPLE.items() if k != "ids"})


@pytest.mark.parametrize("orcid", sorted(fake.AUTHORS))
def test_fake_responses_validate(upstream_server, orcid):
    author = requests.get(f"{upstream_server.url}/openalex/authors/https://orcid.org/{orcid}",
                          timeout=10).json()
    jsonschemas.check(AUTHOR, author)
    select = "id,publication_year,cited_by_count,primary_topic"
    short = author["id"].rsplit("/", 1)[-1]
    works = requests.get(f"{upstream_server.url}/openalex/works", timeout=10, params={
        "filter": f"author.id:{short}", "sort": "cited_by_count:desc", "per-page": 50,
        "select": select})
    if works.status_code == 500:
        return  # the fault case
    body = works.json()
    assert {"meta", "results"} <= set(body)
    for work in body["results"]:
        jsonschemas.check(WORK_TYPES, work)
        assert set(work) == set(select.split(","))  # select returns exactly those fields


def test_connector_uses_documented_parameters(settings, upstream, upstream_server):
    conn = make_connector("orcid", settings, upstream)
    conn.fetch(sorted(fake.AUTHORS)[0], now=datetime.now(UTC))
    (works,) = [parse_qs(urlsplit(p).query) for n, p, _ in upstream_server.requests
                if n == "openalex" and urlsplit(p).path.endswith("/works")]
    # per-page is at most 200; select names only documented Work attributes
    assert 1 <= int(works["per-page"][0]) <= 200
    assert set(works["select"][0].split(",")) <= set(WORK_TYPES["properties"])


@pytest.fixture
def openalex(httpserver, tmp_path):
    orcid = AUTHOR_EXAMPLE["orcid"].rsplit("/", 1)[-1]
    httpserver.expect_request(f"/authors/https://orcid.org/{orcid}"
                              ).respond_with_json(AUTHOR_EXAMPLE)
    work = {k: WORK_EXAMPLE[k] for k in ("id", "publication_year", "cited_by_count")}
    httpserver.expect_request("/works").respond_with_json(
        {"meta": {"count": 1, "page": 1, "per_page": 50}, "results": [work]})
    settings = Settings.from_env({"CANDOR_OPENALEX_API_URL": httpserver.url_for("").rstrip("/"),
                                  "CANDOR_INSTANCE_PATH": str(tmp_path)})
    return make_connector("orcid", settings, Upstream(settings)), orcid, work


def test_connector_parses_the_documented_examples(openalex):
    conn, orcid, work = openalex
    data = conn.fetch(orcid, now=datetime(2026, 11, 20, tzinfo=UTC))
    assert data.status == "found" and data.partial == [] and data.unobserved == []
    assert data.display_name == AUTHOR_EXAMPLE["display_name"]
    values = {o.signal: o.value for o in data.observations}
    assert values["citations"] == AUTHOR_EXAMPLE["cited_by_count"]
    assert values["h_index"] == 45 and values["i10_index"] == 205
    years = [y["year"] for y in AUTHOR_EXAMPLE["counts_by_year"] if y["works_count"]]
    first = min(years + [work["publication_year"]])
    assert values["account_age_days"] == (datetime(2026, 11, 20, tzinfo=UTC)
                                          - datetime(first, 1, 1, tzinfo=UTC)).days
