"""The scored person's own controls, unlocked by the token of a verified claim.

Opt-out takes effect everywhere at once: the opt-out row is stored (history deleted with
it, and the account removed from other subjects' stored reports), then every cached report
of the subject *and of every subject whose report held the account* is purged on every
instance, so badges, reports and lookups answer ``opted_out`` (or leave the account out)
from the next request on.

One active claim per account: a token whose claim was revoked (a newer claim verified, or
the owner revoked it) or expired still reads ``GET /v1/me`` to learn why, and nothing else.
"""

from __future__ import annotations

import re

from flask import Response
from flask_smorest import Blueprint

from schemas.common import ErrorResponse
from schemas.recruiter import AccessLog, ClaimList, LinksRequest, Me, PageQuery
from service.api.keyauth import _bearer, require_claim
from service.app import services
from service.errors import ApiError
from service.store import audit, claims, optouts
from service.store.models import Claim
from service.web.reports import dumps

blp = Blueprint("me", __name__, url_prefix="/v1/me",
                description="Your claimed profile: who looked you up, opt-out, declared links "
                            "(claim token as Bearer)")
SECURITY = [{"BearerAuth": []}]
LINKEDIN = re.compile(r"^https://(?:[a-z]{2,3}\.|www\.)?linkedin\.com/in/([A-Za-z0-9\-_%]{3,100})/?$")


def _me(claim: Claim) -> Response:
    with services().database.session() as session:
        row = claims.get(session, claim.id) or claim
        opted_out = optouts.is_opted_out(session, row.account)
        proven = sorted(c.account for c in claims.group(session, row)[1:])
        data = {**claims.describe(row), "opted_out": opted_out, "proven_accounts": proven,
                "notices": claims.notices(session, row), "linkedin_status": None}
        if row.linkedin_url:
            owners = claims.linkedin_claimants(session, row.linkedin_url.rsplit("/", 1)[-1])
            data["linkedin_status"] = "mapped" if owners == [row.account] else "contested"
    response = Response(dumps(data), mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


def _any_claim() -> Claim:
    """The token's claim even when revoked or expired (only to say so); 401 otherwise."""
    token = _bearer()
    if token:
        with services().database.session() as session:
            claim = claims.by_token(session, token, include_revoked=True)
        if claim is not None:
            return claim
    return require_claim()


@blp.route("")
@blp.response(200, Me)
@blp.alt_response(401, schema=ErrorResponse, description="missing or invalid claim token")
@blp.doc(security=SECURITY)
def get_me() -> Response:
    """Your claim: account, opt-out state, declared accounts and LinkedIn profile, the
    accounts proven with your token, and notices (revoked, expired, replaced)."""
    return _me(_any_claim())


@blp.route("/claims")
@blp.response(200, ClaimList)
@blp.alt_response(401, schema=ErrorResponse, description="missing or invalid claim token")
@blp.doc(security=SECURITY)
def get_claims() -> Response:
    """Your claims: the token's own and every claim linked to it, with status and expiry."""
    claim = require_claim()
    with services().database.session() as session:
        from sqlalchemy import select

        rows = session.scalars(select(Claim).where(
            (Claim.id == claim.id) | (Claim.parent_id == claim.id))
            .order_by(Claim.created_at)).all()
        data = {"claims": [claims.describe_row(r) for r in rows]}
    response = Response(dumps(data), mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


@blp.route("/claims/<claim_id>", methods=["DELETE"])
@blp.response(200, Me)
@blp.alt_response(401, schema=ErrorResponse, description="missing or invalid claim token")
@blp.alt_response(404, schema=ErrorResponse, description="no such claim of yours")
@blp.doc(security=SECURITY)
def delete_claim(claim_id: str) -> Response:
    """Revoke one of your claims: a linked one (that account stops counting as yours), or the
    token's own (the token stops working at once)."""
    claim = require_claim()
    svc = services()
    with svc.database.session() as session:
        row = claims.get(session, claim_id)
        if row is None or (row.id != claim.id and row.parent_id != claim.id):
            raise ApiError(404, "not_found", "no such claim of yours")
        if row.status != "revoked":
            claims.revoke(session, row, "revoked by its owner")
        accounts = [row.account]
    svc.cache.purge(accounts[0])  # its reports counted the claim group
    if claim_id != claim.id:
        svc.cache.purge(claim.account)
    return _me(claim)


@blp.route("/access-log")
@blp.arguments(PageQuery, location="query", as_kwargs=True)
@blp.response(200, AccessLog)
@blp.alt_response(401, schema=ErrorResponse, description="missing or invalid claim token")
@blp.doc(security=SECURITY)
def get_access_log(page: int, page_size: int) -> dict:
    """Who looked you up: the API key's name, when, the stated purpose, what was returned."""
    claim = require_claim()
    with services().database.session() as session:
        # Every name of the account (aliases the networks reported): a lookup that fetched
        # it under its DID is in this log too.
        names = sorted(optouts.names_of(session, [claim.account]))
        return audit.for_subjects(session, names, page, page_size)


@blp.route("/opt-out", methods=["POST"])
@blp.response(200, Me)
@blp.doc(security=SECURITY)
def post_opt_out() -> Response:
    """Stop being scored: effective everywhere at once; stored history is deleted."""
    claim = require_claim()
    svc = services()
    with svc.database.session() as session:
        holders = optouts.opt_out(session, claim.account)
    # After the row is committed: any computation racing with us reads the opt-out, and
    # the purge stops every instance serving what was cached before, including reports of
    # other subjects that held this account (see ReportService._report for the race).
    svc.cache.purge(claim.account)
    for subject in holders:
        if subject != claim.account:
            svc.cache.purge(subject)
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
        holders = optouts.holders(session, claim.account)
    svc.cache.purge(claim.account)  # drop the cached "opted_out" answers
    for subject in holders:  # and the reports that left the account out
        svc.cache.purge(subject)
    return _me(claim)


@blp.route("/links", methods=["PUT"])
@blp.arguments(LinksRequest)
@blp.response(200, Me)
@blp.alt_response(400, schema=ErrorResponse, description="invalid account or LinkedIn URL")
@blp.doc(security=SECURITY)
def put_links(body: dict) -> Response:
    """Declare further accounts of yours, and your LinkedIn profile URL.

    A declared account counts only once it is verified to be yours: proven with a claim made
    with this token (``POST /v1/claims`` with it as Bearer), a link the network verified, or
    a link published on both profiles; until then reports list it as not counted, with how
    to verify it. The LinkedIn URL only lets the extension map a LinkedIn page to your
    claimed profile (no score weight; nothing is read from LinkedIn), and only while no
    other active claim declares the same LinkedIn profile (``linkedin_status``)."""
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
    svc.cache.purge(claim.account)  # its reports list the declared accounts
    return _me(claim)
