"""Opt-out on every path (issue 15.1): an opted-out account is never fetched or shown however
it arrives (extra account, discovered link, recruiter lookup, self-check, alias), nothing of
it is stored, and every look-up that fetched a person's account is in that person's log.
Each test runs on one instance and on two (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import time

from sqlalchemy import select

from service.store.models import AccountAlias, HistorySubject, LatestReport, Snapshot
from tests.privacy.conftest import LURKER_DID, auth, claim_bluesky

LURKER = "bluesky:lurker.bsky.social"


def _new_key(app, name: str = "Acme recruiting") -> str:
    from service.store import keys

    with app.extensions["candor"].database.session() as session:
        _info, raw = keys.create_key(session, name, scopes=("lookups",))
    return raw


def _lookup(deployment, raw: str, accounts: list[str], purpose: str = "hiring") -> dict:
    client = deployment.reader
    r = client.post("/v1/lookups", json={"subjects": [{"accounts": accounts}],
                                         "purpose": purpose}, headers=auth(raw))
    assert r.status_code in (200, 202), r.get_json()
    if r.status_code == 200:
        return r.get_json()
    deployment.run_worker()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        data = client.get(r.headers["Location"], headers=auth(raw)).get_json()
        if data["status"] == "done":
            return data
        time.sleep(0.05)
    raise AssertionError("lookup not done in 30 s")


def _days(session, subject: str) -> list:
    return session.scalars(select(Snapshot).join(
        HistorySubject, HistorySubject.id == Snapshot.subject_id).where(
        HistorySubject.subject == subject)).all()


def _mentions_lurker(body: bytes | str) -> bool:
    text = body if isinstance(body, str) else body.decode()
    return "lurker" in text or LURKER_DID in text


def _stored_text(database) -> str:
    with database.session() as session:
        rows = [r.report for r in session.scalars(select(LatestReport))]
        rows += [[h.subject, h.role] for h in session.scalars(select(HistorySubject))]
        rows += [s.network_scores for s in session.scalars(select(Snapshot))]
    return json.dumps(rows)


def test_opted_out_account_is_never_fetched_or_shown(deployment, personas, monkeypatch,
                                                     upstream_server):
    person, reader = deployment.person, deployment.reader
    token = claim_bluesky(person, "lurker.bsky.social", monkeypatch)["token"]
    with deployment.database.session() as session:  # the network reported the DID
        alias = session.get(AccountAlias, f"bluesky:{LURKER_DID}")
        assert alias is not None and alias.account == LURKER
    # Before the opt-out the account shows up on every path (cached on the reader too).
    fan = reader.get("/v1/reports/github/fan")
    assert fan.status_code == 200 and _mentions_lurker(fan.data)
    extra = reader.get(f"/v1/reports/github/mallory?accounts={LURKER}")
    assert _mentions_lurker(extra.data)
    assert _mentions_lurker(reader.get("/v1/reports/github/jskeet?accounts="
                                       f"bluesky:{LURKER_DID}").data)
    assert person.post("/v1/me/opt-out", headers=auth(token)).get_json()["opted_out"] is True
    upstream_server.reset()

    paths = ["/v1/reports/github/fan", f"/v1/reports/github/mallory?accounts={LURKER}",
             f"/v1/reports/github/jskeet?accounts=bluesky:{LURKER_DID}",
             "/v1/badges/github/fan"]
    for path in paths:
        r = reader.get(path)
        assert r.status_code == 200 and not _mentions_lurker(r.data), path
    for subject in (LURKER, f"bluesky:{LURKER_DID}"):
        network, handle = subject.split(":", 1)
        assert reader.get(f"/v1/reports/{network}/{handle}").get_json()["status"] == "opted_out"
        assert reader.get(f"/v1/badges/{network}/{handle}").get_json()["status"] == "opted_out"
    check = reader.post("/v1/self-checks", json={"accounts": ["github:fan", LURKER]})
    assert check.status_code == 200 and not _mentions_lurker(check.data)
    check = reader.post("/v1/self-checks", json={"accounts": [f"bluesky:{LURKER_DID}"]})
    assert check.get_json()["status"] == "opted_out"
    page = reader.get(f"/check?accounts=github:fan+{LURKER}").data.decode()
    # Only the visitor's own typed input is echoed back (in the "check again" field).
    echoed = f">github:fan {LURKER}</textarea>"
    assert echoed in page and not _mentions_lurker(page.replace(echoed, ""))
    raw = _new_key(deployment.apps[-1])
    result = _lookup(deployment, raw, ["github:mallory", f"bluesky:{LURKER_DID}"])["results"][0]
    assert result["accounts"] == [f"bluesky:{LURKER_DID}"]  # the caller's input, echoed
    assert result["report"] and not _mentions_lurker(json.dumps(result["report"]))
    # Never fetched under any name, and nothing of it stored anywhere.
    fetched = [path for _net, path, _h in upstream_server.requests]
    assert not any(_mentions_lurker(p) for p in fetched), fetched
    assert not _mentions_lurker(_stored_text(deployment.database))


def test_every_lookup_that_fetched_an_account_is_in_its_log(deployment, personas, monkeypatch):
    person, reader = deployment.person, deployment.reader
    token = claim_bluesky(person, "lurker.bsky.social", monkeypatch)["token"]
    raw = _new_key(deployment.apps[-1], "Globex talent")
    _lookup(deployment, raw, ["github:fan"], purpose="discovered link")
    _lookup(deployment, raw, ["github:mallory", f"bluesky:{LURKER_DID}"], purpose="given by DID")
    log = person.get("/v1/me/access-log", headers=auth(token)).get_json()
    entries = sorted((e["purpose"], e["subject"], e["status"], e["key_name"])
                     for e in log["entries"])
    assert entries == [
        ("discovered link", LURKER, "fetched_for_another", "Globex talent"),
        ("given by DID", f"bluesky:{LURKER_DID}", "fetched_for_another", "Globex talent"),
    ]
    # The recruiter's own audit lists each subject it looked up, once.
    own = reader.get("/v1/audit", headers=auth(raw)).get_json()
    assert sorted(e["subject"] for e in own["entries"]) == ["github:fan", "github:mallory"]


def test_extra_accounts_never_rewrite_history_or_fallback(deployment, personas):
    reader = deployment.reader
    plain = reader.get("/v1/reports/github/mallory").get_json()
    with deployment.database.session() as session:
        before = session.get(LatestReport, ("github:mallory", "general")).report
        days = _days(session, "github:mallory")
        assert len(days) == 1
    assert before == plain
    # jskeet's accounts verify for jskeet only; handed to mallory's report they buy nothing
    # and the variant is never stored as mallory's.
    r = reader.get("/v1/reports/github/mallory?accounts=stackoverflow:22656,"
                   "bluesky:jskeet.bsky.social&role=general")
    assert r.status_code == 200
    assert r.get_json()["score"] == plain["score"]
    with deployment.database.session() as session:
        assert session.get(LatestReport, ("github:mallory", "general")).report == before
        again = _days(session, "github:mallory")
        assert [(d.day, d.score, d.computed_at) for d in again] == \
            [(d.day, d.score, d.computed_at) for d in days]
    history = reader.get("/v1/reports/github/mallory/history").get_json()
    assert [p["score"] for p in history["snapshots"]] == [plain["score"]]


def test_a_discovered_one_sided_account_is_not_counted_on_any_path(deployment, personas):
    """15.2: the identity rule holds on reports, badges, lookups and the self-check."""
    reader = deployment.reader
    alone = reader.get("/v1/reports/github/mallory?discover=false")
    report = reader.get("/v1/reports/github/mallory").get_json()
    rows = {n["account"]: n for n in report["networks"]}
    assert rows["stackoverflow:22656"]["status"] == "unverified"
    if alone.status_code == 200 and "score" in alone.get_json():
        assert report["score"] == alone.get_json()["score"]
    badge = reader.get("/v1/badges/github/mallory").get_json()
    assert badge["score"] == report["score"]
    check = reader.post("/v1/self-checks", json={"accounts": ["github:mallory"]}).get_json()
    assert {u["account"] for u in check["unverified_accounts"]} == {
        "stackoverflow:22656", "bluesky:octocat.bsky.social"}
    assert check["score"] == report["score"]
    raw = _new_key(deployment.apps[-1])
    result = _lookup(deployment, raw, ["github:mallory", "stackoverflow:22656"])["results"][0]
    rows = {n["account"]: n for n in result["report"]["networks"]}
    assert rows["stackoverflow:22656"]["status"] == "unverified"
    assert result["report"]["score"] == report["score"]


def test_a_stored_lookup_result_holding_an_opted_out_account_is_withdrawn(
        deployment, personas, monkeypatch):
    person, reader = deployment.person, deployment.reader
    token = claim_bluesky(person, "lurker.bsky.social", monkeypatch)["token"]
    raw = _new_key(deployment.apps[-1])
    done = _lookup(deployment, raw, ["github:mallory", LURKER])
    assert done["id"] and _mentions_lurker(json.dumps(done["results"][0]["report"]))
    person.post("/v1/me/opt-out", headers=auth(token))
    again = reader.get(f"/v1/lookups/{done['id']}", headers=auth(raw)).get_json()
    (result,) = again["results"]
    assert result["status"] == "withdrawn" and result["report"] is None
