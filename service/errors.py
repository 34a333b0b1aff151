"""One error shape everywhere: ``{"error": {"code", "message", "details"}}``.

No HTML error page and no stack trace ever reaches a client: every HTTPException and every
unexpected exception is turned into this JSON by the handlers registered here.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, json
from werkzeug.exceptions import HTTPException

log = logging.getLogger("candor.errors")

# HTTP status -> stable machine-readable code for errors raised by Flask/Werkzeug itself.
DEFAULT_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 406: "not_acceptable", 409: "conflict", 413: "body_too_large",
    415: "unsupported_media_type", 422: "validation_error", 429: "rate_limited",
    500: "internal_error", 503: "unavailable",
}


class ApiError(Exception):
    """An error we mean to show the client, with a code they can program against."""

    def __init__(self, status: int, code: str, message: str,
                 details: dict[str, Any] | None = None, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}
        self.headers = headers or {}


def error_response(status: int, code: str, message: str, details: dict | None = None,
                   headers: dict[str, str] | None = None) -> Response:
    body = json.dumps({"error": {"code": code, "message": message, "details": details or {}}})
    response = Response(body, status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _from_http_exception(exc: HTTPException) -> Response:
    status = exc.code or 500
    code = DEFAULT_CODES.get(status, "http_error")
    details: dict[str, Any] = {}
    message = exc.description or exc.name
    data = getattr(exc, "data", None)  # webargs/smorest validation errors live here
    if isinstance(data, dict) and "messages" in data:
        details = {"fields": data["messages"]}
        message = "the request did not validate; see details.fields"
        code = "validation_error"
    headers = {}
    valid_methods = getattr(exc, "valid_methods", None)
    if status == 405 and valid_methods:
        headers["Allow"] = ", ".join(valid_methods)
    if status == 413:
        message = "request body too large"
    if status == 404 and not data:
        message = "no such resource"
    return error_response(status, code, message, details, headers)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError) -> Response:
        return error_response(exc.status, exc.code, exc.message, exc.details, exc.headers)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        return _from_http_exception(exc)

    @app.errorhandler(RecursionError)
    def _too_deep(exc: RecursionError) -> Response:
        # Only a hostile body gets here: JSON nested thousands of levels deep.
        return error_response(400, "invalid_json", "JSON body is nested too deeply")

    @app.errorhandler(ValueError)
    def _value_error(exc: ValueError) -> Response:
        # json.loads refuses integers over sys.get_int_max_str_digits() (4,300) digits with a
        # plain ValueError, which webargs does not turn into a 400 as it does for syntax errors.
        if "integer string conversion" in str(exc):
            return error_response(400, "invalid_json",
                                  "JSON body has a number with too many digits")
        return _unexpected(exc)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.exception("unhandled error")  # details stay in our logs, never in the response
        return error_response(500, "internal_error", "something went wrong on our side")
