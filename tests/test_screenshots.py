"""Screenshots go to the ignored build/ folder unless a refresh of the docs is asked for."""

from __future__ import annotations

import subprocess

from tests.screenshots import REFRESH_ENV, ROOT, shots_dir


def test_screenshots_go_to_build_by_default(monkeypatch):
    monkeypatch.delenv(REFRESH_ENV, raising=False)
    path = shots_dir("selfcheck")
    assert path == ROOT / "build" / "screenshots" / "selfcheck" and path.is_dir()
    probe = path / "probe.png"
    ignored = subprocess.run(["git", "check-ignore", "-q", str(probe)], cwd=ROOT)
    assert ignored.returncode == 0, "build/screenshots must be git-ignored"


def test_refresh_writes_the_docs_folder(monkeypatch):
    monkeypatch.setenv(REFRESH_ENV, "1")
    assert shots_dir("selfcheck") == ROOT / "docs" / "screenshots" / "selfcheck"
    monkeypatch.setenv(REFRESH_ENV, "0")
    assert shots_dir("selfcheck").parts[-3] == "build"
