"""Badges for the hover card: the hot path is one cache read and bytes out."""

from __future__ import annotations

from flask import Response
from flask_smorest import Blueprint

from schemas.badge import Badge, BatchResult
from schemas.common import ErrorResponse
from schemas.requests import BadgeBatchRequest
from service.api.http import documented, json_response, public_base_url, role_arg
from service.app import services
from service.errors import ApiError
from service.web.badges import status_badge
from service.web.reports import BADGE_WAIT_SECONDS, dumps

blp = Blueprint("badges", __name__, url_prefix="/v1/badges",
                description="Compact badges for the browser extension's hover card")

ROLE_PARAM = {"in": "query", "name": "role", "schema": {"type": "string", "default": "general"}}


@blp.route("/<network>/<handle>")
@documented(
    blp.doc(parameters=[ROLE_PARAM]),
    blp.response(200, Badge),
    blp.alt_response(202, schema=Badge, description="pending: retry after Retry-After seconds"),
    blp.alt_response(304, description="not modified (If-None-Match)"),
    blp.alt_response(400, schema=ErrorResponse, description="invalid handle"),
    blp.alt_response(404, schema=ErrorResponse, description="unknown network"),
)
def get_badge(network: str, handle: str) -> Response:
    """The badge for one account."""
    role = role_arg()  # parsed by hand: this is the hot path
    reports = services().reports
    subject = f"{network}:{handle}"
    if network == "linkedin":
        return _linkedin(handle, role)
    served = reports.get(subject, role, part="badge", base_url=public_base_url(),
                         wait=BADGE_WAIT_SECONDS)
    if served.status_code == 202:
        served.body = dumps(_pending(subject, role))
    return json_response(served, cache_control="public, max-age=300")


def _pending(subject: str, role: str) -> dict:
    from service import scoring

    return status_badge(subject, role, "pending", scoring.general_caveats(), public_base_url())


def _linkedin(slug: str, role: str) -> Response:
    """LinkedIn has no public API: a badge only through a claimed subject who declared it."""
    from service import scoring
    from service.web.reports import Served

    resolver = getattr(services().reports, "linkedin_subject", None)
    subject = resolver(slug) if resolver else None
    if subject is None:
        body = dumps(status_badge(f"linkedin:{slug[:100]}", role, "not_claimed",
                                  scoring.general_caveats(), public_base_url()))
        return json_response(Served(body, None, "miss"), cache_control="public, max-age=300")
    served = services().reports.get(subject, role, part="badge", base_url=public_base_url(),
                                    wait=BADGE_WAIT_SECONDS)
    return json_response(served, cache_control="public, max-age=300")


@blp.route("", methods=["POST"])
@blp.arguments(BadgeBatchRequest)
@blp.response(200, BatchResult)
@blp.alt_response(422, schema=ErrorResponse, description="invalid body")
def post_badges(body: dict) -> Response:
    """Badges for up to 50 accounts, one result per account, in order."""
    import json

    results = services().reports.badge_batch(body["accounts"], body["role"], public_base_url())
    out = []
    for account, served_or_error in results:
        if isinstance(served_or_error, ApiError):
            out.append({"account": account, "error": {"code": served_or_error.code,
                                                      "message": served_or_error.message}})
        elif served_or_error.status_code == 202:
            out.append({"account": account, "badge": _pending(account, body["role"])})
        else:
            out.append({"account": account, "badge": json.loads(served_or_error.body)})
    response = Response(dumps({"results": out}), mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response
