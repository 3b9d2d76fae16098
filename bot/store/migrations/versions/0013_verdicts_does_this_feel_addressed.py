"""Verdicts: "does this feel addressed?" asked of the whole group when a facilitator marks an
elephant or an agenda item addressed. Three new tables: `verdicts` (one row per asking,
with the figure last drawn on its card), `verdict_answers` (answers with no author and no token,
under random ids) and `verdict_tokens` (once per person and asking, so an answer can be changed).
Nothing existing changes.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 22:27:00.042041
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.schema

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "verdicts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("what_was_done", sa.Text(), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("asked_at", bot.store.schema.UtcDateTime(), nullable=False),
        sa.Column("reopened_at", bot.store.schema.UtcDateTime(), nullable=True),
        sa.Column("figures_shown", sa.String(length=200), server_default="", nullable=False),
        sa.Column("changed", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name=op.f("fk_verdicts_group_id_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verdicts")),
    )
    with op.batch_alter_table("verdicts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_verdicts_changed"), ["changed"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_verdicts_group_id_kind_subject_id"),
            ["group_id", "kind", "subject_id"],
            unique=False,
        )

    op.create_table(
        "verdict_answers",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("verdict_id", sa.Integer(), nullable=False),
        sa.Column("answer", sa.String(length=12), nullable=False),
        sa.ForeignKeyConstraint(
            ["verdict_id"],
            ["verdicts.id"],
            name=op.f("fk_verdict_answers_verdict_id_verdicts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verdict_answers")),
    )
    with op.batch_alter_table("verdict_answers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_verdict_answers_verdict_id_answer"),
            ["verdict_id", "answer"],
            unique=False,
        )

    op.create_table(
        "verdict_tokens",
        sa.Column("verdict_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("seal", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["verdict_id"],
            ["verdicts.id"],
            name=op.f("fk_verdict_tokens_verdict_id_verdicts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("verdict_id", "token", name=op.f("pk_verdict_tokens")),
    )


def downgrade() -> None:
    op.drop_table("verdict_tokens")
    with op.batch_alter_table("verdict_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_verdict_answers_verdict_id_answer"))

    op.drop_table("verdict_answers")
    with op.batch_alter_table("verdicts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_verdicts_group_id_kind_subject_id"))
        batch_op.drop_index(batch_op.f("ix_verdicts_changed"))

    op.drop_table("verdicts")
