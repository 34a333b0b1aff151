"""Where tests save screenshots: never into tracked files unless asked to.

By default a run writes ``build/screenshots/<group>/`` (git-ignored), so running the suite
leaves ``git status`` clean. With ``CANDOR_REFRESH_SCREENSHOTS=1`` the same tests write
``docs/screenshots/<group>/`` instead, the pictures the README and docs show; the README's
"refresh the screenshots" command does exactly that.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFRESH_ENV = "CANDOR_REFRESH_SCREENSHOTS"


def refreshing() -> bool:
    return os.environ.get(REFRESH_ENV, "") == "1"


def shots_dir(group: str) -> Path:
    """The folder for ``group``'s screenshots in this run (created if missing)."""
    base = ROOT / ("docs" if refreshing() else "build") / "screenshots"
    path = base / group
    path.mkdir(parents=True, exist_ok=True)
    return path
