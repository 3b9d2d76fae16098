"""No trace of one person: a glossary word asked about keeps no time (it could date one person's
"too much jargon" signal), and an answer to "does this feel addressed?" keeps no seal of the
answer beside the person's token (anyone holding the key could test which answer they gave).
Two columns go: `glossary_entries.asked_at` and `verdict_tokens.seal`. The tokens stay, so each
person still answers once; the answers stay, so every count stays the same. One table comes:
`forgotten_people`, a keyed token and a time for each `forget-me`, so that rejoining never
answers or marks twice what was open before.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-08 01:55:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.schema

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "forgotten_people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("forgotten_at", bot.store.schema.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name=op.f("fk_forgotten_people_group_id_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forgotten_people")),
    )
    with op.batch_alter_table("forgotten_people", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_forgotten_people_group_id_token"), ["group_id", "token"], unique=False
        )
    with op.batch_alter_table("glossary_entries", schema=None) as batch_op:
        batch_op.drop_column("asked_at")
    with op.batch_alter_table("verdict_tokens", schema=None) as batch_op:
        batch_op.drop_column("seal")


def downgrade() -> None:
    # The seals and times are gone for good: an empty seal matches no answer, so an answer given
    # before cannot be changed after a downgrade, which is the safe side.
    with op.batch_alter_table("verdict_tokens", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("seal", sa.String(length=64), server_default="", nullable=False)
        )
    with op.batch_alter_table("glossary_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("asked_at", bot.store.schema.UtcDateTime(), nullable=True))
    with op.batch_alter_table("forgotten_people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_forgotten_people_group_id_token"))
    op.drop_table("forgotten_people")
