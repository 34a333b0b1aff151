"""API keys keep their limit as given (``5/hour`` stays 5 an hour, not 60 an hour).

Revision ID: 0002_key_limit
Revises: 0001
Create Date: 2026-12-01

Existing keys were stored as whole requests per minute and enforced as ``N * 60`` an hour;
they are backfilled with exactly that, so no key's limit changes by this migration.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_key_limit"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_keys") as batch:
        batch.add_column(sa.Column("rate_limit_spec", sa.String(length=32), nullable=True))
    keys = sa.table("api_keys", sa.column("rate_limit", sa.Integer()),
                    sa.column("rate_limit_spec", sa.String(length=32)))
    bind = op.get_bind()
    rows = bind.execute(sa.select(keys.c.rate_limit).where(keys.c.rate_limit.is_not(None))
                        .distinct()).scalars().all()
    for per_minute in rows:
        bind.execute(keys.update().where(keys.c.rate_limit == per_minute)
                     .values(rate_limit_spec=f"{per_minute * 60}/hour"))


def downgrade() -> None:
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_column("rate_limit_spec")
