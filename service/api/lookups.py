"""Recruiter lookups: many subjects at once, each with its report, caveats and notice.

No sorting, filtering or threshold by score exists here on purpose: results are in the
order the caller gave, and unknown body fields (``sort``, ``min_score``...) are rejected.
"""

from __future__ import annotations

from flask import Flask, Response
from flask_smorest import Blueprint

import service.recruiter as recruiter
from schemas.common import ErrorResponse
from schemas.recruiter import Lookup, LookupRequest
from service.api.http import public_base_url
from service.api.keyauth import API_KEY_SCHEME, register_security_schemes, require_key
from service.app import services
from service.errors import ApiError
from service.recruiter import jobs
from service.store import lookups as store
from service.web.limits import hit_key_limit, init_limiter
from service.web.reports import dumps

blp = Blueprint("lookups", __name__, url_prefix="/v1/lookups",
                description="Recruiter lookups (API key required). Every result carries the "
                            "report's caveats and a notice on how it may be used.")
SECURITY = [{name: []} for name in API_KEY_SCHEME] + [{"BearerAuth": []}]


def init_app(app: Flask) -> None:
    init_limiter(app)
    register_security_schemes(app)


def _json(data: dict, status: int = 200, headers: dict | None = None) -> Response:
    response = Response(dumps(data), status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _items(body: dict) -> list[store.Item]:
    reports = services().reports
    items = []
    for position, entry in enumerate(body["subjects"]):
        primary, *extra = entry["accounts"]
        try:
            subject, accounts = reports._normalize(primary, tuple(extra))
        except ApiError as exc:
            exc.details = {**exc.details, "position": position}
            raise
        items.append(store.Item(position, subject, entry["role"], accounts))
    return items


@blp.route("", methods=["POST"])
@blp.arguments(LookupRequest)
@blp.response(200, Lookup)
@blp.alt_response(202, schema=Lookup, description="queued; poll Location for progress")
@blp.alt_response(401, schema=ErrorResponse, description="missing, invalid or revoked key")
@blp.alt_response(403, schema=ErrorResponse, description="key lacks the lookups scope")
@blp.alt_response(429, schema=ErrorResponse, description="over the key's limit")
@blp.doc(security=SECURITY)
def post_lookup(body: dict) -> Response:
    """Look up to 100 subjects. 200 when every report is fresh, else 202 with a lookup id."""
    key = require_key("lookups")
    items = _items(body)
    # Charged by the accounts it fetches (each subject's primary plus its extra accounts),
    # not by subjects: 100 subjects of 21 accounts each cost 2,100, not 100.
    hit_key_limit(key.id, key.limit, cost=sum(1 + len(item.accounts) for item in items))
    svc = services()
    ready: dict[int, dict] = {}
    for item in items:
        blocked = recruiter.blocked_status(svc.database, item.subject,
                                           svc.settings.recruiter_visibility)
        if blocked:
            ready[item.position] = recruiter.result(item.subject, item.role, item.accounts,
                                                    blocked, None)
            continue
        fresh = recruiter.fresh_result(svc.reports, item.subject, item.role, item.accounts)
        if fresh is not None:
            ready[item.position] = fresh
    with svc.database.session() as session:
        for result in ready.values():
            # One entry per fetched account: each person sees this look-up in their log.
            recruiter.record_audit(session, key_id=key.id, result_=result,
                                   purpose=body["purpose"])
        if len(ready) == len(items):
            return _json({"id": None, "status": "done", "done": len(items), "total": len(items),
                          "purpose": body["purpose"],
                          "results": [ready[i.position] for i in items]})
        lookup = store.create(session, key_id=key.id, purpose=body["purpose"], items=items,
                              results=ready)
        lookup_id, done = lookup.id, lookup.done
    jobs.enqueue(svc.reports, lookup_id, public_base_url())
    location = f"/v1/lookups/{lookup_id}"
    return _json({"id": lookup_id, "status": "queued", "done": done, "total": len(items),
                  "purpose": body["purpose"], "results": []}, 202,
                 {"Location": location, "Retry-After": "2"})


@blp.route("/<lookup_id>")
@blp.response(200, Lookup)
@blp.alt_response(404, schema=ErrorResponse, description="no such lookup for this key")
@blp.doc(security=SECURITY)
def get_lookup(lookup_id: str) -> Response:
    """Progress and the results so far, in request order (pending items say so)."""
    key = require_key("lookups")
    database = services().database
    with database.session() as session:
        lookup = store.get(session, lookup_id)
        if lookup is None or lookup.key_id != key.id:
            raise ApiError(404, "not_found", "no such lookup")
        rows = store.items(session, lookup_id)
        data = {"id": lookup.id, "status": lookup.status, "done": lookup.done,
                "total": lookup.total, "purpose": lookup.purpose}
    results = [r.result if r.result is not None else
               recruiter.result(r.subject, r.role, tuple(r.accounts or ()), "pending", None)
               for r in rows]
    data["results"] = recruiter.hide_opted_out(database, results)
    headers = {} if data["status"] == "done" else {"Retry-After": "2"}
    return _json(data, headers=headers)
