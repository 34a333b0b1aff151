"""Every network failed: no number, and the caveat blames the connection, not the person
(issue 14: a script and a reader can tell "could not reach" from "too little evidence")."""

from service.scoring import NetworkInput, build_report
from tests.scoring.personas import NOW


def test_every_network_failed_blames_the_connection_not_the_person():
    failed = [NetworkInput(None, "github", "dev", "primary", "failed", reason="timeout"),
              NetworkInput(None, "devto", "dev", "given", "failed", reason="timeout")]
    report = build_report("github:dev", "engineering", failed, now=NOW)
    codes = [c["code"] for c in report["caveats"]]
    assert report["status"] == "insufficient_data" and report["score"] is None
    assert "networks_unreachable" in codes and "insufficient_data" not in codes
    text = next(c["text"] for c in report["caveats"] if c["code"] == "networks_unreachable")
    assert "github:dev" in text and "says nothing about the person" in text
