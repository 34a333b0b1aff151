"""Claiming a profile: prove you own an account by putting a code in its public profile."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Response, request
from flask_smorest import Blueprint

from schemas.common import ErrorResponse
from schemas.recruiter import ClaimCreated, ClaimRequest, ClaimVerified
from service.api.keyauth import require_claim
from service.app import services
from service.errors import ApiError
from service.store import claims, optouts
from service.web.limits import hit_ip_limit
from service.web.reports import dumps

blp = Blueprint("claims", __name__, url_prefix="/v1/claims",
                description="Claim your profile to see who looked you up and to opt out")

WHERE = {
    "github": "your GitHub profile bio",
    "gitlab": "your GitLab profile bio",
    "stackoverflow": "the 'About me' text of your Stack Overflow profile",
    "mastodon": "your Mastodon profile note (bio) or one of its profile fields",
    "bluesky": "your Bluesky profile description",
    "devto": "the summary (bio) of your dev.to profile",
}


def _json(data: dict, status: int = 200) -> Response:
    response = Response(dumps(data), status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


def instructions(account: str, code: str) -> str:
    network = account.split(":", 1)[0]
    where = WHERE.get(network, "the public profile text of that account")
    return (f"Add the code {code} anywhere in {where}, then call "
            f"POST /v1/claims/<id>/verify. You can remove the code once verified. The token "
            f"you then receive is shown only once: keep it, it unlocks /v1/me.")


@blp.route("", methods=["POST"])
@blp.arguments(ClaimRequest)
@blp.response(201, ClaimCreated)
@blp.alt_response(400, schema=ErrorResponse, description="invalid account")
@blp.alt_response(429, schema=ErrorResponse, description="too many claims from this address")
def post_claim(body: dict) -> Response:
    """Start a claim: returns the code to place in your public profile. Sent with an
    existing claim token as Bearer, the claim proves one more account for the same person
    (a linked claim): once verified, it counts towards your score as "proven with the same
    claim token" and no second token is issued. The code is valid 24 hours."""
    hit_ip_limit("claims")
    svc = services()
    parent = None
    if request.headers.get("Authorization"):
        parent = require_claim()
    subject, _ = svc.reports._normalize(body["account"], ())
    network = subject.split(":", 1)[0]
    if network not in WHERE:
        raise ApiError(422, "unsupported_network",
                       f"claims are not supported for {network}: it has no public profile "
                       "text we can read", {"supported": sorted(WHERE)})
    with svc.database.session() as session:
        claim = claims.create(session, subject, parent=parent)
        data = {"id": claim.id, "account": subject, "code": claim.code, "status": claim.status,
                "instructions": instructions(subject, claim.code),
                "linked_to": parent.account if parent else None}
    return _json(data, 201)


@blp.route("/<claim_id>/verify", methods=["POST"])
@blp.response(200, ClaimVerified)
@blp.alt_response(404, schema=ErrorResponse, description="no such claim")
@blp.alt_response(409, schema=ErrorResponse, description="already verified")
@blp.alt_response(410, schema=ErrorResponse, description="the code expired")
@blp.alt_response(422, schema=ErrorResponse, description="code not found in the profile")
def verify_claim(claim_id: str) -> Response:
    """Check the profile now (never from cache); on success returns the token once."""
    from service.networks import make_connector
    from service.upstream import UpstreamError

    hit_ip_limit("claims")
    svc = services()
    with svc.database.session() as session:
        claim = claims.get(session, claim_id)
        if claim is None:
            raise ApiError(404, "not_found", "no such claim")
        if claim.status == "verified":
            raise ApiError(409, "already_verified", "this claim was already verified; its "
                           "token was shown once")
        if not claims.pending_usable(claim):
            raise ApiError(410, "claim_expired", "this claim's code expired or was revoked; "
                           "start a new claim")
        account, code = claim.account, claim.code
    network, handle = account.split(":", 1)
    connector = make_connector(network, svc.settings, svc.upstream)
    try:
        data = connector.fetch(handle, now=datetime.now(UTC))
    except UpstreamError as exc:
        raise ApiError(503, "upstream_unavailable", f"{network} did not answer; try again",
                       {"reason": exc.kind}, headers={"Retry-After": "30"}) from exc
    if data.status != "found":
        raise ApiError(422, "profile_not_found", f"{account} was not found on {network}")
    if code.lower() not in (data.bio or "").lower():
        raise ApiError(422, "code_not_found", f"the code {code} is not in the public profile "
                       f"text of {account} yet", {"where": WHERE.get(network)})
    from service.identity import aliases
    from service.lookup import Target
    from service.scoring import NetworkInput

    with svc.database.session() as session:
        claim = claims.get(session, claim_id)
        if claim is None or claim.status == "verified":  # raced with another verify
            raise ApiError(409, "already_verified", "this claim was already verified")
        if claim.parent_id:
            parent = claims.get(session, claim.parent_id)
            if parent is None or parent.status != "verified":
                raise ApiError(410, "claim_expired", "the claim this one is linked to was "
                               "revoked or expired; start a new claim")
        token = claims.verify(session, claim)
        # The names the network reported for the account (a Bluesky DID): the opt-out and
        # access log of this claim hold under all of them.
        target = Target(network, handle, "primary")
        optouts.remember_aliases(session, aliases([NetworkInput(
            data, target.network, target.handle, "primary", "found")]))
    svc.cache.purge(account)  # one active claim: reports counting the old claim group
    out = {"id": claim_id, "account": account, "status": "verified", "token": token}
    if token is None:
        out["linked_to"] = parent.account
    return _json(out)
