"""The application factory."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app
from flask_smorest import Api

from service.config import Settings
from service.errors import register_error_handlers

MAX_BODY_BYTES = 256 * 1024


def _api_class() -> type[Api]:
    from schemas.common import ErrorResponse

    class CandorApi(Api):
        # The documented 422/default responses must be our error envelope (errors.py), not
        # flask-smorest's own error shape, or clients and fuzzers read a wrong contract.
        ERROR_SCHEMA = ErrorResponse

    return CandorApi


@dataclass
class Services:
    """Everything a request handler may reach, built once per app."""

    settings: Settings
    upstream: object
    cache: object
    database: object
    reports: object


def services() -> Services:
    return current_app.extensions["candor"]


def _spec_constraints(api: Api) -> None:
    """What apispec cannot derive from the views and schemas: ``minProperties`` (declared on
    the schema class as ``MIN_PROPERTIES`` and enforced by its validator), OpenAPI links, and
    the 429 of the per-IP limits."""
    from schemas import recruiter

    components = api.spec.components.schemas
    for name in ("LinksRequest",):
        minimum = getattr(getattr(recruiter, name), "MIN_PROPERTIES", None)
        if name in components and minimum:
            components[name]["minProperties"] = minimum
    paths = api.spec._paths  # apispec keeps paths here; there is no public accessor
    for (path, method, status), links in LINKS.items():
        response = paths.get(path, {}).get(method, {}).get("responses", {}).get(status)
        if isinstance(response, dict):
            response.setdefault("links", {}).update(links)
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}
    for path, methods in paths.items():
        for operation in methods.values():
            if not (isinstance(operation, dict) and "responses" in operation):
                continue
            # gunicorn refuses a request line over 4094 bytes (gunicorn_conf.py) before the
            # app sees it: a long query of multi-byte characters, percent-encoded, gets there.
            operation["responses"].setdefault("414", {
                "description": "the URL is too long (request line over 4094 bytes)",
                "content": error})
            # The per-IP limits (service/web/limits.py) apply to these too.
            if path.startswith(LIMITED_PREFIXES):
                operation["responses"].setdefault("429", {
                    "description": "over the per-IP limit; retry after Retry-After seconds",
                    "content": error})


def _op(path: str, method: str = "post") -> str:
    return "#/paths/" + path.replace("~", "~0").replace("/", "~1") + "/" + method


LIMITED_PREFIXES = ("/v1/badges", "/v1/reports", "/v1/self-checks")
# OpenAPI links: which answer feeds which next request (for clients, and for the stateful
# fuzzing in tests/resilience). None from a self-check to its what-if: the what-if needs the
# check's id *and* subject, and fuzzers fill the rest of a linked body at random, so any
# what-if refused for a stranger's subject (a 404 by design) would read as a lost resource.
LINKS = {
    ("/v1/claims", "post", "201"): {"Verify": {
        "operationRef": _op("/v1/claims/{claim_id}/verify"),
        "parameters": {"claim_id": "$response.body#/id"}}},
    ("/v1/lookups", "post", "202"): {"Progress": {
        "operationRef": _op("/v1/lookups/{lookup_id}", "get"),
        "parameters": {"lookup_id": "$response.body#/id"}}},
    ("/v1/badges/{network}/{handle}", "get", "200"): {"FullReport": {
        "operationRef": _op("/v1/reports/{network}/{handle}", "get"),
        "parameters": {"network": "$request.path.network", "handle": "$request.path.handle"}}},
    ("/v1/reports/{network}/{handle}", "get", "200"): {"History": {
        "operationRef": _op("/v1/reports/{network}/{handle}/history", "get"),
        "parameters": {"network": "$request.path.network", "handle": "$request.path.handle"}}},
}


def create_app(settings: Settings | None = None) -> Flask:
    from service.cache import ReportCache
    from service.store.db import Database
    from service.upstream import Upstream
    from service.web.reports import ReportService

    settings = settings or Settings.from_env()
    # Owner-only when we create it: it holds the SQLite file (claim codes, the audit log).
    settings.instance_path.mkdir(mode=0o700, parents=True, exist_ok=True)
    app = Flask("service", instance_path=str(settings.instance_path.resolve()))
    app.config.update(
        API_TITLE="Candor",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
        API_SPEC_OPTIONS={"info": {"description": (
            "Candor: an honest professional-influence score from public activity. Every "
            "number comes with its breakdown and with what it does not measure.")}},
    )
    from service.upstream.quota import Budget

    # One quota budget for every worker of the machine (files) or every instance (Redis).
    upstream = Upstream(settings, budget=Budget.for_service(settings))
    cache = ReportCache.from_settings(settings)
    database = Database(settings)
    app.extensions["candor"] = Services(
        settings=settings, upstream=upstream, cache=cache, database=database,
        reports=ReportService(settings, upstream, cache, database))

    if settings.proxy_hops > 0:
        # Only behind a configured proxy: X-Forwarded-For would otherwise let any client pick
        # its rate-limit bucket. Host is never taken from X-Forwarded-Host (links use
        # CANDOR_PUBLIC_URL), so only the client address and scheme are trusted.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.proxy_hops,  # type: ignore[method-assign]
                                x_proto=settings.proxy_hops, x_host=0, x_port=0, x_prefix=0)
    api = _api_class()(app)
    app.extensions["candor_api"] = api
    from service.api import register_blueprints

    register_blueprints(app, api)
    _spec_constraints(api)
    register_error_handlers(app)  # after Api(): ours replace its HTTPException handler
    from service import metrics

    metrics.init_app(app)
    return app
