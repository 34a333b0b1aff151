"""A real Firefox (Debian's firefox-esr, WebDriver BiDi through puppeteer-core) with the built
Firefox add-on shows a badge from the local service (on a free port: the add-on's loopback host
permission carries no port, which is all Firefox accepts)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from tests.e2e.conftest import EXT, SHOTS, fixture_page, wait_until

pytestmark = pytest.mark.browser


def test_firefox_shows_a_badge_from_the_local_service(candor_service, tmp_path):
    firefox = shutil.which("firefox-esr") or shutil.which("firefox")
    node = shutil.which("node")
    if not firefox and os.environ.get("CI") != "true":
        pytest.skip("firefox-esr is not installed")
    assert firefox and node, "firefox-esr and node are required (tests/run.sh installs them)"
    subprocess.run([node, "build.mjs", "--out", str(tmp_path), "firefox"], cwd=EXT, check=True,
                   capture_output=True, timeout=60)
    page = tmp_path / "octocat.html"
    page.write_text(fixture_page("github", name="The Octocat", handle="octocat",
                                 bio="Mascot."), encoding="utf-8")
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = SHOTS / "firefox-github-badge.png"
    candor_service.recorder.clear()
    proc = subprocess.run(
        [node, "test/firefox-e2e.mjs", str(tmp_path / "firefox"), candor_service.url, str(page),
         str(shot), "octocat"],
        cwd=EXT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "FIREFOX": firefox})
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    assert lines, proc.stdout[-2000:] + proc.stderr[-2000:]
    seen = json.loads(lines[-1])
    assert seen["ok"], seen.get("error")
    assert seen["host"]["closed"] and seen["host"]["onTop"], seen
    r, g, b = seen["pixel"]  # the rendered badge is the scored one (dark blue pill)
    assert b > 100 and r < 80 and g < 100, seen
    # The add-on's own request reached the service (no key configured) and was answered.
    sent = wait_until(lambda: candor_service.recorder.matching("GET", "/v1/badges/github/octocat"),
                      5, "the add-on's request")
    assert sent[0][3] == 200 and sent[0][2] is None, sent
    assert shot.exists()
