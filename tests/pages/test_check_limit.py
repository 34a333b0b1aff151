"""The self-check refetches every network, so it has its own per-IP limit."""

from service.web.limits import CHECK_LIMIT


def test_check_is_rate_limited_per_ip_but_the_form_is_not(client):
    allowed = int(CHECK_LIMIT.split("/")[0])
    for _ in range(allowed):
        assert client.get("/check?accounts=github:-bad-").status_code == 400
    limited = client.get("/check?accounts=github:-bad-")
    assert limited.status_code == 429
    assert limited.headers.get("Retry-After")
    assert client.get("/check").status_code == 200
    assert client.get("/methodology").status_code == 200
