"""Golden handles for the social connectors: every valid one validates, every invalid one
raises InvalidHandle, and neither touches the network."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from service.networks import make_connector
from service.networks.base import InvalidHandle

GOLDEN = json.loads((Path(__file__).parent.parent / "golden_handles_social.json").read_text())
CASES = [(net, kind, h) for net, sets in GOLDEN.items() if not net.startswith("_")
         for kind in ("valid", "invalid") for h in sets[kind]]


@pytest.mark.parametrize(("network", "kind", "handle"), CASES)
def test_golden_handle(settings, upstream, upstream_server, network, kind, handle):
    conn = make_connector(network, settings, upstream)
    if kind == "valid":
        normalized = conn.validate(handle)
        assert normalized == conn.validate(normalized)  # normalizing is idempotent
    else:
        with pytest.raises(InvalidHandle):
            conn.validate(handle)
    assert sum(upstream_server.hits.values()) == 0
