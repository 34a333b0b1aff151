"""Small helpers for turning a served envelope into an HTTP response."""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, request

from schemas.requests import ROLE_NAMES
from service.app import services
from service.errors import ApiError
from service.web.reports import Served


def public_base_url() -> str:
    """The base of links in badges: ``CANDOR_PUBLIC_URL``, or "" for relative links.

    Never the request's ``Host``: a badge is cached and served to every later client (all
    instances, via Redis), so one request with ``Host: evil.example`` must not choose it."""
    return services().settings.public_url or ""


def documented(*decorators: Callable) -> Callable:
    """Apply flask-smorest doc decorators for the OpenAPI spec only; serve the bare view.

    Each of them also wraps the view in a pass-through layer (one ``ensure_sync`` and
    ``inspect`` check per call); on the badge hot path five layers cost ~15% of a cache hit.
    Only for views that build their own ``Response``: flask-smorest's response wrapper
    returns a ``Response`` untouched anyway.
    """

    def decorate(view: Callable) -> Callable:
        wrapped = view
        for decorator in reversed(decorators):
            wrapped = decorator(wrapped)
        view._apidoc = wrapped._apidoc  # type: ignore[attr-defined]
        return view

    return decorate


def role_arg() -> str:
    if not request.environ.get("QUERY_STRING"):
        return "general"  # the common case: no query string to parse
    role = request.args.get("role", "general")
    if role not in ROLE_NAMES:
        choices = f"Must be one of: {', '.join(ROLE_NAMES)}."
        raise ApiError(422, "validation_error", "unknown role",
                       {"fields": {"query": {"role": [choices]}}})
    return role


def json_response(served: Served, *, cache_control: str) -> Response:
    if served.status_code == 202:
        response = Response(served.body or b'{"status":"pending"}', status=202,
                            mimetype="application/json")
        response.headers["Retry-After"] = str(served.retry_after or 2)
        response.headers["Cache-Control"] = "no-store"
        return response
    if (served.etag and "HTTP_IF_NONE_MATCH" in request.environ
            and served.etag.strip('"') in request.if_none_match):
        response = Response(status=304)
    else:
        response = Response(served.body, mimetype="application/json")
    if served.etag:
        response.headers["ETag"] = served.etag
    response.headers["Cache-Control"] = cache_control if served.state != "snapshot" else "no-store"
    response.headers["X-Candor-Cache"] = served.state
    return response
