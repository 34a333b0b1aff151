"""Property-based fuzzing of the whole HTTP API from its own OpenAPI document (schemathesis).

Every operation in ``/openapi.json`` gets a bounded number of generated requests against a
live server; no answer may be a server error or disagree with the documented responses.
The second test is the schemathesis command itself with ``--checks all`` and every phase,
the stateful one included, authenticated as a recruiter key and a claimed person
(exceptions, each explained, in ``schemathesis.toml``).
"""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from bench._servers import Gunicorn, service_env, upgrade_db
from bench.multi_instance import candor_cmd
from tests.fakes import github as fake_github
from tests.resilience.conftest import LiveServer, ShortRetryFake, make_settings

MAX_EXAMPLES = 25


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory):
    fake = ShortRetryFake().start()
    live = LiveServer(make_settings(fake, tmp_path_factory.mktemp("fuzz"))).start()
    try:
        yield schemathesis.openapi.from_url(f"http://127.0.0.1:{live.port}/openapi.json")
    finally:
        live.stop()
        fake.stop()


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_api_matches_its_spec(case):
    case.call_and_validate(checks=[not_a_server_error, response_schema_conformance],
                           timeout=30)


CONFIG = Path(__file__).with_name("schemathesis.toml")
LIMITS = ("CANDOR_BADGE_LIMIT", "CANDOR_REPORT_LIMIT", "CANDOR_CHECK_LIMIT", "CANDOR_CLAIM_LIMIT")


def _claim_token(port: int) -> str:
    """A verified claim on a fake GitHub profile, made the way the person would."""
    _, _, body = http_request(port, "POST", "/v1/claims", {"account": "github:fuzzclaimer"})
    claim = json.loads(body)
    fake_github.USERS["fuzzclaimer"]["bio"] = f"Fuzzing. {claim['code']}"
    status, _, body = http_request(port, "POST", f"/v1/claims/{claim['id']}/verify")
    assert status == 200, body
    return json.loads(body)["token"]


def http_request(port: int, method: str, path: str, body: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        data = None if body is None else json.dumps(body).encode()
        conn.request(method, path, body=data,
                     headers={"Content-Type": "application/json"} if data else {})
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


def test_schemathesis_all_checks_every_phase_including_stateful(tmp_path):
    """Against the production server (gunicorn, service/gunicorn_conf.py) in its own process,
    so the lookups the fuzzer queues end with it and never reach later tests."""
    fake_github.USERS["fuzzclaimer"] = fake_github._user(
        "fuzzclaimer", 9100777, name="Fuzz Claimer", bio="Fuzzing.", public_repos=0,
        followers=1, created_at="2016-06-06T00:00:00Z")
    fake = ShortRetryFake().start()
    # One fuzzing client must not spend the per-IP limits.
    env = service_env(fake, tmp_path / "instance", extra={
        **{name: "1000000/minute" for name in LIMITS}, "CANDOR_REPORT_DEADLINE": "1.5"})
    try:
        upgrade_db(env)
        key = subprocess.run(candor_cmd("keys", "create", "--name", "fuzzer", "--limit",
                                        "1000000/hour"), env=env, check=True,
                             capture_output=True, text=True, timeout=60).stdout.split()[-1]
        with Gunicorn(env, workers=2, threads=4, log_path=tmp_path / "gunicorn.log") as server:
            token = _claim_token(server.port)
            cmd = [sys.executable, "-m", "schemathesis.cli", "--config-file", str(CONFIG),
                   "run", f"http://127.0.0.1:{server.port}/openapi.json", "--checks", "all",
                   "--phases", "examples,coverage,fuzzing,stateful", "--max-examples", "10",
                   "--request-timeout", "20", "--workers", "2",
                   "-H", f"X-API-Key: {key}", "-H", f"Authorization: Bearer {token}"]
            # cwd: schemathesis may leave a cache folder behind, never in the checkout.
            run = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True,
                                 timeout=170)
    finally:
        fake.stop()
        fake_github.USERS.pop("fuzzclaimer", None)
    log = (tmp_path / "gunicorn.log").read_text(errors="replace")[-3000:]
    assert run.returncode == 0, run.stdout[-8000:] + run.stderr[-2000:] + log
    assert "Stateful" in run.stdout and "API Links" in run.stdout
    assert "Authentication failed" not in run.stdout, "authenticated operations went untested"
