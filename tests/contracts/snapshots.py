"""Read the providers' own test snapshots (Vitest/Jest ``exports[`name`] = `...`;``).

The atproto AppView's view tests snapshot real API outputs with volatile values replaced by
placeholders (``user(0)`` for a DID, ``record(1)`` for an AT-URI, ``cids(2)`` for a CID,
``1970-01-01T00:00:00.000Z`` for times). :func:`concrete` puts syntactically valid values back,
deterministically, so the outputs can be checked against the lexicons and fed to connectors.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

EXPORT_RE = re.compile(r"^exports\[`(?P<name>.*?)`\] = `\n(?P<body>.*?)\n`;$", re.S | re.M)
PLACEHOLDER_RE = re.compile(r"(user|record|cids)\((\d+)\)")


def read(path: Path) -> dict[str, Any]:
    """Snapshot name -> the JSON value it holds (pretty-format's trailing commas removed)."""
    out = {}
    for match in EXPORT_RE.finditer(path.read_text()):
        body = re.sub(r",(\s*[}\]])", r"\1", match.group("body"))
        out[match.group("name")] = json.loads(body.replace("\\`", "`"))
    return out


def _b32(seed: str, length: int) -> str:
    return base64.b32encode(hashlib.sha256(seed.encode()).digest()).decode().lower()[:length]


def _value(kind: str, n: str) -> str:
    if kind == "user":
        return "did:plc:" + _b32(f"user{n}", 24)
    if kind == "cids":
        return "bafyrei" + _b32(f"cid{n}", 52)
    # record(N): an AT-URI; the rkey is a TID-shaped key
    return f"at://did:plc:{_b32('rec' + n, 24)}/app.bsky.feed.post/3k{_b32('k' + n, 11)}"


def concrete(value: Any, *, now: datetime | None = None) -> Any:
    """Placeholders replaced; with ``now``, each 1970 time becomes a distinct recent time
    (one day apart, in document order) so connectors see posts inside their windows."""
    counter = iter(range(10**6))

    def walk(item: Any) -> Any:
        if isinstance(item, dict):
            return {k: walk(v) for k, v in item.items()}
        if isinstance(item, list):
            return [walk(v) for v in item]
        if isinstance(item, str):
            whole = PLACEHOLDER_RE.fullmatch(item)
            if whole:
                return _value(whole.group(1), whole.group(2))
            text = PLACEHOLDER_RE.sub(lambda m: _b32(m.group(0), 12), item)
            if now is not None and text.startswith("1970-01-01T"):
                moment = now - timedelta(days=1 + next(counter))
                return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
            return text
        return item

    return walk(value)
