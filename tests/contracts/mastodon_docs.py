"""Mastodon's entity documentation (docs.joinmastodon.org sources) turned into JSON Schema.

Mastodon publishes no machine-readable schema: each entity page lists its attributes as
``### `name` {{%optional%}} {#anchor}`` followed by a ``**Type:**`` line such as
``{{<nullable>}} String (URL)`` or ``Array of [Field](#Field)``. :func:`schema` reads the
vendored pages and writes the schema those lines state:

- an attribute is required unless marked ``{{%optional%}}``; ``{{<nullable>}}`` allows null;
- String/Integer/Boolean/Hash map to JSON types; ``(URL)`` to ``format: uri``,
  ``[Datetime]``/``[Date]`` to ``date-time``/``date``; "Array of X" to an array of X;
- a link to an entity documented on the same page (Field, Status::Tag) or on another
  vendored page (Account from Status) becomes a ``$ref``; a link to an entity that is not
  vendored (CustomEmoji, MediaAttachment, ...) is only required to be an object;
- nested attributes such as ``source[privacy]`` belong to CredentialAccount, not to the
  public entity, and sub-entity sections other than the ones referenced are ignored.

Objects stay open (``additionalProperties`` allowed): servers add attributes over time.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent / "mastodon"
ATTR_RE = re.compile(r"^### `(?P<name>[a-z_]+)`(?P<rest>.*)$")
SECTION_RE = re.compile(r"^## (?P<title>.*?)(\{#(?P<anchor>[A-Za-z_]+)\})?\s*$")
LINK_RE = re.compile(r"\[(?P<entity>[A-Za-z:]+)\]\((?P<target>[^)]*)\)")
# The entity pages this module reads, and which of their sub-entity sections it keeps.
PAGES = {"Account": ["Field", "AccountRole"], "Status": ["Mention", "Tag"]}


def _attributes(lines: list[str], section: str | None) -> list[tuple[str, bool, str]]:
    """(name, optional, type text) of one section: the main "Attributes" (None) or a
    sub-entity section by anchor."""
    out, current, inside = [], None, False
    for line in lines:
        head = SECTION_RE.match(line) if line.startswith("## ") else None
        if head:
            inside = (head.group("title").strip() == "Attributes" if section is None
                      else head.group("anchor") == section)
            continue
        if not inside:
            continue
        attr = ATTR_RE.match(line)
        if attr:
            current = (attr.group("name"), "{{%optional%}}" in attr.group("rest"))
        elif line.startswith("**Type:**") and current:
            out.append((current[0], current[1], line.removeprefix("**Type:**").strip(" \\")))
            current = None
    return out


def _type(text: str, page: str, local: dict[str, str]) -> dict[str, Any]:
    nullable = "{{<nullable>}}" in text
    text = text.replace("{{<nullable>}}", "").strip()
    if text.startswith("Array of"):
        inner = _type(text.removeprefix("Array of").strip(), page, local)
        schema: dict[str, Any] = {"type": "array", "items": inner}
    elif len(LINK_RE.findall(text)) > 1:
        schema = {"type": "object"}  # one of several entities
    elif (link := LINK_RE.match(text)) and not text.startswith("String"):
        entity = link.group("entity").split("::")[-1]
        if entity in local:
            schema = {"$ref": f"#/$defs/{local[entity]}"}
        elif entity.lower() == page.lower():
            schema = {"$ref": f"#/$defs/{page}"}
        elif entity in PAGES:
            schema = {"$ref": f"#/$defs/{entity}"}
        else:
            schema = {"type": "object"}  # documented on a page not vendored
    elif text.startswith("String"):
        schema = {"type": "string"}
        if "(URL)" in text:
            schema["format"] = "uri"
        elif "[Datetime]" in text:
            schema["format"] = "date-time"
        elif "[Date]" in text:
            schema["format"] = "date"
    elif text.startswith("Integer"):
        schema = {"type": "integer"}
    elif text.startswith("Boolean"):
        schema = {"type": "boolean"}
    elif text.startswith("Hash"):
        schema = {"type": "object"}
    else:
        raise ValueError(f"unrecognised Mastodon type line: {text!r}")
    if nullable:
        schema = {"anyOf": [schema, {"type": "null"}]}
    return schema


def _object(attrs: list[tuple[str, bool, str]], page: str, local: dict[str, str],
            required: bool) -> dict[str, Any]:
    return {"type": "object",
            "properties": {name: _type(text, page, local) for name, _, text in attrs},
            "required": [name for name, optional, _ in attrs if not optional and required]}


def definitions(required: bool = True) -> dict[str, Any]:
    defs: dict[str, Any] = {}
    for page, subs in PAGES.items():
        lines = (HERE / f"{page}.md").read_text().splitlines()
        local = {sub: f"{page}.{sub}" for sub in subs}
        defs[page] = _object(_attributes(lines, None), page, local, required)
        for sub in subs:
            defs[f"{page}.{sub}"] = _object(_attributes(lines, sub), page, local, required)
    return defs


def schema(entity: str, *, array: bool = False, required: bool = True) -> dict[str, Any]:
    """A self-contained JSON Schema for one entity (or an array of it). ``required=False``
    checks only the types of the attributes present (for the pages' examples, which were
    captured on older servers than the attribute lists describe)."""
    ref = {"$ref": f"#/$defs/{entity}"}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$defs": definitions(required),
            **({"type": "array", "items": ref} if array else ref)}


def example(entity: str) -> dict[str, Any]:
    """The page's own "## Example" JSON."""
    text = (HERE / f"{entity}.md").read_text()
    block = re.search(r"## Example\s+```json\n(.*?)\n```", text, re.S)
    assert block, f"no example on the {entity} page"
    return json.loads(block.group(1))


def method_limit(anchor: str) -> int:
    """The documented maximum ``limit`` of a method section in ``methods.md``."""
    text = (HERE / "methods.md").read_text()
    section = text.split("{#" + anchor + "}", 1)[1].split("\n## ", 1)[0]
    found = re.search(r"^limit\n: Integer\..*?Max (\d+)", section, re.M)
    assert found, f"no limit documented for {anchor}"
    return int(found.group(1))
