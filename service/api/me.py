"""The scored person's own controls, unlocked by the token of a verified claim.

Opt-out takes effect everywhere at once: the opt-out row is stored (history deleted with
it), then every cached report of the subject is purged on every instance, so badges,
reports and lookups answer ``opted_out`` from the next request on.
"""

from __future__ import annotations

import re

from flask import Response
from flask_smorest import Blueprint

from schemas.common import ErrorResponse
from schemas.recruiter import AccessLog, LinksRequest, Me, PageQuery
from service.api.keyauth import require_claim
from service.app import services
from service.errors import ApiError
from service.reports import dumps
from service.store import audit, claims, optouts
from service.store.models import Claim

blp = Blueprint("me", __name__, url_prefix="/v1/me",
                description="Your claimed profile: who looked you up, opt-out, declared links "
                            "(claim token as Bearer)")
SECURITY = [{"BearerAuth": []}]
LINKEDIN = re.compile(r"^https://(?:[a-z]{2,3}\.|www\.)?linkedin\.com/in/([A-Za-z0-9\-_%]{3,100})/?$")


def _me(claim: Claim) -> Response:
    with services().database.session() as session:
        opted_out = optouts.is_opted_out(session, claim.account)
    data = {**claims.describe(claim), "opted_out": opted_out}
    response = Response(dumps(data), mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


@blp.route("")
@blp.response(200, Me)
@blp.alt_response(401, schema=ErrorResponse, description="missing or invalid claim token")
@blp.doc(security=SECURITY)
def get_me() -> Response:
    """Your claim: account, opt-out state, declared accounts and LinkedIn profile."""
    return _me(require_claim())


@blp.route("/access-log")
@blp.arguments(PageQuery, location="query", as_kwargs=True)
@blp.response(200, AccessLog)
@blp.alt_response(401, schema=ErrorResponse, description="missing or invalid claim token")
@blp.doc(security=SECURITY)
def get_access_log(page: int, page_size: int) -> dict:
    """Who looked you up: the API key's name, when, the stated purpose, what was returned."""
    claim = require_claim()
    with services().database.session() as session:
        return audit.for_subjects(session, [claim.account], page, page_size)


@blp.route("/opt-out", methods=["POST"])
@blp.response(200, Me)
@blp.doc(security=SECURITY)
def post_opt_out() -> Response:
    """Stop being scored: effective everywhere at once; stored history is deleted."""
    claim = require_claim()
    svc = services()
    with svc.database.session() as session:
        optouts.opt_out(session, claim.account)
    # After the row is committed: any computation racing with us reads the opt-out, and
    # the purge stops every instance serving what was cached before.
    svc.cache.purge(claim.account)
    return _me(claim)


@blp.route("/opt-in", methods=["POST"])
@blp.response(200, Me)
@blp.doc(security=SECURITY)
def post_opt_in() -> Response:
    """Withdraw an opt-out."""
    claim = require_claim()
    svc = services()
    with svc.database.session() as session:
        optouts.opt_in(session, claim.account)
    svc.cache.purge(claim.account)  # drop the cached "opted_out" answers
    return _me(claim)


@blp.route("/links", methods=["PUT"])
@blp.arguments(LinksRequest)
@blp.response(200, Me)
@blp.alt_response(400, schema=ErrorResponse, description="invalid account or LinkedIn URL")
@blp.doc(security=SECURITY)
def put_links(body: dict) -> Response:
    """Declare further accounts of yours, and your LinkedIn profile URL. The LinkedIn URL
    only lets the extension map a LinkedIn page to your claimed profile; it carries no
    score weight and nothing is read from LinkedIn."""
    claim = require_claim()
    svc = services()
    accounts = []
    for account in body["accounts"]:
        subject, _ = svc.reports._normalize(account, ())
        if subject != claim.account and subject not in accounts:
            accounts.append(subject)
    slug = None
    if body["linkedin"]:
        match = LINKEDIN.match(body["linkedin"].strip())
        if match is None:
            raise ApiError(400, "invalid_linkedin_url",
                           "expected https://www.linkedin.com/in/<profile>")
        slug = match.group(1).lower()
    with svc.database.session() as session:
        row = claims.get(session, claim.id)
        assert row is not None
        claims.set_links(row, accounts, slug)
        session.flush()
        claim = row
    return _me(claim)
