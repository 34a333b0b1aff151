"""The front door and the API reference: ``GET /``, ``/docs`` (Swagger UI, offline, from the
installed package), examples for every operation, and credentials checked before bodies."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest

from service.api.docs import SWAGGER_DIST
from service.scoring import catalogue
from service.store import keys
from tests.api.test_errors import assert_error

METHODS = ("get", "post", "put", "delete", "patch")


def test_landing_page_links_the_self_check_methodology_and_docs(client):
    response = client.get("/")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    for link in ('href="/check"', 'href="/methodology"', 'href="/docs"'):
        assert link in page, link
    assert "What it does not measure" in page  # the caveat wherever Candor is described
    assert "script-src" not in response.headers["Content-Security-Policy"]  # no JS at all


def test_check_without_a_role_uses_the_default_role(client, upstream_server):
    default = catalogue.roles()["default"]
    response = client.get("/check?accounts=github:octocat")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    page = response.get_data(as_text=True)
    assert f'<option value="{default}" selected' in page
    explicit = client.get(f"/check?accounts=github:octocat&role={default}")
    assert explicit.status_code == 200
    # A role that is given but unknown is still an error, not silently replaced.
    assert client.get("/check?accounts=github:octocat&role=astronaut").status_code == 400


def test_docs_is_swagger_ui_served_from_the_installed_package(client):
    response = client.get("/docs")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'src="/docs/assets/swagger-ui-bundle.js"' in page
    assert 'src="/static/api-docs.js"' in page
    assert "http://" not in page.replace("http://127.0.0.1", "") and "//cdn" not in page
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "unsafe-eval" not in csp
    for name in ("swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css"):
        asset = client.get(f"/docs/assets/{name}")
        assert asset.status_code == 200
        assert asset.data == (Path(SWAGGER_DIST) / name).read_bytes()
    assert_error(client.get("/docs/assets/index.html"), 404, "not_found")
    assert_error(client.get("/docs/assets/..%2f__init__.py"), 404)


def _json_schema(schema, defs_prefix="#/$defs/"):
    """OpenAPI 3.0 schema → JSON Schema (``nullable`` and ``$ref`` locations differ)."""
    if isinstance(schema, list):
        return [_json_schema(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: _json_schema(v) for k, v in schema.items()
           if k not in ("nullable", "example", "readOnly", "writeOnly")}
    if "$ref" in out:
        out["$ref"] = out["$ref"].replace("#/components/schemas/", defs_prefix)
    return {"anyOf": [out, {"type": "null"}]} if schema.get("nullable") else out


def _operations(spec):
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method in METHODS:
                yield f"{method.upper()} {path}", op, item


def test_every_operation_has_examples_that_its_schemas_accept(client):
    spec = client.get("/openapi.json").get_json()
    defs = {name: _json_schema(s) for name, s in spec["components"]["schemas"].items()}
    ops = list(_operations(spec))
    assert len(ops) >= 15
    for name, op, item in ops:
        checked = 0
        for param in op.get("parameters", []) + item.get("parameters", []):
            assert "example" in param, (name, param["name"])
            jsonschema.validate(param["example"], _json_schema(param["schema"]))
            checked += 1
        bodies = [op.get("requestBody", {})] + list(op["responses"].values())
        for body in bodies:
            for media in (body.get("content") or {}).values():
                if "schema" not in media:
                    continue
                assert "example" in media, name
                jsonschema.validate(media["example"], {**_json_schema(media["schema"]),
                                                       "$defs": defs})
                checked += 1
        assert checked, f"{name} has no example at all"
    body = spec["paths"]["/v1/lookups"]["post"]["requestBody"]["content"]["application/json"]
    assert body["example"]["subjects"][0]["accounts"][0] == "github:octocat"


@pytest.fixture
def key(app):
    with app.extensions["candor"].database.session() as session:
        _info, raw = keys.create_key(session, "Docs test")
    return raw


@pytest.mark.parametrize("method, path, body", [
    ("post", "/v1/lookups", {"subjects": "not a list"}),
    ("get", "/v1/lookups/abc", None),
    ("get", "/v1/audit?page=-3&page_size=zero", None),
    ("put", "/v1/me/links", {"accounts": 7}),
    ("get", "/v1/me/access-log?page=abc", None),
])
def test_no_credential_is_401_before_a_bad_body_or_query_is_422(client, method, path, body):
    response = getattr(client, method)(path, json=body)
    assert_error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_with_a_valid_key_a_bad_body_is_still_422(client, key):
    response = client.post("/v1/lookups", json={"subjects": "not a list"},
                           headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 422, response.data[:300]
    bad_key = client.post("/v1/lookups", json={"subjects": "not a list"},
                          headers={"X-API-Key": key[:-2] + "xx"})
    assert_error(bad_key, 401, "unauthorized")
