"""The golden handle list (shared with the extension's URL adapters) against validate()."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from service.networks import InvalidHandle, connector_class

GOLDEN = json.loads((Path(__file__).parent.parent / "golden_handles.json").read_text())
NETWORKS = [n for n in GOLDEN if not n.startswith("_")]
VALID = [(n, h) for n in NETWORKS for h in GOLDEN[n]["valid"]]
INVALID = [(n, h) for n in NETWORKS for h in GOLDEN[n]["invalid"]]


def test_every_network_has_both_lists():
    assert set(NETWORKS) == {"github", "gitlab", "stackoverflow", "orcid"}
    for network in NETWORKS:
        assert GOLDEN[network]["valid"] and GOLDEN[network]["invalid"]


@pytest.mark.parametrize(("network", "handle"), VALID)
def test_valid_handles_are_canonical(settings, network, handle):
    connector = connector_class(network)(settings, None)
    assert connector.validate(handle) == handle


@pytest.mark.parametrize(("network", "handle"), INVALID)
def test_invalid_handles_raise(settings, network, handle):
    connector = connector_class(network)(settings, None)
    with pytest.raises(InvalidHandle):
        connector.validate(handle)
