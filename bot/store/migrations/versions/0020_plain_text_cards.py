"""Plain text answered by number: the numbered options of the last card sent privately to someone
who reads in plain text, so that a number typed alone in a direct message answers it. One new
table, `plain_text_cards`, one row per person at most; nothing existing changes.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-08 01:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.schema

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "plain_text_cards",
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("workspace", sa.String(length=100), nullable=False),
        sa.Column("user_id", sa.String(length=200), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("options", sa.Text(), nullable=False),
        sa.Column("sent_at", bot.store.schema.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name=op.f("fk_plain_text_cards_group_id_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "platform", "workspace", "user_id", name=op.f("pk_plain_text_cards")
        ),
    )
    with op.batch_alter_table("plain_text_cards", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plain_text_cards_sent_at"), ["sent_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("plain_text_cards", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plain_text_cards_sent_at"))
    op.drop_table("plain_text_cards")
