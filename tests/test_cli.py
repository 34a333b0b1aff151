"""The ``candor`` command against the fake upstreams, as a person would run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys


def run_candor(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **env}
    return subprocess.run([sys.executable, "-m", "service.cli", *args], env=full_env,
                          capture_output=True, text=True, timeout=60)


def test_score_prints_a_readable_report(upstream_server, tmp_path):
    env = {**upstream_server.env(), "CANDOR_INSTANCE_PATH": str(tmp_path)}
    result = run_candor(["score", "github:octocat", "stackoverflow:22656", "--role",
                         "engineering"], env)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Candor report for github:octocat (role: engineering)" in out
    assert "Score:" in out and "stackoverflow" in out
    assert "What this doesn't measure:" in out


def test_score_json_is_the_full_report(upstream_server, tmp_path):
    env = {**upstream_server.env(), "CANDOR_INSTANCE_PATH": str(tmp_path)}
    result = run_candor(["score", "github:octocat", "--json"], env)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["subject"] == "github:octocat"
    assert report["caveats"] and report["model_version"]


def test_bad_input_is_one_clear_line_and_nonzero_exit(upstream_server, tmp_path):
    env = {**upstream_server.env(), "CANDOR_INSTANCE_PATH": str(tmp_path)}
    for args in (["score", "github:-bad-"], ["score", "myspace:tom"], ["score", "octocat"],
                 ["score", "github:octocat", "--role", "astronaut"]):
        result = run_candor(args, env)
        assert result.returncode != 0, args
        assert result.stderr.startswith("candor: "), result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert "Traceback" not in result.stderr
    assert upstream_server.hits["github"] == 0
