"""OpenAlex's object documentation (ourresearch/openalex-docs) as JSON Schema and examples.

Each attribute of an object page is ``### `name` `` followed by a type line (``_Integer:_``,
``_String:_``, ``_List:_``, ``_Object:_``, ``_Boolean:_``, ``_Float:_``) and usually a small
example block written JavaScript-style (``cited_by_count: 38``, unquoted keys, ``...`` for
elisions). :func:`schema` turns the type lines into JSON Schema; :func:`example` joins the
example blocks into one object (elisions dropped). Attributes marked "(deprecated)" are left
out of ``required``; OpenAlex renders every other attribute of a full entity (null when
unknown), so they are all required of a full entity.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent / "openalex"
HEAD_RE = re.compile(r"^### `(?P<name>[a-z0-9_]+)`(?P<rest>.*)$")
# "_Integer:_ text", or a bare "_Object_" line (the primary_topic section writes it so)
TYPE_RE = re.compile(r"^_(?P<type>[A-Za-z ]+?)(:_|_\s*$)")
TYPES = {"Integer": {"type": ["integer", "null"]}, "Float": {"type": ["number", "null"]},
         "String": {"type": ["string", "null"]}, "Boolean": {"type": ["boolean", "null"]},
         "List": {"type": ["array", "null"]}, "List of objects": {"type": ["array", "null"]},
         "Object": {"type": ["object", "null"]}}


def _sections(page: str) -> list[tuple[str, bool, str | None, str | None]]:
    """(name, deprecated, type, example block) per attribute, in page order."""
    out = []
    lines = (HERE / page).read_text().splitlines()
    for i, line in enumerate(lines):
        head = HEAD_RE.match(line)
        if not head:
            continue
        body = []
        for nxt in lines[i + 1:]:
            if nxt.startswith("### ") or nxt.startswith("## "):
                break
            body.append(nxt)
        kind = next((m.group("type") for b in body if (m := TYPE_RE.match(b))), None)
        block = re.search(r"```json\n(.*?)\n```", "\n".join(body), re.S)
        out.append((head.group("name"), "deprecated" in head.group("rest"), kind,
                    block.group(1) if block else None))
    return out


def schema(page: str, *, required: bool = True) -> dict[str, Any]:
    props, req = {}, []
    for name, deprecated, kind, _ in _sections(page):
        if kind is None:
            continue
        props[name] = TYPES[kind]
        if not deprecated:
            req.append(name)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
            "properties": props, "required": req if required else []}


def _js_to_json(block: str) -> Any:
    text = "\n".join(x for x in block.splitlines() if x.strip() not in ("...", "...,"))
    text = re.sub(r'(?m)^(\s*)([A-Za-z0-9_]+)\s*:', r'\1"\2":', text)
    text = re.sub(r'([{,]\s*)([A-Za-z0-9_]+)\s*:', r'\1"\2":', text)
    text = re.sub(r",(\s*[}\]])", r"\1", text.strip().rstrip(","))
    return json.loads("{" + text + "}")


def example(page: str) -> dict[str, Any]:
    """The page's per-attribute examples joined into one object."""
    out: dict[str, Any] = {}
    for name, _, _, block in _sections(page):
        if block is None:
            continue
        try:
            value = _js_to_json(block)
        except json.JSONDecodeError:
            continue  # a prose-only or partial snippet
        if name in value:
            out[name] = value[name]
    return out
