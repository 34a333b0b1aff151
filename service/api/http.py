"""Small helpers for turning a served envelope into an HTTP response."""

from __future__ import annotations

from flask import Response, request

from schemas.requests import ROLE_NAMES
from service.errors import ApiError
from service.reports import Served


def role_arg() -> str:
    role = request.args.get("role", "general")
    if role not in ROLE_NAMES:
        choices = f"Must be one of: {', '.join(ROLE_NAMES)}."
        raise ApiError(422, "validation_error", "unknown role",
                       {"fields": {"query": {"role": [choices]}}})
    return role


def json_response(served: Served, *, cache_control: str) -> Response:
    if served.status_code == 202:
        response = Response(served.body or b'{"status":"pending"}', status=202,
                            mimetype="application/json")
        response.headers["Retry-After"] = str(served.retry_after or 2)
        response.headers["Cache-Control"] = "no-store"
        return response
    if served.etag and served.etag.strip('"') in request.if_none_match:
        response = Response(status=304)
    else:
        response = Response(served.body, mimetype="application/json")
    if served.etag:
        response.headers["ETag"] = served.etag
    response.headers["Cache-Control"] = cache_control if served.state != "snapshot" else "no-store"
    response.headers["X-Candor-Cache"] = served.state
    return response
