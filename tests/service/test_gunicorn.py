"""The production server as the Procfile runs it: release phase, then gunicorn, then stop."""

from __future__ import annotations

from bench._servers import Gunicorn, http_get, service_env, upgrade_db


def test_gunicorn_serves_readyz_badge_and_304_and_stops_cleanly(upstream_server, tmp_path,
                                                                redis_db):
    env = service_env(upstream_server, tmp_path / "instance", cache_url=redis_db)
    upgrade_db(env)  # `candor db upgrade`, the release phase
    log = tmp_path / "gunicorn.log"
    server = Gunicorn(env, workers=2, log_path=log).start(ready_timeout=15)
    try:
        status, _, body = http_get(server.port, "/readyz")
        assert status == 200, body

        status, headers, body = http_get(server.port, "/v1/badges/github/octocat")
        assert status == 200, body
        assert b'"subject":"github:octocat"' in body
        etag = headers["ETag"]
        assert upstream_server.hits["github"] >= 1

        calls = sum(upstream_server.hits.values())
        for _ in range(4):  # both workers: the second one finds it in Redis
            status, headers, body = http_get(server.port, "/v1/badges/github/octocat",
                                             {"If-None-Match": etag})
            assert status == 304 and body == b""
            assert headers["ETag"] == etag
        assert sum(upstream_server.hits.values()) == calls
    finally:
        code = server.stop(timeout=10)
    assert code == 0, log.read_text()[-2000:]
    text = log.read_text()
    assert "Booting worker" in text and "Shutting down" in text, text[-2000:]
