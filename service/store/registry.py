"""The lookup's view of the store: opt-outs with aliases, claim groups, reported aliases."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from service.lookup import Registry
from service.store import claims, optouts
from service.store.db import Database
from service.store.models import Claim

log = logging.getLogger("candor.registry")


class StoreRegistry(Registry):
    def __init__(self, database: Database):
        self.database = database

    def blocked(self, accounts: Iterable[str]) -> set[str]:
        accounts = list(accounts)
        if not accounts:
            return set()
        with self.database.session() as session:
            return optouts.blocked(session, accounts)

    def claimed(self, subject: str) -> tuple[set[str], set[str]]:
        from sqlalchemy import select

        with self.database.session() as session:
            proven = claims.group_accounts(session, subject)
            if not proven:
                return set(), set()
            declared: set[str] = set()
            for claim in session.scalars(select(Claim).where(
                    Claim.account.in_(proven), Claim.status == "verified")):
                declared |= set(claim.extra_accounts or [])
        return proven - {subject}, declared - proven

    def remember_aliases(self, pairs: list[tuple[str, str]]) -> None:
        try:
            with self.database.session() as session:
                optouts.remember_aliases(session, pairs)
        except Exception:  # two lookups racing on one alias: the other one stored it
            log.info("aliases not stored this time", exc_info=True)
