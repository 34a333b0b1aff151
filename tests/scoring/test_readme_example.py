"""The worked example in service/scoring/README.md is recomputed from the README itself,
and the README's breadth figures from the model."""

import json
import re
from datetime import datetime
from pathlib import Path

from service.networks.base import NetworkData, Observation
from service.scoring import NetworkInput, build_report
from service.scoring.reference import breadth_scores

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
                               member_of=n.get("member_of", []), fetched_at=example["now"])
        nets.append(NetworkInput(data, n["network"], n["handle"], n["linked_by"], n["status"]))
    now = datetime.fromisoformat(example["now"].replace("Z", "+00:00"))
    report = build_report(example["subject"], example["role"], nets, now=now)
    assert report["status"] == "scored"
    assert report["score"] == score
    assert report["band"] == {"low": low, "high": high}
    assert report["percentile"] == percentile
    by_net = {r["network"]: r for r in report["networks"]}
    assert by_net["github"]["network_score"] == 57.73
    assert by_net["bluesky"]["network_score"] == 61.09
    assert report["computation"]["combined"] == 0.6044
    gh = {s["name"]: s for s in by_net["github"]["signals"]}
    assert gh["merged_external_prs"]["value"] == 2.3935
    assert gh["merged_external_prs"]["exclusion_rules"] == ["own_work", "repository_saturation"]
    assert gh["reviews"]["value"] == 2.6321
    assert gh["stars_owned"]["value"] == 35 and gh["followers"]["value"] == 35.2
    bs = {s["name"]: s for s in by_net["bluesky"]["signals"]}
    assert bs["post_engagement"]["value"] == 2 and bs["followers"]["value"] == 90
    assert report["unobserved"] == []


def test_readme_breadth_figures_are_the_models():
    text = README.read_text(encoding="utf-8")
    one, two, three = re.search(
        r"scores (\d+) with one network, (\d+) with two and (\d+) with three", text).groups()
    assert breadth_scores("general") == [int(one), int(two), int(three)]
