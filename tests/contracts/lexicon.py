"""A small validator for atproto lexicons (the schema language of the Bluesky API).

Covers what the vendored ``app.bsky`` query outputs use: objects (``required``,
``nullable``), strings with the lexicon string formats and length limits, integers with
bounds, booleans, arrays, ``ref`` (local ``#name`` or ``nsid#name``), ``union`` (by
``$type``; closed unions refuse other types), ``unknown`` (any object; a ``$type`` naming a
vendored record lexicon is checked against it) and ``cid-link``/``blob`` loosely. A ``ref``
to a lexicon that is not vendored is an error, so a fake cannot wander outside what the
contract tests actually check. Format rules follow the atproto specification
(atproto.com/specs/lexicon#string-formats); where the spec says "loose" the check is too.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

LEXICONS = Path(__file__).parent / "bluesky" / "lexicons"

FORMATS = {
    "did": re.compile(r"^did:[a-z]+:[a-zA-Z0-9._:%-]*[a-zA-Z0-9._-]$"),
    "handle": re.compile(
        r"^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]([a-zA-Z0-9-]{0,61}"
        r"[a-zA-Z0-9])?$"),
    "at-uri": re.compile(r"^at://[a-zA-Z0-9._:%-]+(/[a-zA-Z0-9.-]+(/[a-zA-Z0-9._~:@!$&')(*+,;=-]+)?)?$"),
    "nsid": re.compile(r"^[a-zA-Z]([a-zA-Z0-9-]{0,62})?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,62})?)+$"),
    "cid": re.compile(r"^[a-zA-Z0-9+=]{8,256}$"),
    "uri": re.compile(r"^[a-z][a-z0-9+.-]*:\S+$"),
    "language": re.compile(r"^(i|[a-z]{2,3})(-[a-zA-Z0-9]+)*$"),
    "tid": re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$"),
    "record-key": re.compile(r"^[a-zA-Z0-9_~.:-]{1,512}$"),
}
# RFC 3339 with a required timezone, as the atproto "datetime" format demands.
DATETIME_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


# The specification's length limits (a DID is at most 2 KB, a handle 253 characters);
# "-00:00" ("unknown local offset" in RFC 3339) is not an atproto datetime.
MAX_FORMAT_LENGTH = {"did": 2048, "handle": 253, "at-uri": 8192}


class LexiconError(AssertionError):
    pass


class Lexicons:
    """The vendored lexicons. ``skip`` names NSID prefixes whose refs are accepted unchecked
    (for the provider's own examples, which embed images and quoted records the contract does
    not vendor); the fakes are checked with ``skip=()``, so they cannot stray there."""

    def __init__(self, root: Path = LEXICONS, skip: tuple[str, ...] = ()):
        self.skip = skip
        self.docs: dict[str, dict] = {}
        for path in root.rglob("*.json"):
            doc = json.loads(path.read_text())
            self.docs[doc["id"]] = doc

    def resolve(self, ref: str, base: str) -> tuple[str, dict]:
        nsid, _, name = ref.partition("#")
        nsid = nsid or base
        doc = self.docs.get(nsid)
        if doc is None:
            raise LexiconError(f"reference to a lexicon not vendored: {ref} (from {base})")
        definition = doc["defs"].get(name or "main")
        if definition is None:
            raise LexiconError(f"no definition {ref}")
        return nsid, definition

    def output_schema(self, nsid: str) -> dict:
        return self.docs[nsid]["defs"]["main"]["output"]["schema"]

    def errors(self, nsid: str) -> set[str]:
        return {e["name"] for e in self.docs[nsid]["defs"]["main"].get("errors", [])}

    def parameters(self, nsid: str) -> dict:
        return self.docs[nsid]["defs"]["main"].get("parameters", {}).get("properties", {})

    def validate_output(self, nsid: str, value: Any) -> None:
        self.check(self.output_schema(nsid), value, nsid, "$")

    # -- the checker ------------------------------------------------------------------
    def check(self, schema: dict, value: Any, base: str, where: str) -> None:
        kind = schema.get("type")
        if kind == "ref":
            if schema["ref"].startswith(self.skip) and self.skip:
                return None
            nsid, target = self.resolve(schema["ref"], base)
            return self.check(target, value, nsid, where)
        if kind == "union":
            return self._union(schema, value, base, where)
        if kind in ("object", "record"):
            body = schema["record"] if kind == "record" else schema
            return self._object(body, value, base, where)
        if kind == "string":
            return self._string(schema, value, where)
        if kind == "integer":
            if not isinstance(value, int) or isinstance(value, bool):
                raise LexiconError(f"{where}: expected integer, got {value!r}")
            if "minimum" in schema and value < schema["minimum"]:
                raise LexiconError(f"{where}: {value} below minimum {schema['minimum']}")
            if "maximum" in schema and value > schema["maximum"]:
                raise LexiconError(f"{where}: {value} above maximum {schema['maximum']}")
            if "enum" in schema and value not in schema["enum"]:
                raise LexiconError(f"{where}: {value} not in enum")
            return None
        if kind == "boolean":
            if not isinstance(value, bool):
                raise LexiconError(f"{where}: expected boolean, got {value!r}")
            return None
        if kind == "array":
            if not isinstance(value, list):
                raise LexiconError(f"{where}: expected array, got {type(value).__name__}")
            if "maxLength" in schema and len(value) > schema["maxLength"]:
                raise LexiconError(f"{where}: more than {schema['maxLength']} items")
            if "minLength" in schema and len(value) < schema["minLength"]:
                raise LexiconError(f"{where}: fewer than {schema['minLength']} items")
            for i, item in enumerate(value):
                self.check(schema["items"], item, base, f"{where}[{i}]")
            return None
        if kind == "unknown":
            if not isinstance(value, dict):
                raise LexiconError(f"{where}: 'unknown' must be an object")
            record_type = value.get("$type")
            if isinstance(record_type, str) and record_type in self.docs:
                self.check({"type": "ref", "ref": record_type}, value, base, where)
            return None
        if kind in ("cid-link", "blob", "bytes"):
            if not isinstance(value, dict):
                raise LexiconError(f"{where}: expected a {kind} object")
            return None
        if kind == "token":
            raise LexiconError(f"{where}: a token is not a value")
        raise LexiconError(f"{where}: unsupported lexicon type {kind!r}")

    def _object(self, schema: dict, value: Any, base: str, where: str) -> None:
        if not isinstance(value, dict):
            raise LexiconError(f"{where}: expected object, got {type(value).__name__}")
        nullable = set(schema.get("nullable", []))
        for name in schema.get("required", []):
            if name not in value:
                raise LexiconError(f"{where}: required property {name!r} missing")
        props = schema.get("properties", {})
        for name, item in value.items():
            if name == "$type" or name not in props:
                continue  # lexicon objects are open: unknown fields are allowed
            if item is None:
                if name not in nullable:
                    raise LexiconError(f"{where}.{name}: null but not nullable")
                continue
            self.check(props[name], item, base, f"{where}.{name}")

    def _union(self, schema: dict, value: Any, base: str, where: str) -> None:
        if not isinstance(value, dict) or not isinstance(value.get("$type"), str):
            raise LexiconError(f"{where}: a union member needs a $type")
        wanted = value["$type"]
        for ref in schema.get("refs", []):
            nsid, _, name = ref.partition("#")
            full = f"{nsid or base}#{name}" if name else (nsid or base)
            if wanted in (full, full.removesuffix("#main")):
                return self.check({"type": "ref", "ref": full}, value, base, where)
        if schema.get("closed"):
            raise LexiconError(f"{where}: $type {wanted!r} not allowed in a closed union")
        return None

    @staticmethod
    def _string(schema: dict, value: Any, where: str) -> None:
        if not isinstance(value, str):
            raise LexiconError(f"{where}: expected string, got {value!r}")
        if "maxLength" in schema and len(value.encode()) > schema["maxLength"]:
            raise LexiconError(f"{where}: longer than {schema['maxLength']} bytes")
        if "maxGraphemes" in schema and len(value) > schema["maxGraphemes"]:
            # code points never undercount graphemes; exact for the plain-text fakes
            raise LexiconError(f"{where}: longer than {schema['maxGraphemes']} graphemes")
        if "enum" in schema and value not in schema["enum"]:
            raise LexiconError(f"{where}: {value!r} not in enum")
        if "const" in schema and value != schema["const"]:
            raise LexiconError(f"{where}: {value!r} is not {schema['const']!r}")
        fmt = schema.get("format")
        if len(value) > MAX_FORMAT_LENGTH.get(fmt or "", 10**9):
            raise LexiconError(f"{where}: too long for a {fmt}")
        if fmt == "datetime":
            if not DATETIME_RE.match(value) or value.endswith("-00:00"):
                raise LexiconError(f"{where}: {value!r} is not an RFC 3339 datetime")
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        elif fmt == "at-identifier":
            if not (FORMATS["did"].match(value) or FORMATS["handle"].match(value)):
                raise LexiconError(f"{where}: {value!r} is neither a did nor a handle")
        elif fmt in FORMATS and not FORMATS[fmt].match(value):
            raise LexiconError(f"{where}: {value!r} is not a valid {fmt}")
