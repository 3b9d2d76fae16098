""" "Slow down", "too much jargon" and "I need a break" during a meeting, and the group's glossary:
three new tables (signal crowds without authors, their once-per-person tokens, glossary entries)
and the group setting `signal_crowd` (how many must ask before facilitators hear, default 2).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-08 00:05:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.schema

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("groups", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("signal_crowd", sa.Integer(), server_default="2", nullable=False)
        )

    op.create_table(
        "signal_crowds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("word_key", sa.String(length=200), nullable=False),
        sa.Column("opened_at", bot.store.schema.UtcDateTime(), nullable=False),
        sa.Column("asked", sa.Integer(), nullable=False),
        sa.Column("alerted", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_signal_crowds_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signal_crowds")),
    )
    with op.batch_alter_table("signal_crowds", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_signal_crowds_meeting_id_kind_word_key_opened_at"),
            ["meeting_id", "kind", "word_key", "opened_at"],
            unique=False,
        )

    op.create_table(
        "signal_tokens",
        sa.Column("crowd_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["crowd_id"],
            ["signal_crowds.id"],
            name=op.f("fk_signal_tokens_crowd_id_signal_crowds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("crowd_id", "token", name=op.f("pk_signal_tokens")),
    )

    op.create_table(
        "glossary_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("word", sa.String(length=40), nullable=False),
        sa.Column("word_key", sa.String(length=200), nullable=False),
        sa.Column("meaning", sa.Text(), nullable=True),
        sa.Column("asked_at", bot.store.schema.UtcDateTime(), nullable=True),
        sa.Column("explained_at", bot.store.schema.UtcDateTime(), nullable=True),
        sa.Column("explained_in", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["explained_in"],
            ["meetings.id"],
            name=op.f("fk_glossary_entries_explained_in_meetings"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name=op.f("fk_glossary_entries_group_id_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_glossary_entries")),
        sa.UniqueConstraint(
            "group_id", "word_key", name=op.f("uq_glossary_entries_group_id_word_key")
        ),
    )


def downgrade() -> None:
    op.drop_table("glossary_entries")
    op.drop_table("signal_tokens")
    op.drop_table("signal_crowds")
    with op.batch_alter_table("groups", schema=None) as batch_op:
        batch_op.drop_column("signal_crowd")
