"""Time windows in request URLs start at midnight UTC, so a later fetch can revalidate.

A lower bound to the second ("start_time=...T09:54:40Z") makes every call a new URL with no
stored ETag: the upstream client then never sends If-None-Match for it. The X timeline, the
Hacker News comment count and the GitLab merge requests take a whole-day bound
(``base.window_start``); the items of the extra hours are dropped by the connector.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from service.networks import make_connector
from service.networks.base import window_start
from tests.networks.helpers import obs

NOW = datetime(2026, 11, 20, 12, 0, 7, tzinfo=UTC)


def test_window_start_is_midnight_utc_days_before():
    assert window_start(NOW, 365) == datetime(2025, 11, 20, tzinfo=UTC)
    later = NOW + timedelta(hours=11, minutes=59)
    assert window_start(later, 90) == window_start(NOW, 90)
    assert window_start(NOW + timedelta(hours=12), 90) == window_start(NOW, 89)


@pytest.mark.parametrize("network, handle, window_path", [
    ("x", "octocat", "/tweets"),
    ("hackernews", "octocat", "search_by_date"),
    ("gitlab", "jdoe", "/merge_requests"),
])
def test_same_day_fetch_sends_the_same_url_with_its_validator(
        settings, upstream, upstream_server, network, handle, window_path):
    conn = make_connector(network, settings, upstream)
    conn.fetch(conn.validate(handle), now=NOW)
    first = [(p, h) for _, p, h in upstream_server.requests]
    upstream_server.reset()
    conn.fetch(conn.validate(handle), now=NOW + timedelta(seconds=7))
    second = [(p, h) for _, p, h in upstream_server.requests]
    windowed = [p for p, _ in first if window_path in p]
    assert windowed, f"no {window_path} call in {[p for p, _ in first]}"
    assert [p for p, _ in second] == [p for p, _ in first]
    # Every repeated call carries the validator from the first answer.
    assert all(h.get("If-None-Match") for p, h in second if window_path in p)


def test_x_drops_posts_before_the_exact_window(settings, upstream, upstream_server):
    """The fake's oldest post is 240 days before the wall clock. With ``now`` 125 days and a
    minute ahead of it, that post is a minute older than the 365-day window but on its first
    day, which the whole-day URL bound still returns: the connector must not count it."""
    conn = make_connector("x", settings, upstream)
    now = datetime.now(UTC) + timedelta(days=125, seconds=60)
    data = conn.fetch("octocat", now=now)
    timeline = [p for _, p, _ in upstream_server.requests if "/tweets" in p][0]
    assert "start_time=" + window_start(now, 365).strftime("%Y-%m-%dT%H") in timeline
    engagements = [o for o in data.observations if o.signal == "post_engagement"]
    assert len(engagements) == 14  # 12 recent + the posts 120 and 180 days old, not 240
    assert obs(data, "posts_recent") == 0  # every post is 125+ days before this "now"
