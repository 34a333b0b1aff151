"""The self-check shows the accounts that were not counted and how to make them count."""

from __future__ import annotations


def test_the_check_page_lists_unverified_accounts_with_how_to_fix(client, personas):
    page = client.get("/check?accounts=github:mallory").data.decode()
    assert "Not counted: not verified to be you" in page
    section = page.split('id="idv-h"', 1)[1].split("</section>", 1)[0]
    assert "stackoverflow:22656" in section and "bluesky:octocat.bsky.social" in section
    assert "publish https://github.com/mallory in the Bluesky profile description" in section


def test_the_check_page_has_no_such_section_when_all_accounts_verify(client, personas):
    page = client.get("/check?accounts=github:jskeet").data.decode()
    assert 'id="idv-h"' not in page


def test_the_self_check_json_names_them_too(client, personas):
    body = client.post("/v1/self-checks", json={"accounts": ["github:mallory"]}).get_json()
    assert sorted(u["account"] for u in body["unverified_accounts"]) == [
        "bluesky:octocat.bsky.social", "stackoverflow:22656"]
    assert all(u["how_to_verify"] for u in body["unverified_accounts"])
