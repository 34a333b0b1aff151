"""The interactive API reference: Swagger UI over ``/openapi.json``, served offline.

Swagger UI's files come from the ``flask-swagger-ui`` package (its ``dist`` folder, Apache
2.0, installed with the service), so ``/docs`` needs no network. Our own page loads them
with a start-up script of ours (no inline script: the page keeps a strict CSP) and lists
every operation in plain HTML for readers without JavaScript. The served OpenAPI document
carries an example for every parameter, request body and response (``service.api.examples``).
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, render_template, send_from_directory

from service.api.examples import add_examples

bp = Blueprint("docs", __name__)

SWAGGER_DIST = Path(str(files("flask_swagger_ui") / "dist"))
# Swagger UI sets inline styles and loads its icons as data: URLs; scripts only from here.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; connect-src 'self'; font-src 'self' data:; form-action 'self'; "
       "base-uri 'none'; frame-ancestors 'none'")
_ASSETS = frozenset({"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js",
                     "favicon-32x32.png", "favicon-16x16.png"})


def init_app(app: Flask) -> None:
    """Serve the OpenAPI document with examples (computed once: the routes are fixed)."""
    spec = app.extensions["candor_api"].spec
    plain = spec.to_dict
    cached: list[dict] = []

    def to_dict() -> dict:
        if not cached:
            cached.append(add_examples(plain()))
        return cached[0]

    spec.to_dict = to_dict  # flask-smorest's /openapi.json and our page both read this


def operations() -> list[dict]:
    spec = current_app.extensions["candor_api"].spec.to_dict()
    out = []
    for path, item in sorted(spec.get("paths", {}).items()):
        for method, op in item.items():
            if method not in ("get", "post", "put", "delete", "patch"):
                continue
            out.append({
                "method": method.upper(), "path": path,
                "summary": op.get("summary", ""), "description": op.get("description", ""),
                "responses": sorted(op.get("responses", {}).items()),
            })
    return out


@bp.get("/docs")
def api_docs() -> Response:
    spec = current_app.extensions["candor_api"].spec.to_dict()
    response = Response(render_template("api_docs.html", spec=spec, operations=operations()))
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/docs/assets/<name>")
def asset(name: str) -> Response:
    if name not in _ASSETS:
        from service.errors import ApiError

        raise ApiError(404, "not_found", "no such file")
    response = send_from_directory(SWAGGER_DIST, name, max_age=86400)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
