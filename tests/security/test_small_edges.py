"""Issue 15 items 11, 12, 13: huge JSON integers, /metrics label cardinality, file modes."""

from __future__ import annotations

import logging
import os
import stat

import pytest

from service.store import keys
from service.store.db import Database

HUGE = "1" * 5000  # over Python's 4,300-digit limit for int() from a string


@pytest.mark.parametrize("path", ["/v1/lookups", "/v1/badges", "/v1/claims", "/v1/self-checks"])
def test_a_json_integer_over_4300_digits_is_a_400(make_app, caplog, path):
    app = make_app()
    with app.extensions["candor"].database.session() as session:
        _, raw = keys.create_key(session, "acme")
    client = app.test_client()
    body = '{"accounts": [' + HUGE + '], "subjects": [{"accounts": [' + HUGE + "]}]}"
    with caplog.at_level(logging.ERROR):
        r = client.post(path, data=body, content_type="application/json",
                        headers={"Authorization": f"Bearer {raw}"})
    assert r.status_code == 400, (path, r.status_code, r.data[:200])
    error = r.get_json()["error"]
    assert error["code"] == "invalid_json" and "Traceback" not in r.get_data(as_text=True)
    assert not [rec for rec in caplog.records if rec.levelno >= logging.ERROR], caplog.text


def test_metrics_labels_do_not_grow_with_invented_methods(make_app):
    client = make_app().test_client()
    for i in range(50):
        client.open("/healthz", method=f"BREW{i}")
    client.get("/healthz")
    text = client.get("/metrics").get_data(as_text=True)
    assert "BREW" not in text
    methods = {line.split('method="')[1].split('"')[0]
               for line in text.splitlines()
               if line.startswith("candor_http_requests_total{")}
    assert "other" in methods and "GET" in methods
    assert methods <= {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "other"}


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_sqlite_file_is_created_owner_only(make_app):
    old = os.umask(0o022)  # the usual umask, which gives 0644 files
    try:
        app = make_app()
        app.test_client().get("/v1/badges/nonet/x")  # touches the rate-limit store too
    finally:
        os.umask(old)
    instance = app.extensions["candor"].settings.instance_path
    db = instance / "candor.sqlite3"
    assert _mode(db) == 0o600
    for extra in (f"{db}-wal", f"{db}-shm", instance / "cache" / "ratelimits.sqlite3"):
        if os.path.exists(extra):
            assert _mode(extra) == 0o600, extra


def test_an_existing_world_readable_sqlite_file_is_narrowed(tmp_path):
    path = tmp_path / "candor.sqlite3"
    path.write_bytes(b"")
    path.chmod(0o644)
    database = Database(f"sqlite:///{path}")
    assert database.ping()
    assert _mode(path) == 0o600
    database.dispose()
