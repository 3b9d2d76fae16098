"""The ladder of co-production: "Where on the ladder did today feel?" after each meeting. One new
table, `ladder_answers`: answers with no author and no token, under random ids, with the side
(lived experience or professional) only for the by-role figures. Once per person uses the
existing `reflection_tokens`. Nothing existing changes.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-08 00:05:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ladder_answers",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("rung", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(length=20), nullable=True),
        sa.Column("counted", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.CheckConstraint("rung BETWEEN 1 AND 7", name=op.f("ck_ladder_answers_rung_range")),
        sa.CheckConstraint(
            "side IS NULL OR side IN ('lived-experience', 'professional')",
            name=op.f("ck_ladder_answers_side_known"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_ladder_answers_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ladder_answers")),
    )
    with op.batch_alter_table("ladder_answers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ladder_answers_meeting_id"), ["meeting_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("ladder_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ladder_answers_meeting_id"))
    op.drop_table("ladder_answers")
