#!/usr/bin/env bash
# Install everything the test suite needs, then run it all (Python, extension, browser).
# Works on a fresh Debian machine with Python 3.11 and Node 20; safe to run again.
# Python packages go into a virtual environment, .venv (created if missing): Debian's own
# Python refuses `pip install` outside one (PEP 668, "externally-managed-environment").
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v firefox-esr >/dev/null 2>&1 || need_apt+=(firefox-esr)
# `python3 -m venv` needs ensurepip, which Debian ships separately.
[ -x .venv/bin/python ] || python3 -c 'import ensurepip' >/dev/null 2>&1 || need_apt+=(python3-venv)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
PY=.venv/bin/python
export PATH="$PWD/.venv/bin:$PATH"  # as `activate` does: tests start `candor`, `gunicorn`
"$PY" -m pip install -q -e '.[dev]'
if [ -f extension/package.json ]; then
  (cd extension && npm ci --no-audit --no-fund --silent)
fi

"$PY" -m ruff check .
"$PY" -m pytest "$@"
