"""Profiles for the identity and privacy tests, served by the fake upstream (added to the
fakes' tables for one test, removed afterwards).

- ``github:jskeet``: blog ``stackoverflow.com/users/22656/...`` and social account
  ``bsky.app/profile/jskeet.bsky.social``. Stack Overflow 22656's ``website_url`` is
  ``github.com/jskeet`` and the Bluesky description says ``github.com/jskeet``: both links
  are two-sided, so both accounts count.
- ``github:mallory``: publishes other people's accounts (Stack Overflow 22656 as her blog,
  ``octocat.bsky.social`` as a social account); neither links back: nothing counts.
- ``bluesky:lurker.bsky.social``: a person with a Bluesky DID (``did:plc:lurker...``), linked
  one-sidedly from ``github:fan`` (to test opt-out by alias and discovered links).
"""

from __future__ import annotations

import pytest

from tests.fakes import bluesky as fake_bluesky
from tests.fakes import github as fake_github

LURKER_DID = "did:plc:lurkeraaaaaaaaaaaaaaaaaa"


@pytest.fixture
def personas(monkeypatch):
    users = {
        "jskeet": fake_github._user("jskeet", 9300001, name="Jon Skeet",
                                    blog="https://stackoverflow.com/users/22656/jon-skeet",
                                    followers=4000, following=10,
                                    created_at="2010-03-03T00:00:00Z"),
        "mallory": fake_github._user("mallory", 9300002, name="Mallory",
                                     blog="https://stackoverflow.com/users/22656",
                                     followers=12, following=30,
                                     created_at="2019-04-04T00:00:00Z"),
        "fan": fake_github._user("fan", 9300003, name="A Fan", followers=3,
                                 created_at="2018-01-01T00:00:00Z"),
    }
    for login, user in users.items():
        monkeypatch.setitem(fake_github.USERS, login, user)
    monkeypatch.setitem(fake_github.SOCIAL, "jskeet", [
        {"provider": "bluesky", "url": "https://bsky.app/profile/jskeet.bsky.social"}])
    monkeypatch.setitem(fake_github.SOCIAL, "mallory", [
        {"provider": "bluesky", "url": "https://bsky.app/profile/octocat.bsky.social"}])
    monkeypatch.setitem(fake_github.SOCIAL, "fan", [
        {"provider": "bluesky", "url": "https://bsky.app/profile/lurker.bsky.social"}])
    profiles = {
        "jskeet.bsky.social": fake_bluesky._profile(
            "jskeet.bsky.social", displayName="Jon", followersCount=800, followsCount=50,
            description="C# and Java. Code: github.com/jskeet"),
        "lurker.bsky.social": fake_bluesky._profile(
            "lurker.bsky.social", did=LURKER_DID, followersCount=300, followsCount=20,
            description="I post rarely."),
    }
    for handle, profile in profiles.items():
        monkeypatch.setitem(fake_bluesky.PROFILES, handle, profile)
        monkeypatch.setitem(fake_bluesky.BY_DID, profile["did"], handle)
    return users
