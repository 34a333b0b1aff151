"""A human-readable API reference rendered from the OpenAPI document (works offline)."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

bp = Blueprint("docs", __name__)


@bp.get("/docs")
def api_docs() -> str:
    spec = current_app.extensions["candor_api"].spec.to_dict()
    operations = []
    for path, item in sorted(spec.get("paths", {}).items()):
        for method, op in item.items():
            if method not in ("get", "post", "put", "delete", "patch"):
                continue
            operations.append({
                "method": method.upper(), "path": path,
                "summary": op.get("summary", ""), "description": op.get("description", ""),
                "parameters": op.get("parameters", []) + item.get("parameters", []),
                "responses": sorted(op.get("responses", {}).items()),
                "tags": op.get("tags", []),
            })
    return render_template("api_docs.html", spec=spec, operations=operations)
