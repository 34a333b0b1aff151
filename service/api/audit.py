"""A recruiter's own lookup history (the audit log, paginated)."""

from __future__ import annotations

from flask_smorest import Blueprint

from schemas.common import ErrorResponse
from schemas.recruiter import AuditPage, PageQuery
from service.api.keyauth import require_key
from service.api.lookups import SECURITY
from service.app import services
from service.store import audit

blp = Blueprint("audit", __name__, url_prefix="/v1/audit",
                description="The audit log of your own lookups (API key required)")


@blp.route("")
@blp.arguments(PageQuery, location="query", as_kwargs=True)
@blp.response(200, AuditPage)
@blp.alt_response(401, schema=ErrorResponse, description="missing, invalid or revoked key")
@blp.doc(security=SECURITY)
def get_audit(page: int, page_size: int) -> dict:
    """Every subject this key looked up: subject, role, purpose, time, status returned."""
    key = require_key("lookups")
    with services().database.session() as session:
        return audit.for_key(session, key.id, page, page_size)
