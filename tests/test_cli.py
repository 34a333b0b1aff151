"""The ``candor`` command against the fake upstreams, as a person would run it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest


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


def test_score_accepts_profile_urls_as_the_self_check_does(upstream_server, tmp_path):
    env = {**upstream_server.env(), "CANDOR_INSTANCE_PATH": str(tmp_path)}
    result = run_candor(["score", "https://github.com/octocat", "--json", "--no-discover"], env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["subject"] == "github:octocat"
    # A URL that is not a profile is refused in one line, before any network is asked.
    before = upstream_server.hits["github"]
    result = run_candor(["score", "https://github.com/rails/rails"], env)
    assert result.returncode == 2 and result.stderr.startswith("candor: ")
    assert "not a profile URL" in result.stderr
    assert upstream_server.hits["github"] == before


def test_score_exits_3_when_every_network_failed(upstream_server, tmp_path):
    from service.cli.score import UNREACHABLE

    upstream_server.faults["*"] = "500"
    env = {**upstream_server.env(), "CANDOR_INSTANCE_PATH": str(tmp_path)}
    result = run_candor(["score", "github:octocat", "devto:ben"], env)
    assert result.returncode == UNREACHABLE == 3, result.stderr
    assert "no network could be reached" in result.stdout
    assert "no network could be reached (" in result.stderr
    assert "github: upstream_error" in result.stderr
    assert "Traceback" not in result.stderr
    # One network answering is a (degraded) report: exit 0.
    upstream_server.faults.clear()
    upstream_server.faults["devto"] = "500"
    result = run_candor(["score", "github:octocat", "devto:ben", "--json"], env)
    assert result.returncode == 0, result.stderr
    assert [d["network"] for d in json.loads(result.stdout)["degraded"]] == ["devto"]


def test_keys_and_purge_work_on_a_fresh_instance(tmp_path):
    env = {"CANDOR_INSTANCE_PATH": str(tmp_path / "fresh")}
    listed = run_candor(["keys", "list"], env)
    assert listed.returncode == 0 and "Traceback" not in listed.stderr, listed.stderr
    assert (tmp_path / "fresh" / "candor.sqlite3").exists()  # migrated on the way
    env = {"CANDOR_INSTANCE_PATH": str(tmp_path / "fresh2")}
    created = run_candor(["keys", "create", "--name", "Acme"], env)
    assert created.returncode == 0, created.stderr
    key_id = re.search(r"key (\d+)", created.stdout).group(1)
    assert "Acme" in run_candor(["keys", "list"], env).stdout
    revoked = run_candor(["keys", "revoke", key_id], env)
    assert revoked.returncode == 0, revoked.stderr
    env = {"CANDOR_INSTANCE_PATH": str(tmp_path / "fresh3")}
    purged = run_candor(["purge", "--days", "30"], env)
    assert purged.returncode == 0 and "deleted 0 audit entries" in purged.stdout, purged.stderr


def test_an_unreachable_database_is_one_line_not_a_traceback(tmp_path):
    env = {"CANDOR_INSTANCE_PATH": str(tmp_path),
           "CANDOR_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"}
    result = run_candor(["keys", "list"], env)
    assert result.returncode == 1
    assert result.stderr.startswith("candor: database error") and "CANDOR_DATABASE_URL" in \
        result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


@pytest.mark.parametrize("variable, value", [
    ("CANDOR_RECRUITER_VISIBILITY", "claimed_only"),  # the privacy mode must not fail open
    ("CANDOR_BADGE_LIMIT", "lots"),
    ("CANDOR_REPORT_DEADLINE", "soon"),
    ("CANDOR_CACHE_URL", "memcached://127.0.0.1"),
    ("GUNICORN_TIMEOUT", "-1"),
])
def test_an_invalid_setting_stops_start_up_naming_the_variable(tmp_path, variable, value):
    env = {"CANDOR_INSTANCE_PATH": str(tmp_path), variable: value}
    for args in (["run"], ["db", "upgrade"], ["keys", "list"]):
        result = run_candor(args, env)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert result.stderr.startswith(f"candor: invalid setting {variable}="), result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "candor.sqlite3").exists()  # stopped before touching anything


def test_settings_built_in_code_refuse_an_unknown_visibility():
    from service.config import ConfigError, Settings

    with pytest.raises(ConfigError, match="CANDOR_RECRUITER_VISIBILITY"):
        Settings(recruiter_visibility="claimed_only")
    with pytest.raises(ConfigError, match="CANDOR_RECRUITER_VISIBILITY"):
        create_app_with({"CANDOR_RECRUITER_VISIBILITY": "Claimed-Only"})


def create_app_with(env: dict[str, str]):
    from service import create_app
    from service.config import Settings

    return create_app(Settings.from_env(env))
