"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from service.app import services

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    """The process is alive (no dependency checked)."""
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz() -> Response:
    """Database and cache reachable."""
    svc = services()
    checks = {"database": bool(svc.database.ping()), "cache": bool(svc.cache.healthy())}
    ready = all(checks.values())
    response = jsonify({"status": "ready" if ready else "not_ready", "checks": checks})
    response.status_code = 200 if ready else 503
    if not ready:
        response.headers["Retry-After"] = "10"
    return response


@bp.get("/metrics")
def metrics() -> Response:
    from service.metrics import render

    body, content_type = render()
    return Response(body, content_type=content_type)
