"""Property-based fuzzing of the whole HTTP API from its own OpenAPI document (schemathesis).

Every operation in ``/openapi.json`` gets a bounded number of generated requests against a
live server; no answer may be a server error or disagree with the documented responses.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

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
