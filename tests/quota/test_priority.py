"""Through the real app: a page's badge batch cannot spend what a hover needs."""

from __future__ import annotations

from urllib.parse import urlsplit

from service.app import services
from service.upstream import quota


def test_a_batch_leaves_the_reserve_to_a_hover(app, client, upstream_server):
    upstream_server.enforce_quotas("github")
    with app.app_context():
        svc = services()
    base = svc.settings.api_url("GITHUB")
    with quota.batch():  # earlier page loads spent everything but the reserve (48 of 60)
        for n in range(48):
            svc.upstream.get(f"{base}/users/bench-{900 + n}", network="github")
    batch = client.post("/v1/badges", json={"accounts": ["github:bench-1"]})
    assert batch.status_code == 200
    batch_report = client.get("/v1/reports/github/bench-1").get_json()
    assert {"network": "github", "reason": "rate_limited"} in [
        {k: d[k] for k in ("network", "reason")} for d in batch_report["degraded"]]

    hover = client.get("/v1/badges/github/bench-2")
    assert hover.status_code == 200 and hover.get_json()["status"] != "pending"
    report = client.get("/v1/reports/github/bench-2").get_json()
    assert report["degraded"] == []  # the hover was answered from the reserve
    host = urlsplit(base).netloc
    assert host and upstream_server.quota.refused["github"] == 0  # nothing sent into a 403


def test_a_spent_budget_is_named_in_the_report_with_its_reset_time(app, client,
                                                                  upstream_server):
    upstream_server.enforce_quotas("github", limits={("core", False): (1, 3600),
                                                     ("search", False): (10, 60)})
    with app.app_context():
        svc = services()
    svc.upstream.get(f"{svc.settings.api_url('GITHUB')}/users/bench-1", network="github")
    sent = upstream_server.hits["github"]
    badge = client.get("/v1/badges/github/bench-2").get_json()
    report = client.get("/v1/reports/github/bench-2").get_json()
    (entry,) = report["degraded"]
    assert entry["network"] == "github" and entry["reason"] == "rate_limited"
    assert entry["retry_at"].endswith("Z") and entry["retry_at"] > report["computed_at"]
    assert report["status"] == "insufficient_data" and report["score"] is None
    failed = [c["text"] for c in badge["caveats"] if c["code"] == "network_failed"]
    assert failed and entry["retry_at"] in failed[0]  # the hover card says so too
    assert upstream_server.hits["github"] == sent  # nothing was sent into the spent quota
