"""ORCID/OpenAlex connector against the fake OpenAlex API."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from service.networks import InvalidHandle, make_connector
from service.networks.openalex import orcid_checksum
from service.upstream import UpstreamError

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
CARBERRY = "0000-0002-1825-0097"


@pytest.fixture
def conn(settings, upstream):
    return make_connector("orcid", settings, upstream)


def level(data, name):
    (obs,) = [o for o in data.observations if o.signal == name]
    return obs.value


def test_active_researcher(conn, upstream_server):
    data = conn.fetch(f"https://orcid.org/{CARBERRY}", now=NOW)
    assert data.status == "found" and data.partial == []
    assert data.handle == CARBERRY
    assert data.display_name == "Josiah Carberry"
    assert data.profile_url == f"https://orcid.org/{CARBERRY}"
    assert level(data, "citations") == 1840
    assert level(data, "h_index") == 21
    assert level(data, "i10_index") == 30
    assert level(data, "works_recent") == 8  # 2026 + 2025
    # Earliest visible publication: 2008 (from the works list, older than counts_by_year).
    assert level(data, "account_age_days") == (NOW - datetime(2008, 1, 1, tzinfo=UTC)).days
    assert data.topics == {"Psychology of Religion": 1200, "Clay Mineralogy": 500,
                           "Research Data Management": 140}
    assert upstream_server.hits["openalex"] == 2
    paths = [p for _, p, _ in upstream_server.requests]
    assert paths[0].rstrip("?") == f"/openalex/authors/https://orcid.org/{CARBERRY}"
    assert "filter=author.id%3AA5000000097" in paths[1]
    assert "sort=cited_by_count%3Adesc" in paths[1]


def test_new_researcher(conn):
    data = conn.fetch("0000-0001-5109-3700", now=NOW)
    assert data.status == "found"
    assert level(data, "citations") == 0 and level(data, "works_recent") == 1
    assert data.topics == {}


def test_hostile_name_kept_as_text(conn):
    data = conn.fetch("0000-0002-4444-4442", now=NOW)
    assert data.display_name == "<img src=x onerror=alert(1)>"


def test_one_work_dominates(conn):
    data = conn.fetch("0000-0002-5555-5551", now=NOW)
    assert data.topics == {"Clay Mineralogy": 9050}
    assert level(data, "citations") == 9050


def test_not_found(conn):
    data = conn.fetch("0000-0003-3333-3330", now=NOW)
    assert data.status == "not_found" and data.observations == []


def test_works_failure_is_partial(conn):
    data = conn.fetch("0000-0002-6666-6660", now=NOW)
    assert data.status == "found" and data.partial == ["works"]
    assert level(data, "citations") == 70
    assert level(data, "account_age_days") == (NOW - datetime(2025, 1, 1, tzinfo=UTC)).days


def test_primary_failure_propagates(conn, upstream_server):
    upstream_server.faults["openalex"] = "502"
    with pytest.raises(UpstreamError):
        conn.fetch(CARBERRY, now=NOW)


def test_checksum_known_values():
    assert orcid_checksum("000000021825009") == "7"
    assert orcid_checksum("000000021695236") == "X"


@pytest.mark.parametrize(("given", "normal"), [
    (CARBERRY, CARBERRY), ("0000000218250097", CARBERRY), ("orcid.org/" + CARBERRY, CARBERRY),
    ("http://orcid.org/" + CARBERRY + "/", CARBERRY),
    ("0000-0002-1695-236x", "0000-0002-1695-236X"),
])
def test_normalization(conn, given, normal):
    assert conn.validate(given) == normal


@pytest.mark.parametrize("bad", ["", "0000-0002-1825-0098", "0000-0002-1825-009", "orcid:x",
                                 "0000-0002-1825-00977", "0000 0002 1825 0097",
                                 "https://evil.example/0000-0002-1825-0097",
                                 "0000-00021825-0097"])
def test_invalid_handles_make_no_request(conn, upstream_server, bad):
    with pytest.raises(InvalidHandle):
        conn.fetch(bad, now=NOW)
    assert upstream_server.hits["openalex"] == 0
