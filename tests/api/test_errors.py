"""Every failure is JSON with a code and a message, the right status, never HTML or a 500."""

from __future__ import annotations

import pytest


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.data[:300]
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"}
    assert {"code", "message", "details"} <= set(body["error"])
    assert "Traceback" not in response.get_data(as_text=True)
    if code:
        assert body["error"]["code"] == code
    return body["error"]


def test_unknown_route_is_json_404(client):
    assert_error(client.get("/no/such/thing"), 404, "not_found")


def test_wrong_method_is_json_405(client):
    error = assert_error(client.delete("/v1/badges/github/octocat"), 405, "method_not_allowed")
    assert error["message"]


def test_unknown_network(client):
    error = assert_error(client.get("/v1/reports/myspace/tom"), 404, "unknown_network")
    assert "myspace" in error["message"]


@pytest.mark.parametrize("handle", ["-bad-", "a" * 10_000, "x--y", "has space"])
def test_invalid_github_handle(client, upstream_server, handle):
    assert_error(client.get(f"/v1/badges/github/{handle}"), 400, "invalid_handle")
    assert upstream_server.hits["github"] == 0  # refused before any request


def test_unknown_role_names_the_field(client):
    error = assert_error(client.get("/v1/reports/github/octocat?role=astronaut"), 422,
                         "validation_error")
    assert "role" in str(error["details"])


def test_batch_validation_names_the_field(client):
    error = assert_error(client.post("/v1/badges", json={"accounts": []}), 422,
                         "validation_error")
    assert "accounts" in str(error["details"])
    error = assert_error(client.post("/v1/badges", json={"accounts": ["github:a"] * 51}), 422)
    assert "accounts" in str(error["details"])


def test_batch_body_not_json(client):
    response = client.post("/v1/badges", data="{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert_error(response, response.status_code)


def test_body_too_large_is_413(client):
    big = '{"accounts": ["' + "a" * (300 * 1024) + '"]}'
    assert_error(client.post("/v1/badges", data=big, content_type="application/json"), 413,
                 "body_too_large")


def test_deep_json_is_a_clear_4xx(client):
    deep = "[" * 5000 + "]" * 5000
    response = client.post("/v1/badges", data=deep, content_type="application/json")
    assert 400 <= response.status_code < 500
    assert_error(response, response.status_code)
