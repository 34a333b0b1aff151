"""The worked example in service/scoring/README.md is recomputed from the README itself."""

import json
import re
from datetime import datetime
from pathlib import Path

from service.networks.base import NetworkData, Observation
from service.scoring import NetworkInput, build_report

README = Path(__file__).resolve().parents[2] / "service" / "scoring" / "README.md"


def _example():
    text = README.read_text(encoding="utf-8")
    block = re.search(r"```json worked-example\n(.*?)\n```", text, re.S).group(1)
    final = re.search(
        r"Final score: \*\*(\d+)\*\* \(band (\d+)–(\d+), percentile ([\d.]+)\)", text
    )
    return json.loads(block), [float(x) for x in final.groups()]


def test_readme_worked_example_recomputes():
    example, (score, low, high, percentile) = _example()
    nets = []
    for n in example["networks"]:
        data = None
        if n["status"] == "found":
            data = NetworkData(n["network"], n["handle"], topics=n.get("topics", {}),
                               observations=[Observation(**o) for o in n["observations"]],
                               fetched_at=example["now"])
        nets.append(NetworkInput(data, n["network"], n["handle"], n["linked_by"], n["status"]))
    now = datetime.fromisoformat(example["now"].replace("Z", "+00:00"))
    report = build_report(example["subject"], example["role"], nets, now=now)
    assert report["status"] == "scored"
    assert report["score"] == score
    assert report["band"] == {"low": low, "high": high}
    assert report["percentile"] == percentile
    by_net = {r["network"]: r for r in report["networks"]}
    assert by_net["github"]["network_score"] == 56.55
    assert by_net["bluesky"]["network_score"] == 59.38
    assert report["computation"]["combined"] == 0.5926
