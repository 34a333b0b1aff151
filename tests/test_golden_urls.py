"""The extension's golden URL list and handle rules, checked against the service's validation.

The extension validates ``network:handle`` before anything leaves the browser
(extension/src/shared/protocol.js); the service validates again in each connector. Both must
agree: every account the extension reads from a profile URL must be accepted by the service
with the same normalized handle, and for every handle in the shared golden lists the two
sides must give the same verdict.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from service.config import Settings
from service.networks import NETWORKS, InvalidHandle, validate_account

ROOT = Path(__file__).resolve().parent.parent
EXT = ROOT / "extension"
GOLDEN = json.loads((EXT / "test" / "golden-urls.json").read_text(encoding="utf-8"))
# Handle lists owned by the connectors' tests; used when present.
SERVICE_GOLDEN = [ROOT / "tests" / "golden_handles.json",
                  ROOT / "tests" / "golden_handles_social.json"]


@pytest.fixture(scope="module")
def svc_settings(tmp_path_factory) -> Settings:
    return Settings.from_env({"CANDOR_INSTANCE_PATH": str(tmp_path_factory.mktemp("inst"))})


def service_verdict(network: str, handle: str, settings: Settings) -> str | None:
    try:
        return validate_account(f"{network}:{handle}", settings)[1]
    except InvalidHandle:
        return None


def js_verdicts(pairs: list[list[str]]) -> list[str | None]:
    node = shutil.which("node")
    assert node, "node is required for the extension tests"
    proc = subprocess.run(
        [node, str(EXT / "test" / "support" / "validate-stdin.js")],
        input=json.dumps({"handles": pairs}), capture_output=True, text=True, timeout=30,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)["handles"]


def same(a: str, b: str) -> bool:
    return a.casefold() == b.casefold()


URL_CASES = [c for c in GOLDEN["urls"] if c["expect"] and c["expect"]["network"] in NETWORKS]


@pytest.mark.parametrize("case", URL_CASES, ids=[c["url"] for c in URL_CASES])
def test_service_accepts_every_account_read_from_a_profile_url(case, svc_settings):
    network, handle = case["expect"]["network"], case["expect"]["handle"]
    normalized = service_verdict(network, handle, svc_settings)
    assert normalized is not None, f"service rejects {network}:{handle} read from {case['url']}"
    assert same(normalized, handle)


def test_golden_list_covers_every_site():
    networks = {c["expect"]["network"] for c in GOLDEN["urls"] if c["expect"]}
    assert networks == {"github", "gitlab", "stackoverflow", "bluesky", "x", "devto",
                        "hackernews", "mastodon", "linkedin"}
    assert sum(1 for c in GOLDEN["urls"] if c["expect"] is None) >= 30


def _pairs() -> list[list[str]]:
    pairs = [list(p) for p in GOLDEN["handles"]["valid"] + GOLDEN["handles"]["invalid"]]
    for path in SERVICE_GOLDEN:
        if not path.exists():
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        for network, lists in data.items():
            if network.startswith("_") or network not in NETWORKS:
                continue
            pairs += [[network, h] for h in lists.get("valid", []) + lists.get("invalid", [])]
    return pairs


def test_extension_and_service_give_the_same_verdict(svc_settings):
    pairs = _pairs()
    assert len(pairs) > 40
    mismatches = []
    for (network, handle), js in zip(pairs, js_verdicts(pairs), strict=True):
        svc = service_verdict(network, handle, svc_settings)
        if (svc is None) != (js is None) or (svc and js and not same(svc, js)):
            mismatches.append(f"{network}:{handle!r}: service={svc!r} extension={js!r}")
    assert not mismatches, "\n".join(mismatches)
