"""``POST /v1/self-checks``: the JSON twin of the ``/check`` page."""

from __future__ import annotations

import json

from flask import Response
from flask_smorest import Blueprint

from schemas.common import ErrorResponse
from schemas.selfcheck import (
    SelfCheckRequest,
    SelfCheckResponse,
    WhatIfRequest,
    WhatIfResponse,
)
from service.api.http import public_base_url
from service.app import services
from service.errors import ApiError
from service.web import selfcheck, whatif

blp = Blueprint("selfcheck", __name__, url_prefix="/v1/self-checks",
                description="The candidate self-check: the report plus improvement tips")


@blp.route("", methods=["POST"])
@blp.arguments(SelfCheckRequest)
@blp.response(200, SelfCheckResponse)
@blp.alt_response(400, schema=ErrorResponse, description="invalid account")
@blp.alt_response(422, schema=ErrorResponse, description="the body did not validate")
def create_self_check(body: dict) -> Response:
    """Score your own accounts and get tips, each with an estimated gain.

    Computed fresh and never stored as a snapshot. Tips name one signal each, sorted by
    estimated gain; gameable signals (volume, followers) and excluded inputs never get one.
    """
    svc = services()
    try:
        accounts = selfcheck.normalize_all(body["accounts"], svc.settings)
        result = selfcheck.run(accounts, body["role"], discover=body["discover"],
                               settings=svc.settings, upstream=svc.upstream,
                               database=svc.database, base_url=public_base_url(),
                               cache_backend=svc.cache.backend)
    except selfcheck.AccountError as exc:
        raise ApiError(400, "invalid_account", exc.message, {"account": exc.text[:300]}) from exc
    data = {**result.report, "hover_card": result.badge,
            "published_accounts": result.published,
            "unverified_accounts": result.unverified,
            "check_id": result.check_id, "what_if_fields": result.editable}
    # The report is returned as the model built it (every field), like /v1/reports.
    response = Response(json.dumps(data, sort_keys=True, ensure_ascii=False),
                        mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


@blp.route("/what-if", methods=["POST"])
@blp.arguments(WhatIfRequest)
@blp.response(200, WhatIfResponse)
@blp.alt_response(400, schema=ErrorResponse, description="a change that cannot be applied")
@blp.alt_response(404, schema=ErrorResponse, description="the self-check expired")
@blp.alt_response(422, schema=ErrorResponse, description="the body did not validate")
def what_if(body: dict) -> Response:
    """Re-score a self-check's fetched inputs with changed values, without fetching again.

    Returns today's score, band and per-network contributions beside the what-if's. A
    what-if only adds work (a value below today's is refused); new work is dated today.
    """
    svc = services()
    try:
        data = whatif.what_if(svc.cache.backend, body["check_id"], body["subject"],
                              body["changes"])
    except whatif.WhatIfError as exc:
        raise ApiError(exc.status, exc.code, exc.message) from exc
    response = Response(json.dumps(data, sort_keys=True, ensure_ascii=False),
                        mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response
