"""Outbox rows marked as being sent: a nullable `sending_since` on the outbox, set just before a
row's platform call, so a drain that finds a dead holder's row still marked counts it as an
ambiguous send instead of sending it twice. A new nullable column; existing rows stay unmarked.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 21:08:24.342203
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.schema

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("sending_since", bot.store.schema.UtcDateTime(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("sending_since")
