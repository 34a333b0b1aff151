"""Stack Overflow connector against the fake Stack Exchange API (gzip, wrapper errors)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from service.networks import InvalidHandle, make_connector
from service.networks import stackoverflow as so
from service.upstream import Upstream, UpstreamError

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def conn(settings, upstream):
    so.reset_state()
    yield make_connector("stackoverflow", settings, upstream)
    so.reset_state()


def by_signal(data, name):
    return [o for o in data.observations if o.signal == name]


def level(data, name):
    (obs,) = by_signal(data, name)
    return obs.value


def test_active_user_field_mapping(conn, upstream_server):
    data = conn.fetch("22656", now=NOW)
    assert data.status == "found" and data.partial == []
    assert data.display_name == "Jon Skeet"
    assert data.profile_url == "https://stackoverflow.com/users/22656/jon-skeet"
    assert data.bio == "Author of C# in Depth.\nClaim: candor-7f3a"
    assert data.created_at == "2008-09-26T12:05:05Z"
    assert level(data, "reputation") == 1512000
    assert level(data, "reputation_year") == 61234
    scores = {(o.item, o.value, o.at) for o in by_signal(data, "answer_score")}
    assert ("79001", 12, "2026-11-17") in scores and len(scores) == 6
    accepted = sorted(o.item for o in by_signal(data, "accepted_answers"))
    assert accepted == ["79001", "79003", "79006"]
    assert level(data, "answer_score_mean") == pytest.approx(60 / 6)
    assert level(data, "account_age_days") == (NOW - datetime(2008, 9, 26, 12, 5, 5,
                                                                tzinfo=UTC)).days
    assert data.topics == {"c#": 250000, "java": 120000}  # tags without answer score drop
    assert [(link.account, link.linked_by) for link in data.links] == [
        ("github:jskeet", "stackoverflow website_url")]
    # filter/create + users + answers + top-tags; the filter id is then reused.
    assert upstream_server.hits["stackexchange"] == 4
    conn.fetch("22656", now=NOW)
    assert upstream_server.hits["stackexchange"] == 7


def test_requests_carry_site_and_filter(conn, upstream_server):
    conn.fetch("22656", now=NOW)
    paths = [p for _, p, _ in upstream_server.requests]
    user_call = next(p for p in paths if p.startswith("/stackexchange/users/22656?"))
    assert "site=stackoverflow" in user_call and "filter=%21fakeAboutMe" in user_call


def test_new_user(conn):
    data = conn.fetch("1", now=NOW)
    assert data.status == "found"
    assert level(data, "reputation") == 1
    assert level(data, "account_age_days") == 7
    # Measured: the answers call answered an empty list, so these are zeros, not gaps.
    assert level(data, "answer_score") == 0 and level(data, "answer_score_mean") == 0
    assert level(data, "accepted_answers") == 0 and data.unobserved == []
    assert data.topics == {} and data.bio is None


def test_not_found_is_empty_items(conn):
    data = conn.fetch("999999", now=NOW)
    assert data.status == "not_found" and data.observations == []


def test_hostile_html_is_text(conn):
    data = conn.fetch("666", now=NOW)
    assert data.display_name == "<img src=x onerror=alert(1)>"  # entities decoded to text
    assert data.bio == "hi"  # about_me markup and script content stripped
    assert "<" not in (data.bio or "")


def test_one_answer_dominates(conn):
    data = conn.fetch("4242", now=NOW)
    values = sorted(o.value for o in by_signal(data, "answer_score"))
    assert values == [1, 2, 5000]
    assert {o.item for o in by_signal(data, "answer_score")} == {"1001", "1002", "1003"}


def test_suspended(conn):
    data = conn.fetch("31337", now=NOW)
    assert data.status == "suspended" and "suspended" in data.flags
    assert by_signal(data, "reputation") == []


def test_throttle_violation_is_rate_limited(conn):
    with pytest.raises(UpstreamError) as err:
        conn.fetch("5020", now=NOW)
    assert err.value.kind == "rate_limited"
    assert err.value.retry_at and err.value.retry_at > NOW.timestamp()


def test_bad_parameter_is_upstream_error(conn):
    with pytest.raises(UpstreamError) as err:
        conn.fetch("4000", now=NOW)
    assert err.value.kind == "upstream_error" and "bad_parameter" in str(err.value)


def test_secondary_failure_is_partial(conn):
    data = conn.fetch("5000", now=NOW)
    assert data.status == "found" and data.partial == ["answers"]
    assert data.unobserved == ["accepted_answers", "answer_score", "answer_score_mean"]
    assert level(data, "reputation") == 900


def test_backoff_is_honoured(conn, upstream_server):
    data = conn.fetch("7777", now=NOW)
    assert data.status == "found" and data.partial == ["answers", "top_tags"]
    before = upstream_server.hits["stackexchange"]
    with pytest.raises(UpstreamError) as err:
        conn.fetch("22656", now=NOW)  # the API asked for 10 s of silence
    assert err.value.kind == "rate_limited"
    assert upstream_server.hits["stackexchange"] == before  # refused locally, no request


def test_quota_exhausted_stops_secondary_calls(conn, upstream_server):
    data = conn.fetch("8888", now=NOW)
    assert data.status == "found"
    assert data.partial == ["answers", "top_tags"]
    assert not any("/answers" in p for _, p, _ in upstream_server.requests)


def test_primary_failure_propagates(conn, upstream_server):
    upstream_server.faults["stackexchange"] = "503"
    with pytest.raises(UpstreamError):
        conn.fetch("22656", now=NOW)


def test_key_goes_in_header_not_query(settings, upstream_server):
    so.reset_state()
    keyed = dataclasses.replace(settings, credentials={"stackexchange_key": "se-key-123"})
    make_connector("stackoverflow", keyed, Upstream(keyed)).fetch("1", now=NOW)
    assert upstream_server.requests
    for _, path, headers in upstream_server.requests:
        assert headers.get("Authorization") == "Bearer se-key-123"
        assert "se-key-123" not in path
    so.reset_state()


@pytest.mark.parametrize("bad", ["", "abc", "0", "-1", "12.5", "1;2", "22656 ", "0123", "1e5",
                                 "9" * 13])
def test_invalid_handles_make_no_request(conn, upstream_server, bad):
    if bad == "22656 ":
        assert conn.validate(bad) == "22656"  # surrounding space is forgiven
        return
    with pytest.raises(InvalidHandle):
        conn.fetch(bad, now=NOW)
    assert upstream_server.hits["stackexchange"] == 0


def _comparable(data):
    return (data.status, data.display_name, data.bio, sorted(data.observations, key=repr),
            data.topics, data.partial, data.unobserved, data.links)


def test_fetch_many_reads_profiles_in_one_vector_call(conn, upstream_server):
    ids = ["22656", "1", "31337", "5000", "999999", "4242"]
    many = conn.fetch_many(ids, now=NOW)
    assert list(many) == ids
    profile_calls = [p for _, p, _ in upstream_server.requests
                     if p.startswith("/stackexchange/users/") and "/answers" not in p
                     and "/top-tags" not in p]
    assert len(profile_calls) == 1
    assert "/users/22656;1;31337;5000;999999;4242?" in profile_calls[0]
    assert "pagesize=100" in profile_calls[0]
    assert many["999999"].status == "not_found" and many["31337"].status == "suspended"
    assert many["5000"].partial == ["answers"]
    for uid in ids:  # the same evidence as one-by-one fetches
        assert _comparable(many[uid]) == _comparable(conn.fetch(uid, now=NOW)), uid


def test_fetch_many_splits_at_100_ids(conn, upstream_server):
    ids = [str(100000 + i) for i in range(150)] + ["22656"]
    many = conn.fetch_many(ids, now=NOW)
    assert many["22656"].status == "found"
    assert sum(d.status == "not_found" for d in many.values()) == 150
    vectors = [p for _, p, _ in upstream_server.requests if ";" in p]
    assert [p.count(";") + 1 for p in vectors] == [100, 51]


def test_fetch_many_throttled_batch_fails_every_id(conn, upstream_server):
    upstream_server.faults["stackexchange"] = "500"
    many = conn.fetch_many(["22656", "1"], now=NOW)
    assert all(isinstance(v, UpstreamError) for v in many.values())


def test_fetch_many_runs_each_subjects_calls_side_by_side(conn, upstream_server, monkeypatch):
    """Two subjects' answers calls must be in flight together: each waits (up to 5 s) at a
    barrier for the other, which only a concurrent batch can pass."""
    import threading

    from tests.fakes import stackoverflow as fake

    barrier = threading.Barrier(2, timeout=5)
    original = fake.respond

    def meeting(path, query, headers):
        if path.endswith("/answers"):
            try:
                barrier.wait()
            except threading.BrokenBarrierError:
                return 500, {"Content-Type": "text/html"}, b"<html>alone</html>"
        return original(path, query, headers)

    monkeypatch.setattr(fake, "respond", meeting)
    many = conn.fetch_many(["22656", "4242"], now=NOW)
    assert many["22656"].partial == [] and many["4242"].partial == []
