"""Examples for the OpenAPI document, generated from its own schemas.

Every operation gets an ``example`` for each parameter, for its request body and for each
response with a body, so the interactive reference at ``/docs`` shows a realistic call and
answer for every endpoint. Examples are built from the schema (its enum, format and bounds)
with realistic values for well-known field names, so they cannot drift from the contract;
the tests validate each one against its schema.
"""

from __future__ import annotations

import copy
from typing import Any

from service.scoring import CALIBRATION_VERSION, MODEL_VERSION

# Realistic values by field or parameter name, used when the schema's type accepts them.
NAMED: dict[str, Any] = {
    "network": "github",
    "handle": "octocat",
    "subject": "github:octocat",
    "account": "github:octocat",
    "accounts": ["github:octocat", "stackoverflow:22656"],
    "role": "engineering",
    "purpose": "Screening for the Senior Backend Engineer opening",
    "lookup_id": "5f0c1a2e9b7d4c3f8a6e1d2c3b4a5f60",
    "claim_id": "3c9d2f1a7b6e4d5c",
    "id": "3c9d2f1a7b6e4d5c",
    "page": 1,
    "page_size": 20,
    "linkedin_url": "https://www.linkedin.com/in/octocat",
    "name": "The Octocat",
    "message": "Choose one of the listed roles.",
    "code": "invalid_request",
    "reason": "timeout",
    "label": "Software engineering",
    "population": "public GitHub accounts with at least one public repository",
    "model_version": MODEL_VERSION,
    "calibration_version": CALIBRATION_VERSION,
    "status": "scored",
    "score": 72,
    "low": 66,
    "high": 78,
    "confidence": 0.82,
    "percentile": 71.5,
    "computed_at": "2026-12-01T09:00:00Z",
    "created_at": "2026-12-01T09:00:00Z",
    "report_url": "https://candor.example/v1/reports/github/octocat?role=engineering",
    "text": "It does not measure quality of work, only public activity.",
    "caveat_summary": "Public activity only; not a measure of quality of work or worth.",
}

_FORMATS = {
    "date-time": "2026-12-01T09:00:00Z",
    "date": "2026-12-01",
    "uri": "https://candor.example/v1/reports/github/octocat",
    "url": "https://candor.example/v1/reports/github/octocat",
    "email": "octocat@example.com",
    "uuid": "5f0c1a2e-9b7d-4c3f-8a6e-1d2c3b4a5f60",
}
_MAX_DEPTH = 8  # schemas nest (report → networks → signals); recursion stops here


def _resolve(schema: dict, spec: dict) -> dict:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec.get("components", {}).get("schemas", {}).get(name, {})
    return schema


def _fits(value: Any, kind: str | None) -> bool:
    return {
        "string": isinstance(value, str),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, int | float) and not isinstance(value, bool),
        "boolean": isinstance(value, bool),
        "array": isinstance(value, list),
        "object": isinstance(value, dict),
    }.get(kind or "", False)


def example_for(schema: dict, spec: dict, name: str | None = None, depth: int = 0) -> Any:
    """A value that the (OpenAPI 3.0) ``schema`` accepts; ``name`` picks a realistic one."""
    schema = _resolve(schema, spec)
    for key in ("example", "default"):
        if key in schema and schema[key] is not None:
            return copy.deepcopy(schema[key])
    if schema.get("enum"):
        return schema["enum"][0]
    for combo in ("allOf", "oneOf", "anyOf"):
        if schema.get(combo):
            if combo == "allOf":
                merged: dict = {}
                for part in schema[combo]:
                    value = example_for(part, spec, name, depth + 1)
                    if isinstance(value, dict):
                        merged.update(value)
                    else:
                        return value
                return merged
            # The richest choice: a named schema or one with properties, not a bare
            # ``{"type": "object", "nullable": true}``.
            options = schema[combo]
            rich = [o for o in options if "$ref" in o or "properties" in o] or options
            return example_for(rich[0], spec, name, depth + 1)
    kind = schema.get("type")
    if kind is None:
        kind = "object" if "properties" in schema else None
    if name in NAMED and _fits(NAMED[name], kind) and _within(NAMED[name], schema):
        return copy.deepcopy(NAMED[name])
    if kind == "object":
        if depth >= _MAX_DEPTH:
            return {}
        props = schema.get("properties", {})
        out = {key: example_for(sub, spec, key, depth + 1) for key, sub in props.items()}
        extra = schema.get("additionalProperties")
        if not props and isinstance(extra, dict):
            out["github"] = example_for(extra, spec, "github", depth + 1)
        return out
    if kind == "array":
        if depth >= _MAX_DEPTH:
            return []
        item = example_for(schema.get("items", {}), spec, _singular(name), depth + 1)
        return [item] * max(1, int(schema.get("minItems", 1)))
    if kind == "string":
        if schema.get("format") in _FORMATS:
            return _FORMATS[schema["format"]]
        text = "example"
        low = int(schema.get("minLength", 0))
        high = schema.get("maxLength")
        text = text.ljust(low, "x")
        return text[: int(high)] if high is not None else text
    if kind in ("integer", "number"):
        low = schema.get("minimum", 1)
        high = schema.get("maximum")
        value = low if high is None else min(max(low, 1), high)
        return int(value) if kind == "integer" else float(value)
    if kind == "boolean":
        return True
    return None if schema.get("nullable") else "example"


def _within(value: Any, schema: dict) -> bool:
    if isinstance(value, str):
        return (len(value) >= schema.get("minLength", 0)
                and len(value) <= schema.get("maxLength", len(value)))
    if isinstance(value, int | float) and not isinstance(value, bool):
        return schema.get("minimum", value) <= value <= schema.get("maximum", value)
    if isinstance(value, list):
        return len(value) >= schema.get("minItems", 0) and len(value) <= schema.get(
            "maxItems", len(value))
    return True


def _singular(name: str | None) -> str | None:
    if name is None:
        return None
    return {"accounts": "account", "subjects": "subject", "networks": "network"}.get(
        name, name[:-1] if name.endswith("s") else name)


def add_examples(spec: dict) -> dict:
    """A copy of ``spec`` with an example on every parameter, request body and response."""
    spec = copy.deepcopy(spec)
    for item in spec.get("paths", {}).values():
        for method, op in item.items():
            if method not in ("get", "post", "put", "delete", "patch"):
                continue
            for param in op.get("parameters", []) + item.get("parameters", []):
                if "schema" in param and "example" not in param:
                    param["example"] = example_for(param["schema"], spec, param.get("name"))
            bodies = [op.get("requestBody", {})] + list(op.get("responses", {}).values())
            for body in bodies:
                for media in (body.get("content") or {}).values():
                    if "schema" in media and "example" not in media:
                        media["example"] = example_for(media["schema"], spec)
    return spec
