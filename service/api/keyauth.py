"""Credentials in headers only: recruiter API keys and claim tokens.

Both are accepted as ``Authorization: Bearer <secret>``; API keys also as ``X-API-Key``.
Never in a query string (query strings end up in access logs), never logged.

Credentials are checked before the request's body or query is parsed: a caller without a
key learns "401 unauthorized", not what a valid body would look like (422).
"""

from __future__ import annotations

from flask import Flask, g, request

from service.app import services
from service.errors import ApiError
from service.store import claims, keys
from service.store.models import Claim

API_KEY_SCHEME = {"ApiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"}}
BEARER_SCHEME = {"BearerAuth": {"type": "http", "scheme": "bearer"}}


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _unauthorized(message: str, realm: str) -> ApiError:
    return ApiError(401, "unauthorized", message,
                    headers={"WWW-Authenticate": f'Bearer realm="{realm}"'})


# Blueprints whose every endpoint needs an API key (with this scope) or a claim token.
KEY_BLUEPRINTS = {"lookups": "lookups", "audit": "lookups"}
CLAIM_BLUEPRINTS = frozenset({"me"})


def _authenticate_first() -> None:
    """``before_request``: runs before flask-smorest parses the body (401 before 422)."""
    if request.method == "OPTIONS":
        return  # a CORS preflight carries no credentials by design
    if request.blueprint in KEY_BLUEPRINTS:
        require_key(KEY_BLUEPRINTS[request.blueprint])
    elif request.blueprint in CLAIM_BLUEPRINTS and not _bearer():
        # Only presence here: some /v1/me views also accept a revoked token (to say so).
        raise _unauthorized("a claim token is required (Authorization: Bearer)", "candor-me")


def require_key(scope: str = "lookups") -> keys.KeyInfo:
    """The caller's API key (also kept in ``g.api_key``); 401 without a valid one, 403 when
    the key lacks ``scope``."""
    raw = request.headers.get("X-API-Key") or _bearer()
    checked = g.get("api_key")
    if checked is not None and g.get("api_key_scope") == scope:
        return checked  # already checked before the body was parsed
    if not raw:
        raise _unauthorized("an API key is required (Authorization: Bearer or X-API-Key)",
                            "candor-api")
    with services().database.session() as session:
        info = keys.find_key(session, raw)
    if info is None:
        raise _unauthorized("invalid API key", "candor-api")
    if info.revoked:
        raise _unauthorized("this API key was revoked", "candor-api")
    if scope not in info.scopes:
        raise ApiError(403, "forbidden", f"this API key lacks the {scope!r} scope")
    g.api_key = info
    g.api_key_scope = scope
    return info


def require_claim() -> Claim:
    """The verified claim whose token the caller presents; 401 otherwise."""
    token = _bearer()
    if not token:
        raise _unauthorized("a claim token is required (Authorization: Bearer)", "candor-me")
    with services().database.session() as session:
        claim = claims.by_token(session, token)
    if claim is None:
        raise _unauthorized("invalid claim token", "candor-me")
    return claim


def register_security_schemes(app: Flask) -> None:
    """Name both schemes in the OpenAPI document and check credentials before parsing
    (once per app)."""
    if not app.extensions.get("candor_auth_first"):
        app.extensions["candor_auth_first"] = True
        app.before_request(_authenticate_first)
    api = app.extensions.get("candor_api")
    if api is None:
        return
    spec = api.spec
    for schemes in (API_KEY_SCHEME, BEARER_SCHEME):
        for name, body in schemes.items():
            if name not in spec.components.security_schemes:
                spec.components.security_scheme(name, body)
