"""Hypothesis strategies: random but well-formed connector output for the scoring model.

Personas carry what the connectors emit today: per-item observations (posts, answers,
repositories), ``owner/repo`` items on contribution signals (some in the person's own
organisations), sampled reactors, and sometimes a failed call with its unobserved signals.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import strategies as st

from service.networks.base import NetworkData, Observation
from service.scoring import NetworkInput, catalogue

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
NETWORKS = catalogue.networks()
values = st.one_of(st.integers(0, 30), st.integers(0, 5000)).map(float)
dates = st.integers(0, 1500).map(lambda d: (NOW - timedelta(days=d)).date().isoformat())
OWNERS = ("me", "my-org", "friend", "rails", "python", "someone")
MEMBER_OF = ("my-org",)


def source_signals(network: str) -> dict[str, dict]:
    """The observation names a connector emits for ``network`` (derived signals excluded)."""
    return {n: s for n, s in catalogue.signals()[network].items() if not s.get("from")}


def item_for(draw, network: str, name: str, spec: dict, k: int) -> str | None:
    if spec.get("saturate"):
        owner = draw(st.sampled_from(OWNERS))
        return f"{owner}/repo{draw(st.integers(0, 3))}#{k}"
    if spec.get("per_item"):
        return f"{name}-{k}"
    return None


@st.composite
def observations(draw, network: str) -> list[Observation]:
    out = []
    for name, spec in sorted(source_signals(network).items()):
        if not draw(st.booleans()):
            continue
        if spec["kind"] == "level" and not spec.get("per_item"):
            out.append(Observation(name, draw(values)))
            continue
        for k in range(draw(st.integers(1, 6))):
            value = draw(values)
            if name == "answer_score":
                value = float(draw(st.integers(-5, 60)))
            out.append(Observation(
                name, value,
                at=draw(dates) if spec["kind"] == "event" or spec.get("per_item") else None,
                item=item_for(draw, network, name, spec, k),
                own=draw(st.booleans()) if spec.get("external_only") else False,
            ))
    return out


@st.composite
def reactors(draw) -> tuple[dict[str, int], int]:
    if not draw(st.booleans()):
        return {}, 0
    sample = draw(st.dictionaries(st.sampled_from([f"did:r{i}" for i in range(12)]),
                                  st.integers(1, 20), max_size=8))
    return sample, sum(sample.values())


@st.composite
def network_input(draw, network: str) -> NetworkInput:
    obs = draw(observations(network))
    partial: list[str] = []
    unobserved: list[str] = []
    if draw(st.integers(0, 4)) == 0:  # a failed call now and then
        scored = catalogue.scored_signals(network)
        unobserved = draw(st.lists(st.sampled_from(scored), min_size=1, max_size=2, unique=True))
        partial = ["some_call"]
        obs = [o for o in obs if o.signal not in unobserved]
    sample, sampled = draw(reactors()) if network in ("bluesky", "mastodon") else ({}, 0)
    data = NetworkData(
        network=network,
        handle="me",
        observations=obs,
        topics=draw(st.dictionaries(st.sampled_from(["python", "rust", "ml", "go"]),
                                    st.integers(1, 50).map(float), max_size=3)),
        partial=partial,
        unobserved=unobserved,
        member_of=list(MEMBER_OF) if network in ("github", "gitlab") else [],
        reactors=sample,
        reactions_sampled=sampled,
        fetched_at="2026-01-15T00:00:00Z",
    )
    return NetworkInput(data, network, data.handle, "given", "found")


@st.composite
def people(draw, min_size: int = 1, max_size: int = 3, include: str | None = None
           ) -> list[NetworkInput]:
    nets = draw(st.lists(st.sampled_from(NETWORKS), min_size=min_size, max_size=max_size,
                         unique=True))
    if include and include not in nets:
        nets = [include, *nets[: max_size - 1]]
    return [draw(network_input(n)) for n in nets]
