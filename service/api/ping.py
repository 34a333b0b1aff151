"""``GET /v1/ping``: constant bytes, the floor a badge hit is measured against (bench/)."""

from __future__ import annotations

from flask import Blueprint, Response

bp = Blueprint("ping", __name__)

# About the size of a badge, so the two benchmarks move the same number of bytes.
_BODY = (b'{"status":"ok","service":"candor","note":"constant response used as the baseline '
         b'of the badge hot-path benchmark","padding":"' + b"x" * 2350 + b'"}')


@bp.get("/v1/ping")
def ping() -> Response:
    """Constant JSON: no cache, no database, no upstream."""
    response = Response(_BODY, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response
