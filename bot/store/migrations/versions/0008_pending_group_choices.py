"""Commands waiting for their author to pick a group: the group picker's buttons carry a short id
of a row here instead of the whole typed command (which could exceed Slack's 2,000-character
button value). A new table; no existing data changes.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 19:34:14.397595
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.schema

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pending_choices",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("expires_at", bot.store.schema.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_choices")),
    )
    with op.batch_alter_table("pending_choices", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pending_choices_expires_at"), ["expires_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("pending_choices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pending_choices_expires_at"))

    op.drop_table("pending_choices")
