"""The README's first command: ``candor run`` migrates and serves on embedded defaults."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_candor_run_serves_badges_on_embedded_defaults(upstream_server, tmp_path):
    port = free_port()
    # As the README's quick start runs it: `.venv/bin/candor run` with the venv NOT on PATH
    # (it must find its own gunicorn).
    env = {**os.environ, **upstream_server.env(), "PORT": str(port),
           "WEB_CONCURRENCY": "1", "CANDOR_INSTANCE_PATH": str(tmp_path / "instance"),
           "PATH": "/usr/local/bin:/usr/bin:/bin"}
    candor = Path(sys.executable).parent / "candor"
    assert candor.exists(), "pip install -e . puts the candor command beside its Python"
    proc = subprocess.Popen([candor, "run"], env=env, cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            assert proc.poll() is None, proc.stdout.read()
            try:
                with urllib.request.urlopen(f"{base}/readyz", timeout=2) as resp:
                    assert resp.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline, "candor run did not become ready"
                time.sleep(0.3)
        with urllib.request.urlopen(f"{base}/v1/badges/github/octocat", timeout=20) as resp:
            badge = json.load(resp)
        assert badge["subject"] == "github:octocat" and badge["caveats"]
        with urllib.request.urlopen(f"{base}/", timeout=10) as resp:  # the URL printed
            assert resp.status == 200 and b'href="/check"' in resp.read()
        with urllib.request.urlopen(f"{base}/docs", timeout=10) as resp:
            assert b"swagger-ui-bundle.js" in resp.read()
        assert (tmp_path / "instance" / "candor.sqlite3").exists()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
