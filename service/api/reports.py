"""Full reports and their history."""

from __future__ import annotations

from flask import Response, request
from flask_smorest import Blueprint

from schemas.common import ErrorResponse
from schemas.report import History, Report
from schemas.requests import ReportQuery, RoleQuery
from service.api.http import json_response, public_base_url, role_arg
from service.app import services
from service.errors import ApiError

blp = Blueprint("reports", __name__, url_prefix="/v1/reports",
                description="Full reports: every number with its inputs and caveats")

REPORT_WAIT_SECONDS = 15.0


def _accounts_arg() -> tuple[str, ...]:
    raw = request.args.get("accounts", "")
    if len(raw) > 2000:
        raise ApiError(400, "invalid_accounts", "accounts is too long (max 2000 characters)")
    accounts = tuple(a.strip() for a in raw.split(",") if a.strip())
    if len(accounts) > 20:
        raise ApiError(400, "invalid_accounts", "at most 20 extra accounts")
    return accounts


@blp.route("/<network>/<handle>")
@blp.arguments(ReportQuery, location="query", as_kwargs=True)
@blp.response(200, Report)
@blp.alt_response(202, description="still computing; retry after Retry-After seconds")
@blp.alt_response(400, schema=ErrorResponse, description="invalid handle or accounts")
@blp.alt_response(404, schema=ErrorResponse, description="unknown network")
def get_report(network: str, handle: str, role: str, accounts: str) -> Response:
    """The full report for an account (and optional extra accounts)."""
    served = services().reports.get(f"{network}:{handle}", role, _accounts_arg(),
                                    part="report", base_url=public_base_url(),
                                    wait=REPORT_WAIT_SECONDS)
    return json_response(served, cache_control="public, max-age=300")


@blp.route("/<network>/<handle>/history")
@blp.arguments(RoleQuery, location="query", as_kwargs=True)
@blp.response(200, History)
@blp.alt_response(400, schema=ErrorResponse, description="invalid handle")
def get_history(network: str, handle: str, role: str) -> dict:
    """Stored daily snapshots (date, score, band, per-network scores, model version)."""
    role = role_arg()
    return services().reports.history(f"{network}:{handle}", role)
