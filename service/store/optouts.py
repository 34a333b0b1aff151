"""Opt-outs: a subject who opts out is not scored and nothing about them is kept.

An opt-out holds for the account under every name the network reported for it (a Bluesky
DID and its handle: ``account_aliases``), and wherever the account arrives: as the subject,
as an extra account, as a discovered link (see ``service/lookup.py``). ``blocked`` answers
for a set of accounts at once.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from service.store._upsert import insert_for
from service.store.erasure import delete_subject, forget_account
from service.store.models import AccountAlias, Mention, OptOut, utcnow


def names_of(session: Session, accounts: Iterable[str]) -> set[str]:
    """The accounts with every alias known for them (both directions, one hop each way)."""
    names = {a for a in accounts if a}
    if not names:
        return names
    rows = session.execute(select(AccountAlias.alias, AccountAlias.account).where(
        or_(AccountAlias.alias.in_(names), AccountAlias.account.in_(names)))).all()
    canonical = names | {account for _, account in rows}
    more = session.scalars(select(AccountAlias.alias).where(
        AccountAlias.account.in_(canonical))).all()
    return canonical | {alias for alias, _ in rows} | set(more)


def remember_aliases(session: Session, pairs: Iterable[tuple[str, str]]) -> None:
    """Record (alias, account) pairs the network reported; the newest account wins."""
    for alias, account in pairs:
        if alias == account:
            continue
        stmt = insert_for(session, AccountAlias).values(alias=alias, account=account,
                                                        seen_at=utcnow())
        session.execute(stmt.on_conflict_do_update(
            index_elements=[AccountAlias.alias],
            set_={"account": stmt.excluded.account, "seen_at": stmt.excluded.seen_at}))


def blocked(session: Session, accounts: Iterable[str]) -> set[str]:
    """The given accounts that are opted out, directly or through an alias (three queries
    whatever the number of accounts)."""
    accounts = {a for a in accounts if a}
    if not accounts:
        return set()
    rows = session.execute(select(AccountAlias.alias, AccountAlias.account).where(
        or_(AccountAlias.alias.in_(accounts), AccountAlias.account.in_(accounts)))).all()
    canonical = {a: {a} for a in accounts}
    for alias, account in rows:
        for a in accounts:
            if a in (alias, account):
                canonical[a] |= {alias, account}
    every = set().union(*canonical.values())
    more = session.execute(select(AccountAlias.alias, AccountAlias.account).where(
        AccountAlias.account.in_(every))).all()
    for alias, account in more:
        for names in canonical.values():
            if account in names:
                names.add(alias)
    every = set().union(*canonical.values())
    gone = set(session.scalars(select(OptOut.subject).where(OptOut.subject.in_(every))))
    return {a for a, names in canonical.items() if names & gone}


def is_opted_out(session: Session, subject: str) -> bool:
    return bool(blocked(session, [subject]))


def opt_out(session: Session, subject: str) -> list[str]:
    """Record the opt-out and delete the subject's stored data, and the data of every other
    subject that holds it. Idempotent. Returns the subjects whose cached reports held the
    account (the caller purges them from the cache)."""
    stmt = insert_for(session, OptOut).values(subject=subject, created_at=utcnow())
    # DO NOTHING keeps the first opt-out date and cannot fail when two requests race.
    session.execute(stmt.on_conflict_do_nothing(index_elements=[OptOut.subject]))
    names = names_of(session, [subject])
    # Opt-out takes effect everywhere at once: no history is kept for an opted-out subject.
    for name in names:
        delete_subject(session, name)
    holders = sorted(set(session.scalars(select(Mention.subject).where(
        Mention.account.in_(names)))) - names)
    for name in names:
        forget_account(session, name, holders)
    return sorted(set(holders) | names)


def opt_in(session: Session, subject: str) -> None:
    """Withdraw an opt-out (no-op when there is none), under every name of the account."""
    names = names_of(session, [subject])
    session.execute(delete(OptOut).where(OptOut.subject.in_(names)))


def holders(session: Session, account: str) -> list[str]:
    """Subjects whose reports held ``account`` (under any of its names)."""
    names = names_of(session, [account])
    return sorted(set(session.scalars(select(Mention.subject).where(
        Mention.account.in_(names)))) - names)


def record_mentions(session: Session, subject: str, accounts: Iterable[str]) -> None:
    """A report of ``subject`` (about to be cached) holds data of ``accounts``."""
    for account in set(accounts) - {subject}:
        stmt = insert_for(session, Mention).values(account=account, subject=subject,
                                                   seen_at=utcnow())
        session.execute(stmt.on_conflict_do_update(
            index_elements=[Mention.account, Mention.subject],
            set_={"seen_at": stmt.excluded.seen_at}))
