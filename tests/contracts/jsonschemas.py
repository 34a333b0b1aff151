"""JSON Schema helpers shared by the contract tests.

Format checks are written here (RFC 3339 date-times, ISO dates, absolute URIs) rather than
taken from ``jsonschema``'s optional extras, so a format in a schema is always enforced.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jsonschema

DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$")
URI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$")

FORMATS = jsonschema.FormatChecker(formats=())


@FORMATS.checks("date-time", raises=ValueError)
def _datetime(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not DATETIME_RE.match(value):
        raise ValueError(f"{value!r} is not an RFC 3339 date-time")
    datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


@FORMATS.checks("date", raises=ValueError)
def _date(value: object) -> bool:
    if isinstance(value, str):
        date.fromisoformat(value)
    return True


@FORMATS.checks("uri", raises=ValueError)
def _uri(value: object) -> bool:
    if isinstance(value, str) and not URI_RE.match(value):
        raise ValueError(f"{value!r} is not an absolute URI")
    return True


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


def check(schema: dict[str, Any], value: Any) -> None:
    """Raise ``jsonschema.ValidationError`` (the most relevant error) when ``value`` fails."""
    validator = jsonschema.Draft202012Validator(schema, format_checker=FORMATS)
    error = jsonschema.exceptions.best_match(validator.iter_errors(value))
    if error is not None:
        raise error


def errors(schema: dict[str, Any], value: Any) -> list[str]:
    validator = jsonschema.Draft202012Validator(schema, format_checker=FORMATS)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(value)]


def from_openapi(node: Any) -> Any:
    """OpenAPI 3.0 schema -> JSON Schema 2020-12: ``nullable`` becomes a null type and
    component refs point at ``$defs``; OpenAPI's non-standard formats (url, path, int32)
    stay unchecked, as JSON Schema treats unknown formats; examples are dropped."""
    if isinstance(node, list):
        return [from_openapi(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {k: from_openapi(v) for k, v in node.items()
           if k not in ("nullable", "example", "discriminator")}
    if isinstance(out.get("$ref"), str):
        out["$ref"] = out["$ref"].replace("#/components/schemas/", "#/$defs/")
    if node.get("nullable") and "type" in out:
        out["type"] = [out["type"], "null"]
    return out


def openapi_schema(spec: dict[str, Any], ref: dict[str, Any]) -> dict[str, Any]:
    """A self-contained JSON Schema for ``ref`` (an OpenAPI schema object) of ``spec``."""
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$defs": from_openapi(spec["components"]["schemas"]), **from_openapi(ref)}
