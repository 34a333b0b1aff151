"""Connector registry: one module per network, each exposing a ``Connector`` subclass."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from service.networks.base import Connector, InvalidHandle, UnknownNetwork

if TYPE_CHECKING:
    from service.config import Settings
    from service.upstream import Upstream

# network name -> module. Adding a network means adding a module and a line here.
NETWORK_MODULES: dict[str, str] = {
    "github": "service.networks.github",
    "gitlab": "service.networks.gitlab",
    "stackoverflow": "service.networks.stackoverflow",
    "mastodon": "service.networks.mastodon",
    "bluesky": "service.networks.bluesky",
    "hackernews": "service.networks.hackernews",
    "devto": "service.networks.devto",
    "orcid": "service.networks.openalex",
    "youtube": "service.networks.youtube",
    "x": "service.networks.x",
}

NETWORKS: tuple[str, ...] = tuple(NETWORK_MODULES)
KEYLESS_NETWORKS: tuple[str, ...] = (
    "github", "gitlab", "stackoverflow", "mastodon", "bluesky", "hackernews", "devto", "orcid",
)


def connector_class(network: str) -> type[Connector]:
    module_name = NETWORK_MODULES.get(network)
    if module_name is None:
        raise UnknownNetwork(network)
    module = importlib.import_module(module_name)
    return module.Connector


def make_connector(network: str, settings: Settings, upstream: Upstream) -> Connector:
    return connector_class(network)(settings, upstream)


def parse_account(text: str) -> tuple[str, str]:
    """Split ``network:handle`` (no validation of the handle itself)."""
    if not isinstance(text, str) or ":" not in text:
        raise ValueError(f"account must look like network:handle, got {str(text)[:80]!r}")
    network, _, handle = text.partition(":")
    network = network.strip().lower()
    if network == "twitter":
        network = "x"
    if network not in NETWORK_MODULES:
        raise UnknownNetwork(network)
    return network, handle.strip()


def validate_account(text: str, settings: Settings) -> tuple[str, str]:
    """Parse and validate ``network:handle``; returns the normalized pair. No I/O."""
    network, handle = parse_account(text)
    cls = connector_class(network)
    return network, cls(settings, None).validate(handle)  # type: ignore[arg-type]


__all__ = [
    "NETWORKS", "KEYLESS_NETWORKS", "Connector", "InvalidHandle", "UnknownNetwork",
    "connector_class", "make_connector", "parse_account", "validate_account",
]
