"""Drives the extension's own checks from the project's single test command.

- ``node --test`` in extension/ (adapters vs the golden URLs, background client, build, no
  HTML-string sinks);
- ``web-ext lint --warnings-as-errors`` on the Firefox build (offline; needs ``npm ci`` in
  extension/, which tests/run.sh does).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

EXT = Path(__file__).resolve().parent.parent / "extension"


def _node() -> str:
    node = shutil.which("node")
    assert node, "node (20+) is required for the extension tests"
    return node


def test_node_unit_tests_pass():
    files = sorted(str(p.relative_to(EXT)) for p in (EXT / "test").glob("*.test.js"))
    assert len(files) >= 3
    proc = subprocess.run([_node(), "--test", *files], cwd=EXT, capture_output=True, text=True,
                          timeout=120)
    summary = [line for line in proc.stdout.splitlines() if line.startswith(("# pass", "# fail"))]
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]
    assert summary and summary[-1] == "# fail 0", summary


def test_web_ext_lint_firefox_build_has_no_warnings(tmp_path):
    web_ext = EXT / "node_modules" / ".bin" / "web-ext"
    assert web_ext.exists(), "run `npm ci` in extension/ (tests/run.sh does)"
    build = subprocess.run([_node(), "build.mjs", "--out", str(tmp_path), "firefox"], cwd=EXT,
                           capture_output=True, text=True, timeout=60)
    assert build.returncode == 0, build.stderr
    proc = subprocess.run(
        [str(web_ext), "lint", "--source-dir", str(tmp_path / "firefox"), "--warnings-as-errors",
         "--output", "json", "--no-config-discovery"],
        cwd=EXT, capture_output=True, text=True, timeout=120,
    )
    # npm may print config warnings before the JSON document.
    report = json.loads(proc.stdout[proc.stdout.index("{"):])
    found = [f"{m['code']}: {m.get('file', '')} {m['message']}"
             for kind in ("errors", "warnings", "notices") for m in report[kind]]
    assert proc.returncode == 0 and not found, "\n".join(found) or proc.stderr
