"""Orchestration: identity, parallel fetch under one deadline, degradation."""

from __future__ import annotations

import time

import pytest

from service.lookup import score_subject
from service.networks.base import InvalidHandle, UnknownNetwork


def test_links_published_by_the_person_are_followed_and_say_how(settings, upstream):
    report = score_subject("github:octocat", settings=settings, upstream=upstream)
    linked_by = {n["account"]: n["linked_by"] for n in report["networks"]}
    assert linked_by["github:octocat"] == "primary"
    discovered = [a for a, how in linked_by.items() if how != "primary"]
    assert discovered, "octocat publishes social accounts"
    assert all(linked_by[a] for a in discovered)


def test_no_discovery_when_disabled(settings, upstream):
    report = score_subject("github:octocat", settings=settings, upstream=upstream,
                           discover=False)
    assert [n["account"] for n in report["networks"]] == ["github:octocat"]


def test_failing_network_is_degraded_not_fatal(settings, upstream, upstream_server):
    # dev.to/octocat is published on the GitHub profile: its failure is named (it might
    # have verified); a failing account nobody linked is simply not counted.
    upstream_server.faults["devto"] = "500"
    report = score_subject("github:octocat", accounts=["devto:octocat"],
                           settings=settings, upstream=upstream, discover=False)
    assert report["status"] == "scored"
    assert [d["network"] for d in report["degraded"]] == ["devto"]


def test_slow_network_is_cut_by_the_deadline(settings, upstream, upstream_server):
    from dataclasses import replace

    upstream_server.faults["hackernews"] = "timeout"
    quick = replace(settings, report_deadline=1.5)
    started = time.monotonic()
    report = score_subject("github:octocat", accounts=["hackernews:octocat"], settings=quick,
                           upstream=upstream, discover=False)
    assert time.monotonic() - started < 4
    # octocat links news.ycombinator.com/user?id=octocat: a cut-off fetch is named.
    assert "hackernews" in [d["network"] for d in report["degraded"]]
    assert report["status"] == "scored"


def test_keyed_networks_are_not_configured_without_keys(upstream_server, tmp_path):
    from service.config import Settings
    from service.upstream import Upstream

    env = {k: v for k, v in upstream_server.env().items() if "YOUTUBE_KEY" not in k}
    settings = Settings.from_env({**env, "CANDOR_INSTANCE_PATH": str(tmp_path)})
    report = score_subject("github:octocat", accounts=["youtube:@octocat"], settings=settings,
                           upstream=Upstream(settings), discover=False)
    youtube = next(n for n in report["networks"] if n["network"] == "youtube")
    assert youtube["status"] == "not_configured"
    assert upstream_server.hits["youtube"] == 0


@pytest.mark.parametrize("account,error", [
    ("github:-bad-", InvalidHandle), ("myspace:tom", UnknownNetwork), ("octocat", ValueError),
])
def test_bad_input_raises_before_any_request(settings, upstream, upstream_server, account, error):
    with pytest.raises(error):
        score_subject(account, settings=settings, upstream=upstream)
    assert sum(upstream_server.hits.values()) == 0


def test_identical_inputs_give_identical_reports(settings, upstream):
    from datetime import UTC, datetime

    now = datetime(2026, 11, 1, tzinfo=UTC)
    a = score_subject("github:octocat", settings=settings, upstream=upstream, now=now)
    b = score_subject("github:octocat", settings=settings, upstream=upstream, now=now)
    for report in (a, b):
        for net in report["networks"]:
            net.pop("fetched_at", None)
    assert a == b
