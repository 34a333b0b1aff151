"""Hypothesis strategies: random but well-formed connector output for the scoring model."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import strategies as st

from service.networks.base import NetworkData, Observation
from service.scoring import NetworkInput, catalogue

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
NETWORKS = catalogue.networks()
values = st.one_of(st.integers(0, 30), st.integers(0, 5000)).map(float)
dates = st.integers(0, 1500).map(lambda d: (NOW - timedelta(days=d)).date().isoformat())


@st.composite
def observations(draw, network: str) -> list[Observation]:
    out = []
    for name, spec in sorted(catalogue.signals()[network].items()):
        if not draw(st.booleans()):
            continue
        if spec["kind"] == "level" and not spec.get("per_item"):
            out.append(Observation(name, draw(values)))
            continue
        for k in range(draw(st.integers(1, 4))):
            out.append(Observation(
                name,
                draw(values),
                at=draw(dates) if spec["kind"] == "event" else None,
                item=f"item{k}" if spec.get("per_item") else None,
                own=draw(st.booleans()) if spec.get("external_only") else False,
            ))
    return out


@st.composite
def network_input(draw, network: str) -> NetworkInput:
    data = NetworkData(
        network=network,
        handle=f"h-{network}",
        observations=draw(observations(network)),
        topics=draw(st.dictionaries(st.sampled_from(["python", "rust", "ml", "go"]),
                                    st.integers(1, 50).map(float), max_size=3)),
        fetched_at="2026-01-15T00:00:00Z",
    )
    return NetworkInput(data, network, data.handle, "given", "found")


@st.composite
def people(draw, min_size: int = 1, max_size: int = 3) -> list[NetworkInput]:
    nets = draw(st.lists(st.sampled_from(NETWORKS), min_size=min_size, max_size=max_size,
                         unique=True))
    return [draw(network_input(n)) for n in nets]
