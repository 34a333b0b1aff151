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
